/** Field-level differences between two JSON values, as paths a reader can find in the source. */

/** One changed leaf: `spec.instances[0].replicas: 2 -> 3`. An absent side is undefined. */
export interface FieldChange {
  /** Dotted path from the compared root, with array indexes: `spec.instances[0].replicas`. */
  readonly path: string;
  /** The value before, or undefined when the field is new. */
  readonly before?: unknown;
  /** The value after, or undefined when the field is gone. */
  readonly after?: unknown;
}

/** Every leaf that differs between `before` and `after`; objects are compared key by key, arrays index by index. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], joinKey(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) =>
      diffValues(before[index], after[index], `${path}[${index}]`),
    ).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) {
    return [];
  }
  return [{ path, before, after }];
}

/** `path: before -> after`, with `(none)` for an absent side and long values shortened. */
export function formatChange(change: FieldChange): string {
  return `${change.path}: ${formatValue(change.before)} -> ${formatValue(change.after)}`;
}

const MAX_VALUE_LENGTH = 100;

/** A value as one short line of JSON; strings keep their quotes only when they hold spaces or are empty. */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return '(none)';
  }
  const text = typeof value === 'string' && /^\S+$/.test(value) ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text;
}

/** Whether two JSON values are equal (key order ignored). */
export function sameValue(before: unknown, after: unknown): boolean {
  return diffValues(before, after).length === 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinKey(path: string, key: string): string {
  const segment = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? segment : /^[A-Za-z_]/.test(segment) ? `${path}.${segment}` : `${path}[${segment}]`;
}
