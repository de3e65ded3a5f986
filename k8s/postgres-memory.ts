/**
 * The memory budget of one PostgreSQL instance, written once: the parameter defaults are sized
 * to it, tenant overrides are checked against it, and the tests walk every accepted size with it.
 *
 * PostgreSQL has no memory limit of its own. What it may use at worst is the sum of
 * - shared memory: `shared_buffers` plus the lock tables, buffer descriptors and other
 *   per-slot structures sized from the process slots (measured with the runtime-computed
 *   `shared_memory_size` on PostgreSQL 15-18: about 2.5% of shared_buffers, 14 MB fixed and
 *   60-80 kB per process slot; the real-server test checks the model against it),
 * - `wal_buffers`,
 * - autovacuum: each of `autovacuum_max_workers` holds `autovacuum_work_mem`
 *   (`maintenance_work_mem` when that is -1), plus one manual VACUUM or CREATE INDEX with
 *   `maintenance_work_mem` (parallel index builds share it: PostgreSQL docs, "maintenance_work_mem"),
 * - every backend and parallel worker: `work_mem` for each of the sort and hash nodes a query runs
 *   at once, hash nodes scaled by `hash_mem_multiplier` (PostgreSQL docs, "work_mem"), plus the
 *   backend's own memory (catalog and plan caches).
 * It must stay under {@link MEMORY_HEADROOM} of the container's limit: past the limit the
 * kernel's OOM killer ends a backend and the postmaster restarts every connection.
 */

/** Share of the container memory limit the budget may use; the rest is page-cache and safety. */
export const MEMORY_HEADROOM = 0.9;
/** Sort and hash nodes one query is planned to run at once (e.g. a hash join feeding a sort). */
export const PLANNED_MEMORY_NODES = 2;
/** Private memory of a backend beyond work_mem: catalog, relation and plan caches. */
export const BACKEND_OVERHEAD_BYTES = 8 * 2 ** 20;
/** Shared memory beyond shared_buffers, per `shared_memory_size` of PostgreSQL 15-18. */
export const SHARED_MEMORY_MODEL = {
  /** Buffer descriptors, the buffer mapping table and friends, per byte of shared_buffers. */
  perSharedBufferByte: 0.03,
  /** Fixed structures. */
  fixedBytes: 24 * 2 ** 20,
  /** Lock table, PGPROC and other per-slot structures, per process slot. */
  perProcessSlotBytes: 100 * 2 ** 10,
} as const;

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };
const UNIT_MILLISECONDS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Bytes per unit of a memory parameter as `pg_settings.unit` names it (`8kB`, `kB`, `MB`). */
export function memoryUnitBytes(unit: string): number | undefined {
  const match = /^(\d*)(B|kB|MB|GB|TB)$/.exec(unit);
  return match ? Number(match[1] || 1) * UNIT_BYTES[match[2]] : undefined;
}

/** Milliseconds per unit of a time parameter (`ms`, `s`, `min`). */
export function timeUnitMilliseconds(unit: string): number | undefined {
  return UNIT_MILLISECONDS[unit];
}

/**
 * A parameter value in the parameter's own unit, the way PostgreSQL's `parse_int` reads it: a
 * number, optionally followed by a memory or time unit of the same kind (units are case
 * sensitive). Undefined when the text is not such a value.
 */
export function valueInUnit(value: string | number, unit: string | undefined): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!match) {
    return undefined;
  }
  const amount = Number(match[1]);
  if (match[2] === '') {
    return amount;
  }
  const unitBytes = unit ? memoryUnitBytes(unit) : undefined;
  if (unitBytes !== undefined) {
    const bytes = UNIT_BYTES[match[2]];
    return bytes === undefined ? undefined : (amount * bytes) / unitBytes;
  }
  const unitMs = unit ? timeUnitMilliseconds(unit) : undefined;
  if (unitMs !== undefined) {
    const ms = UNIT_MILLISECONDS[match[2]];
    return ms === undefined ? undefined : (amount * ms) / unitMs;
  }
  return undefined;
}

