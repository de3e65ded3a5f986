/**
 * Loads and validates an environment's configuration file, once, before any stack exists.
 */
import * as fs from 'fs';
import { Document, isScalar, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConsumerConfig, consumerConfigSchema } from './consumer-schema';
import { EnvironmentConfig, environmentConfigSchema } from './schema';

/** A configuration that cannot be deployed; `problems` lists every reason found, one per line. */
export class ConfigError extends Error {
  constructor(
    /** Where the configuration came from (a file path). */
    readonly source: string,
    /** Each problem as `key.path: got X, expected Y`. */
    readonly problems: readonly string[],
  ) {
    super(
      `${source}: ${problems.length} problem(s) in the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads `file` (YAML) and returns the validated configuration, or throws a {@link ConfigError}. */
export function loadConfigFile(file: string): EnvironmentConfig {
  return loadFile(environmentConfigSchema, file, 'config/example.yaml');
}

/** Reads a consumer configuration file (the customer side), validated. */
export function loadConsumerConfigFile(file: string): ConsumerConfig {
  return loadFile(consumerConfigSchema, file, 'config/consumer.example.yaml');
}

/** Parses YAML text and validates it; `source` names the text in errors. */
export function parseConfig(text: string, source: string): EnvironmentConfig {
  return parseWith(environmentConfigSchema, text, source);
}

/** Validates an already-parsed document against the schema, reporting every problem at once. */
export function validateConfig(input: unknown, source: string): EnvironmentConfig {
  return validateWith(environmentConfigSchema, input, source);
}

function loadFile<T extends z.ZodType>(schema: T, file: string, example: string): z.output<T> {
  return parseWith(schema, readConfigText(file, example), file, example);
}

/** Reads a configuration file, turning what a user can get wrong about the path into a ConfigError. */
function readConfigText(file: string, example: string): string {
  if (!fs.existsSync(file)) {
    throw new ConfigError(file, [`file not found; copy ${example} to ${file} and edit it`]);
  }
  if (fs.statSync(file).isDirectory()) {
    throw new ConfigError(file, [`is a directory; expected a YAML file such as ${example}`]);
  }
  return fs.readFileSync(file, 'utf8');
}

function parseWith<T extends z.ZodType>(
  schema: T,
  text: string,
  source: string,
  example = 'config/example.yaml',
): z.output<T> {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map(
        (error) => `YAML syntax at line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`,
      ),
    );
  }
  if (document.contents === null) {
    throw new ConfigError(source, [
      `the file has no settings (it is empty or only comments); expected a mapping such as ${example}`,
    ]);
  }
  return validateWith(schema, document.toJS(), source, (path) => yamlSourceOf(document, path));
}

/** The text a plain (unquoted) YAML scalar was written as, e.g. `012345678901`, where YAML read a number. */
function yamlSourceOf(document: Document, path: readonly PropertyKey[]): string | undefined {
  const node = document.getIn(path as unknown[], true);
  return isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : undefined;
}

/** Finds how a value was written in the source, where that is known. */
type SourceLookup = (path: readonly PropertyKey[]) => string | undefined;

function validateWith<T extends z.ZodType>(
  schema: T,
  input: unknown,
  source: string,
  writtenAs: SourceLookup = () => undefined,
): z.output<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    // The cross-field rules expect a mapping to look into; say so before they run.
    const got =
      input === null || input === undefined
        ? 'nothing'
        : Array.isArray(input)
          ? 'a list'
          : JSON.stringify(input);
    throw new ConfigError(source, [
      `(top level): got ${got}, expected a mapping of settings such as name, account and region`,
    ]);
  }
  const result = schema.safeParse(input, { error: describeIssue, reportInput: true });
  if (result.success) {
    return result.data;
  }
  throw new ConfigError(
    source,
    result.error.issues.flatMap((issue) => formatIssue(schema, issue, input, writtenAs)),
  );
}

/** Formats a key path the way users write it: `tenants[2].replicas`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') {
        return `[${key}]`;
      }
      const name = String(key);
      if (!/^[A-Za-z_][\w-]*$/.test(name)) {
        return `[${JSON.stringify(name)}]`;
      }
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

/** One line per problem: an issue naming several unknown keys becomes one line per key. */
function formatIssue(
  schema: z.ZodType,
  issue: z.core.$ZodIssue,
  input: unknown,
  writtenAs: SourceLookup,
): string[] {
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(schema, issue.path);
    return issue.keys.map(
      (key) =>
        `${where === '(top level)' ? key : `${where}.${key}`}: unknown key${allowed ? `; allowed keys here: ${allowed}` : ''}`,
    );
  }
  if (issue.code === 'invalid_key') {
    return [`${where}: key not allowed, ${issue.issues.map((inner) => inner.message).join('; ')}`];
  }
  if (issue.code === 'custom' && issue.params?.ceiling === true) {
    // The value is a whole list (e.g. every tenant); the message says what it adds up to.
    return [`${where}: ${issue.message}`];
  }
  const value = valueAt(input, issue.path);
  if (issue.code === 'invalid_type' && issue.expected === 'string' && isUnquotedScalar(value)) {
    return [unquotedStringProblem(where, value, writtenAs(issue.path))];
  }
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  return [`${where}: ${got}, ${issue.message}`];
}

function isUnquotedScalar(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/**
 * YAML reads unquoted digits as a number, dropping leading zeros (`012345678901` becomes
 * 12345678901), and `yes`/`1.10` as a boolean or 1.1. Show what was written and how to fix it.
 */
function unquotedStringProblem(where: string, value: number | boolean, written: string | undefined): string {
  const text = written ?? String(value);
  const readAs = text === String(value) ? '' : ` (YAML reads it as ${String(value)})`;
  return `${where}: got ${text} unquoted${readAs}, expected a string; quote it: '${text}'`;
}

/** Messages for zod's built-in checks, phrased as what is allowed. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} item(s)`
        : issue.origin === 'string'
          ? `expected at least ${issue.minimum} character(s)`
          : `expected a number of at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `expected at most ${issue.maximum} item(s)`
        : issue.origin === 'string'
          ? `expected at most ${issue.maximum} character(s)`
          : `expected a number of at most ${issue.maximum}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'expected one of the allowed values (see config/schema.json)';
    default:
      return undefined;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function allowedKeys(root: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  let schema: z.ZodType = root;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      schema = schema.shape[key as string];
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else {
      return undefined;
    }
    if (!schema) {
      return undefined;
    }
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape).join(', ') : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}
