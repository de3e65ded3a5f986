/**
 * Which configuration file a synthesis uses, from the app's context (`-c config=...` or
 * `-c consumers=...`). The CDK passes any `-c key=value` through without checking the key,
 * so a mistyped key would silently fall back to the example: keys that look like ours but
 * are not are refused, and the caller says on stderr which file it uses, every time.
 */
import { ConfigError } from './load';

/** The context key naming an environment configuration file. */
export const CONFIG_CONTEXT_KEY = 'config';
/** The context key naming a consumer (customer-side) configuration file. */
export const CONSUMERS_CONTEXT_KEY = 'consumers';
/** The environment configuration synthesized when no file is named. */
export const DEFAULT_CONFIG_FILE = 'config/example.yaml';

/** The configuration file a synthesis uses, and why. */
export interface ConfigSource {
  /** `environment` for the provider's stacks, `consumers` for the customer side. */
  readonly kind: 'environment' | 'consumers';
  /** The file to load. */
  readonly file: string;
  /** True when no context key named it and the example is used. */
  readonly isDefault: boolean;
}

/**
 * Picks the configuration file from the app's context, or throws a {@link ConfigError} when
 * a context key looks like a mistyped `config` or `consumers` (`conifg`, `configs`,
 * `consumer`), or when both are given.
 */
export function configSourceFromContext(context: Record<string, unknown>): ConfigSource {
  const mistyped = Object.keys(context).filter(looksLikeOurs);
  if (mistyped.length > 0) {
    throw new ConfigError('context', [
      ...mistyped.map(
        (key) =>
          `-c ${key}: unknown context key, expected ${CONFIG_CONTEXT_KEY}=<environment file> or ${CONSUMERS_CONTEXT_KEY}=<consumer file>`,
      ),
    ]);
  }
  const config = context[CONFIG_CONTEXT_KEY];
  const consumers = context[CONSUMERS_CONTEXT_KEY];
  if (consumers !== undefined && config !== undefined) {
    throw new ConfigError('context', [
      `-c ${CONSUMERS_CONTEXT_KEY}: got it together with -c ${CONFIG_CONTEXT_KEY}, expected one of them: an app synthesizes either an environment or a customer side`,
    ]);
  }
  if (consumers !== undefined) {
    return { kind: 'consumers', file: String(consumers), isDefault: false };
  }
  if (config !== undefined) {
    return { kind: 'environment', file: String(config), isDefault: false };
  }
  return { kind: 'environment', file: DEFAULT_CONFIG_FILE, isDefault: true };
}

/** The line printed on stderr before synthesis, so a wrong file is noticed before a diff is read. */
export function describeConfigSource(source: ConfigSource): string {
  const what = source.kind === 'consumers' ? 'consumer configuration' : 'configuration';
  const how = source.isDefault
    ? ` (the example: no -c ${CONFIG_CONTEXT_KEY}=<file> given)`
    : ` (-c ${source.kind === 'consumers' ? CONSUMERS_CONTEXT_KEY : CONFIG_CONTEXT_KEY})`;
  return `Using ${what} ${source.file}${how}`;
}

/**
 * True for a key that is not ours but within two edits of one of ours. The CDK's own keys are
 * namespaced (`@aws-cdk/...:flag`, `aws:cdk:...`, `availability-zones:...`) and never match.
 */
function looksLikeOurs(key: string): boolean {
  const lower = key.toLowerCase();
  if (key === CONFIG_CONTEXT_KEY || key === CONSUMERS_CONTEXT_KEY || /[:@/]/.test(key)) {
    return false;
  }
  return [CONFIG_CONTEXT_KEY, CONSUMERS_CONTEXT_KEY].some((ours) => editDistance(lower, ours) <= 2);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
