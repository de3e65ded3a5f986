/**
 * Checks of a tenant's PostgreSQL parameter overrides, in the order a reader would ask:
 * may a tenant set it at all (PGO owns it), does the tenant's PostgreSQL major know it and
 * parse the value (the catalogue), and does the result still fit the instance's memory and the
 * PgBouncer pools (the sizing of k8s/postgres-parameters).
 */
import { PARAMETER_CATALOGUES, ParameterSpec } from './postgres-catalogue';
import { largestFittingValue, memoryBudget, memoryUnitBytes, valueInUnit } from '../../k8s/postgres-memory';
import {
  InstanceSize,
  PLATFORM_CONNECTIONS,
  sizingProblem,
  tunedSettings,
} from '../../k8s/postgres-parameters';

/** A problem with one key of the tenant, relative to the tenant entry. */
export interface TenantProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** PGO's CRD (`spec.config.parameters`, v1) takes at most this many parameters. */
export const CRD_MAX_PARAMETERS = 50;

/** A parameter owned by PGO, Patroni or the platform, and why a tenant may not set it. */
interface OwnedRule {
  readonly owns: (name: string, value: string) => boolean;
  readonly reason: string;
}

const exactly =
  (...names: string[]) =>
  (name: string) =>
    names.includes(name);

/**
 * What PGO v6 owns: the CEL rules of `spec.config.parameters` in the v1 PostgresCluster CRD
 * (config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml) and the mandatory
 * parameters of internal/postgres/parameters.go. A test reads the rules from the real CRD and
 * checks every name they refuse is refused here. The last rules are the platform's own.
 */
const OWNED_RULES: readonly OwnedRule[] = [
  { owns: exactly('config_file', 'data_directory'), reason: 'PGO sets the PGDATA path' },
  { owns: exactly('external_pid_file'), reason: 'PGO sets it' },
  { owns: exactly('hba_file', 'ident_file'), reason: 'PGO sets the authentication files' },
  { owns: exactly('listen_addresses', 'port'), reason: 'PGO sets the network address and port' },
  {
    owns: (name) =>
      name === 'ssl' || (name.startsWith('ssl_') && !['ssl_groups', 'ssl_ecdh_curve'].includes(name)),
    reason: 'TLS is always on with certificates PGO manages (only ssl_groups and ssl_ecdh_curve may be set)',
  },
  { owns: (name) => name.startsWith('unix_socket_'), reason: 'PGO sets the socket paths' },
  {
    owns: exactly('wal_level', 'wal_log_hints'),
    reason: 'PGO sets wal_level to logical and wal_log_hints on',
  },
  {
    owns: (name) =>
      ['archive_mode', 'archive_command', 'restore_command', 'recovery_target'].includes(name) ||
      name.startsWith('recovery_target_'),
    reason: 'pgBackRest, through PGO, owns archiving and recovery',
  },
  {
    owns: exactly('hot_standby', 'synchronous_standby_names', 'primary_conninfo', 'primary_slot_name'),
    reason: 'Patroni, through PGO, owns replication',
  },
  { owns: exactly('recovery_min_apply_delay'), reason: 'PGO does not support delayed replication' },
  { owns: exactly('cluster_name'), reason: 'PGO derives it from the cluster name' },
  { owns: exactly('logging_collector', 'log_file_mode'), reason: 'PGO owns the server log files' },
  {
    owns: (name, value) =>
      name === 'log_directory' &&
      !(
        value === 'log' ||
        ['/pgdata', '/pgtmp', '/pgwal'].some((root) => `${value}/`.startsWith(`${root}/logs/postgres/`))
      ),
    reason:
      'the log directory must be "log" or under /pgdata/logs/postgres, /pgtmp/logs/postgres or /pgwal/logs/postgres',
  },
  {
    owns: exactly('shared_preload_libraries'),
    reason: 'PGO preloads its libraries; another one missing from the image stops the server starting',
  },
  {
    owns: exactly('max_wal_senders', 'max_replication_slots'),
    reason: 'Patroni needs them equal on every instance for replication and failover',
  },
  {
    owns: (name, value) => name === 'huge_pages' && value.toLowerCase() !== 'off',
    reason:
      'the pod requests no hugepages, so huge pages stay off: "on" stops the server starting on nodes without them, and "try" can crash backends past the pod hugetlb limit',
  },
];