/** Units of the parameters the budget reads (as in `pg_settings` of PostgreSQL 15-18). */
const BUDGET_UNITS: Record<string, string | undefined> = {
  shared_buffers: '8kB',
  wal_buffers: '8kB',
  work_mem: 'kB',
  maintenance_work_mem: 'kB',
  autovacuum_work_mem: 'kB',
};

/** PostgreSQL's own defaults for what the budget reads, used when a parameter is unset. */
const SERVER_DEFAULTS: Record<string, string> = {
  shared_buffers: '128MB',
  wal_buffers: '-1',
  work_mem: '4MB',
  maintenance_work_mem: '64MB',
  autovacuum_work_mem: '-1',
  autovacuum_max_workers: '3',
  hash_mem_multiplier: '2',
  max_connections: '100',
  max_parallel_workers: '8',
  max_worker_processes: '8',
};

/** Names of the parameters the memory budget depends on. */
export const BUDGET_PARAMETERS = Object.keys(SERVER_DEFAULTS);

/** One term of the budget, in bytes. */
export interface MemoryBudget {
  readonly sharedMemoryBytes: number;
  readonly walBuffersBytes: number;
  readonly maintenanceBytes: number;
  readonly backendsBytes: number;
  /** Sum of the terms above. */
  readonly totalBytes: number;
  /** {@link MEMORY_HEADROOM} of the memory limit. */
  readonly limitBytes: number;
}

/** The worst-case memory of an instance with `parameters` in a container limited to `memoryBytes`. */
export function memoryBudget(parameters: Record<string, string>, memoryBytes: number): MemoryBudget {
  const read = (name: string): number => {
    const value = valueInUnit(parameters[name] ?? SERVER_DEFAULTS[name], BUDGET_UNITS[name]);
    const bytesPerUnit = BUDGET_UNITS[name] ? memoryUnitBytes(BUDGET_UNITS[name]!)! : 1;
    return (value ?? NaN) * bytesPerUnit;
  };
  const sharedBuffers = read('shared_buffers');
  // -1 sizes wal_buffers at 1/32 of shared_buffers, at most one 16 MB WAL segment (PostgreSQL docs).
  const walBuffers =
    read('wal_buffers') < 0 ? Math.min(sharedBuffers / 32, 16 * 2 ** 20) : read('wal_buffers');
  const maintenance = read('maintenance_work_mem');
  const autovacuum = read('autovacuum_work_mem') < 0 ? maintenance : read('autovacuum_work_mem');
  const backends = read('max_connections') + read('max_parallel_workers');
  const slots = read('max_connections') + read('autovacuum_max_workers') + read('max_worker_processes');
  const perBackend =
    read('work_mem') * read('hash_mem_multiplier') * PLANNED_MEMORY_NODES + BACKEND_OVERHEAD_BYTES;

  const sharedMemoryBytes =
    sharedBuffers * (1 + SHARED_MEMORY_MODEL.perSharedBufferByte) +
    SHARED_MEMORY_MODEL.fixedBytes +
    slots * SHARED_MEMORY_MODEL.perProcessSlotBytes;
  const maintenanceBytes = read('autovacuum_max_workers') * autovacuum + maintenance;
  const backendsBytes = backends * perBackend;
  return {
    sharedMemoryBytes,
    walBuffersBytes: walBuffers,
    maintenanceBytes,
    backendsBytes,
    totalBytes: sharedMemoryBytes + walBuffers + maintenanceBytes + backendsBytes,
    limitBytes: MEMORY_HEADROOM * memoryBytes,
  };
}

/**
 * The largest value of `name`, in the unit of `pg_settings`, that keeps the budget under its
 * limit with every other parameter as given; undefined when the parameter does not enter the
 * budget or no value fits. The budget is linear in each parameter, so two evaluations find it.
 */
export function largestFittingValue(
  parameters: Record<string, string>,
  memoryBytes: number,
  name: string,
): number | undefined {
  if (!BUDGET_PARAMETERS.includes(name)) {
    return undefined;
  }
  const at = (value: number) =>
    memoryBudget({ ...parameters, [name]: String(value) }, memoryBytes).totalBytes;
  const slope = at(1) - at(0);
  const room = memoryBudget(parameters, memoryBytes).limitBytes - at(0);
  if (slope <= 0 || room < 0) {
    return undefined;
  }
  return Math.floor(room / slope);
}
