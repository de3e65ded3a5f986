/**
 * Validates Kubernetes objects against the real schemas in ../shared/schemas: core kinds
 * against the Kubernetes JSON schema definitions, custom kinds against the served version's
 * openAPIV3Schema of their CustomResourceDefinition.
 *
 * Objects are validated closed: a field the schema does not declare is an error, because
 * `kubectl apply` validates strictly and the API server prunes unknown fields of custom
 * resources, so a misspelled field would be rejected or silently dropped.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/** The Kubernetes version whose core schemas objects are validated against by default. */
export const DEFAULT_KUBERNETES_SCHEMA_VERSION = 'v1.35';

/** Where the schemas are: `SCHEMAS_DIR`, or `../shared/schemas` beside the project. */
export function schemasDir(): string {
  return process.env.SCHEMAS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'schemas');
}

/** Whether the schema directory is present. */
export function schemasAvailable(dir = schemasDir()): boolean {
  return fs.existsSync(path.join(dir, 'k8s', DEFAULT_KUBERNETES_SCHEMA_VERSION, '_definitions.json'));
}

/** A Kubernetes object as it is applied. */
export interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

type JsonSchema = Record<string, any>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Validators for every kind the schema directory describes. */
export class KubernetesSchemas {
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    code: { regExp: goRegExp },
  });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly definitionByKind = new Map<string, string>();
  private readonly crdSchemaByKind = new Map<string, JsonSchema>();

  constructor(dir = schemasDir(), kubernetesVersion = DEFAULT_KUBERNETES_SCHEMA_VERSION) {
    const definitions = JSON.parse(
      fs.readFileSync(path.join(dir, 'k8s', kubernetesVersion, '_definitions.json'), 'utf8'),
    ) as { definitions: Record<string, JsonSchema> };
    for (const [name, definition] of Object.entries(definitions.definitions)) {
      for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
        this.definitionByKind.set(kindKey(apiVersionOf(gvk.group, gvk.version), gvk.kind), name);
      }
    }
    this.ajv.addSchema({ $id: 'k8s', definitions: closeObjects(definitions.definitions) });

    const crdDir = path.join(dir, 'crds');
    for (const file of fs
      .readdirSync(crdDir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()) {
      for (const document of parseAllDocuments(fs.readFileSync(path.join(crdDir, file), 'utf8'))) {
        const crd = document.toJS() as JsonSchema | null;
        if (crd?.kind !== 'CustomResourceDefinition') {
          continue;
        }
        for (const version of crd.spec.versions ?? []) {
          if (!version.served) {
            continue;
          }
          const schema = closeObjects(structuredClone(version.schema.openAPIV3Schema));
          // A CRD declares metadata only as `type: object`; the API server checks it as ObjectMeta.
          schema.properties.metadata = { $ref: `k8s#/definitions/${OBJECT_META}` };
          this.crdSchemaByKind.set(kindKey(`${crd.spec.group}/${version.name}`, crd.spec.names.kind), schema);
        }
      }
    }
  }

  /** Every `apiVersion kind` pair with a schema. */
  knownKinds(): string[] {
    return [...this.definitionByKind.keys(), ...this.crdSchemaByKind.keys()].sort();
  }

  /** The problems of one object, empty when it conforms; an object with no schema is a problem. */
  validate(object: KubernetesObject): string[] {
    const key = kindKey(String(object.apiVersion), String(object.kind));
    const validator = this.validatorFor(key);
    if (!validator) {
      return [`${key}: no schema for this apiVersion and kind`];
    }
    if (validator(object)) {
      return [];
    }
    return (validator.errors ?? []).map((error) => {
      const detail =
        error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
      return `${describe(object)}${error.instancePath || '/'}: ${error.message}${detail}`;
    });
  }

  private validatorFor(key: string): ValidateFunction | undefined {
    const cached = this.validators.get(key);
    if (cached) {
      return cached;
    }
    const definition = this.definitionByKind.get(key);
    const crdSchema = this.crdSchemaByKind.get(key);
    let validator: ValidateFunction | undefined;
    if (definition) {
      validator = this.ajv.compile({ $ref: `k8s#/definitions/${definition}` });
    } else if (crdSchema) {
      validator = this.ajv.compile(crdSchema);
    }
    if (validator) {
      this.validators.set(key, validator);
    }
    return validator;
  }
}