/** A config value as PostgreSQL and the CRD (int-or-string) take it. */
export function postgresValue(value: string | number | boolean): string {
  return typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
}

/** Why a tenant may not set `name`, or undefined when it may. */
export function ownedParameterReason(name: string, value: string): string | undefined {
  return OWNED_RULES.find((rule) => rule.owns(name, value))?.reason;
}

/** The closest catalogue name to `name` (Levenshtein distance at most 3). */
function suggestion(name: string, names: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        current[j] = Math.min(
          previous[j] + 1,
          current[j - 1] + 1,
          previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
      previous = current;
    }
    return previous[b.length];
  };
  const [best] = names
    .map((candidate) => ({ candidate, d: distance(name, candidate.toLowerCase()) }))
    .sort((x, y) => x.d - y.d);
  return best && best.d <= 3 ? best.candidate : undefined;
}

const MEMORY_UNITS = ['TB', 'GB', 'MB', 'kB'] as const;
const TIME_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** `amount` of `unit` written in the largest unit that keeps it whole, as SHOW does. */
export function formatAmount(amount: number, unit: string | undefined): string {
  const bytesPerUnit = unit ? memoryUnitBytes(unit) : undefined;
  if (bytesPerUnit !== undefined && amount > 0) {
    const bytes = amount * bytesPerUnit;
    const fit = MEMORY_UNITS.find((u) => bytes % memoryUnitBytes(u)! === 0);
    return fit ? `${bytes / memoryUnitBytes(fit)!}${fit}` : `${bytes}B`;
  }
  const msPerUnit = TIME_UNITS.find(([u]) => u === unit)?.[1] ?? (unit === 'us' ? 0.001 : undefined);
  if (msPerUnit !== undefined && amount > 0) {
    const ms = amount * msPerUnit;
    const fit = TIME_UNITS.find(([, per]) => ms % per === 0);
    return fit ? `${ms / fit[1]}${fit[0]}` : `${amount}${unit}`;
  }
  return String(amount);
}

/** `amount` of `unit` rounded down to a whole number of the largest unit that holds ten (1052MB, 12GB). */
export function formatAtMost(amount: number, unit: string | undefined): string {
  const bytesPerUnit = unit ? memoryUnitBytes(unit) : undefined;
  if (bytesPerUnit === undefined) {
    return formatAmount(amount, unit);
  }
  const bytes = amount * bytesPerUnit;
  const fit = MEMORY_UNITS.find((u) => bytes >= 10 * memoryUnitBytes(u)!) ?? 'kB';
  return `${Math.floor(bytes / memoryUnitBytes(fit)!)}${fit}`;
}

/** What a value of `spec` looks like, for messages. */
function expectedKind(spec: ParameterSpec): string {
  if (spec.unit && memoryUnitBytes(spec.unit) !== undefined) {
    return 'a memory size such as 64MB';
  }
  if (spec.unit) {
    return 'a duration such as 30s or 5min';
  }
  return spec.type === 'integer' ? 'an integer' : 'a number';
}

const indexes = new Map<number, Map<string, string>>();
/** Catalogue names of `major` by their lower-case form: PostgreSQL names are case-insensitive. */
function lowerCaseIndex(major: number): Map<string, string> {
  if (!indexes.has(major)) {
    const names = Object.keys(PARAMETER_CATALOGUES[major].parameters);
    indexes.set(major, new Map(names.map((name) => [name.toLowerCase(), name])));
  }
  return indexes.get(major)!;
}

/** Why PostgreSQL `major` would refuse `value` for `name`, or undefined when it accepts it. */
export function catalogueProblem(major: number, name: string, value: string): string | undefined {
  const catalogue = PARAMETER_CATALOGUES[major];
  const names = Object.keys(catalogue.parameters);
  const known = lowerCaseIndex(major).get(name);
  if (!known) {
    if (name.includes('.')) {
      return undefined; // An extension's parameter: PostgreSQL keeps it as a placeholder.
    }
    const close = suggestion(name, names);
    return `expected a PostgreSQL ${major} parameter: "${name}" is not one${close ? `; did you mean ${close}?` : ''}`;
  }
  const spec = catalogue.parameters[known];
  const applied = spec.context === 'postmaster' ? 'a change restarts PostgreSQL' : 'applied on reload';
  if (spec.context === 'internal') {
    return `expected a parameter that can be set: ${known} is read-only in PostgreSQL ${major}`;
  }
  switch (spec.type) {
    case 'bool':
      return /^(on|off|true|false|yes|no|1|0)$/i.test(value)
        ? undefined
        : `expected on or off (PostgreSQL ${major}; ${applied})`;
    case 'enum':
      return spec.values!.some((allowed) => allowed.toLowerCase() === value.toLowerCase())
        ? undefined
        : `expected one of ${spec.values!.join(', ')} (PostgreSQL ${major}; ${applied})`;
    case 'integer':
    case 'real': {
      const amount = valueInUnit(value, spec.unit);
      const range = `PostgreSQL ${major}: ${formatAmount(spec.min!, spec.unit)} to ${formatAtMost(spec.max!, spec.unit)}; ${applied}`;
      if (amount === undefined || !Number.isFinite(amount)) {
        return `expected ${expectedKind(spec)} (${range})`;
      }
      const rounded = spec.type === 'integer' ? Math.round(amount) : amount;
      return rounded < spec.min! || rounded > spec.max!
        ? `expected ${expectedKind(spec)} in range (${range})`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** The problems of `overrides` for an instance of `size` running PostgreSQL `major`. */
export function parameterProblems(
  major: number,
  size: InstanceSize,
  overrides: Record<string, string | number | boolean>,
): TenantProblem[] {
  const problems: TenantProblem[] = [];
  const values: Record<string, string> = {};
  for (const [name, raw] of Object.entries(overrides)) {
    const value = postgresValue(raw);
    const owned = ownedParameterReason(name, value);
    const problem = owned
      ? `expected a parameter the platform does not own: ${owned}`
      : catalogueProblem(major, name, value);
    if (problem) {
      problems.push({ path: ['parameters', name], message: problem });
    } else {
      values[name] = value;
    }
  }
  const sizing = sizingProblem(size);
  if (sizing) {
    return [...problems, { path: ['memory'], message: sizing }];
  }
  if (problems.length > 0) {
    return problems;
  }

  const tuned = tunedSettings(size);
  const merged = { ...tuned.parameters, ...values };
  const count = Object.keys(merged).length;
  if (count > CRD_MAX_PARAMETERS) {
    problems.push({
      path: ['parameters'],
      message: `expected at most ${CRD_MAX_PARAMETERS - Object.keys(tuned.parameters).length} parameters beyond the ${Object.keys(tuned.parameters).length} the platform sizes (PGO's CRD takes ${CRD_MAX_PARAMETERS} in all)`,
    });
  }

  const budget = memoryBudget(merged, size.memoryBytes);
  if (budget.totalBytes > budget.limitBytes) {
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
    const why = `PostgreSQL could use ${gib(budget.totalBytes)} at worst, over 90% of the memory limit (${gib(budget.limitBytes)})`;
    for (const name of Object.keys(values)) {
      // Only overrides that add memory are to blame: undo each and see whether the total drops.
      const undone: Record<string, string> = { ...merged };
      if (name in tuned.parameters) {
        undone[name] = tuned.parameters[name];
      } else {
        delete undone[name];
      }
      if (memoryBudget(undone, size.memoryBytes).totalBytes < budget.totalBytes) {
        const fits = largestFittingValue(merged, size.memoryBytes, name);
        const unit = PARAMETER_CATALOGUES[major].parameters[name]?.unit;
        const limit = fits === undefined ? 'a smaller value' : `at most ${formatAtMost(fits, unit)}`;
        problems.push({ path: ['parameters', name], message: `expected ${limit}: ${why}` });
      }
    }
  }

  const reserved = Number(merged.superuser_reserved_connections) + PLATFORM_CONNECTIONS;
  const pooled = size.pgBouncerReplicas * size.databases * Number(tuned.pgBouncer.max_db_connections);
  const connectionKey = ['max_connections', 'superuser_reserved_connections'].find((name) => name in values);
  if (connectionKey && Number(merged.max_connections) - reserved < pooled) {
    problems.push({
      path: ['parameters', connectionKey],
      message: `expected max_connections of at least ${pooled + reserved}: ${size.pgBouncerReplicas} PgBouncer pod(s) x ${size.databases} database(s) x ${tuned.pgBouncer.max_db_connections} server connections, plus ${reserved} reserved`,
    });
  }
  return problems;
}