/** RE2 (Go) POSIX character classes used in CRD patterns, as JavaScript class contents. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * CRD patterns are RE2 (the API server is written in Go). Two RE2 features JavaScript (Node 20)
 * lacks appear in the CRDs: POSIX classes such as `[[:print:]]`, one-letter Unicode classes
 * such as `\\pZ`, and case-insensitive groups `(?i:...)`. Translate both before compiling; anything else RE2-only fails loudly here.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    new RegExp(
      translateCaseInsensitiveGroups(
        translateCaseInsensitiveFlag(translateUnicodeClasses(translatePosixClasses(pattern))),
      ),
      flags,
    ),
  { code: 'new RegExp' },
);

function translatePosixClasses(pattern: string): string {
  return pattern.replace(/\[:(\^?)([a-z]+):\]/g, (match, negate: string, name: string) => {
    const chars = POSIX_CLASSES[name];
    if (!chars || negate) {
      throw new Error(`POSIX class ${match} in pattern ${pattern} is not translated`);
    }
    return chars;
  });
}

/** Rewrites RE2's `\\pZ` as JavaScript's `\\p{Z}`. */
function translateUnicodeClasses(pattern: string): string {
  return pattern.replace(/\\([pP])([A-Z])/g, '\\$1{$2}');
}

/**
 * Rewrites each `(?i)` flag as a `(?i:...)` group around what it applies to: in RE2, a flag set
 * inside a group lasts to the end of that group, and at the top level to the end of the
 * pattern. prometheus-operator's PrometheusRule CRD has `^(?i)(abort|warn)?$`; its
 * AlertmanagerConfig CRD sets the flag inside groups (`^((?i)january|...|[1-9])...`).
 */
function translateCaseInsensitiveFlag(pattern: string): string {
  let current = pattern;
  for (let start = current.indexOf('(?i)'); start >= 0; start = current.indexOf('(?i)')) {
    let depth = 0;
    let end = current.length;
    for (let i = start + 4; i < current.length; i++) {
      const char = current[i];
      if (char === '\\') {
        i++;
      } else if (char === '(') {
        depth++;
      } else if (char === ')') {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      }
    }
    current = `${current.slice(0, start)}(?i:${current.slice(start + 4, end)})${current.slice(end)}`;
  }
  return current;
}

/** Rewrites `(?i:ab)` as `(?:[aA][bB])`, letter by letter, leaving escapes alone. */
function translateCaseInsensitiveGroups(pattern: string): string {
  let out = '';
  let index = 0;
  while (index < pattern.length) {
    const start = pattern.indexOf('(?i:', index);
    if (start < 0) {
      return out + pattern.slice(index);
    }
    out += pattern.slice(index, start) + '(?:';
    let depth = 1;
    let inClass = false;
    let cursor = start + 4;
    for (; cursor < pattern.length && depth > 0; cursor++) {
      const char = pattern[cursor];
      if (char === '\\') {
        out += char + pattern[++cursor];
        continue;
      }
      if (inClass) {
        inClass = char !== ']';
        out += /[a-z]/i.test(char) ? char.toLowerCase() + char.toUpperCase() : char;
        continue;
      }
      if (char === '[') {
        inClass = true;
      } else if (char === '(') {
        depth++;
      } else if (char === ')') {
        depth--;
      }
      out += /[a-z]/i.test(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : char;
    }
    index = cursor;
  }
  return out;
}

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

function describe(object: KubernetesObject): string {
  const name = object.metadata?.namespace
    ? `${object.metadata.namespace}/${object.metadata?.name}`
    : object.metadata?.name;
  return `${object.kind} ${name ?? '(unnamed)'}`;
}

/**
 * Marks every object schema that lists its properties, and does not say otherwise, as closed
 * to other properties.
 */
function closeObjects<T>(schema: T): T {
  if (Array.isArray(schema)) {
    schema.forEach(closeObjects);
  } else if (schema && typeof schema === 'object') {
    const node = schema as JsonSchema;
    for (const value of Object.values(node)) {
      closeObjects(value);
    }
    if (
      node.properties &&
      typeof node.properties === 'object' &&
      node.additionalProperties === undefined &&
      node['x-kubernetes-preserve-unknown-fields'] !== true
    ) {
      node.additionalProperties = false;
    }
  }
  return schema;
}
