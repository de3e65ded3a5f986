/**
 * PostgreSQL parameters and PgBouncer pool settings derived from an instance's memory, CPU and
 * the tenant's PgBouncer pods and databases. Everything is sized to the one memory budget of
 * ./postgres-memory: the defaults fit it at every size the config accepts, by construction
 * (and by a test over the whole grid). Tenants override parameters in the config; overrides are
 * checked against the same budget.
 */
import { TCP_KEEPALIVE } from './connection-keepalives';
import {
  BACKEND_OVERHEAD_BYTES,
  memoryBudget,
  PLANNED_MEMORY_NODES,
  SHARED_MEMORY_MODEL,
} from './postgres-memory';

/** What one PostgreSQL instance and its PgBouncer pods are sized from. */
export interface InstanceSize {
  /** Memory limit of the PostgreSQL container in bytes. */
  readonly memoryBytes: number;
  /** CPU limit in cores. */
  readonly cpus: number;
  /** Data volume size in bytes. */
  readonly storageBytes: number;
  /** PgBouncer pods in front of the primary. */
  readonly pgBouncerReplicas: number;
  /**
   * Databases clients reach through PgBouncer: PgBouncer keeps one pool per database and user,
   * and `max_db_connections` caps each database's pools together.
   */
  readonly databases: number;
}

/** PostgreSQL parameters and PgBouncer global settings for one tenant. */
export interface TunedSettings {
  /** PostgreSQL parameters for `spec.config.parameters`: strings, as the CRD takes int-or-string. */
  readonly parameters: Record<string, string>;
  /** PgBouncer settings for `spec.proxy.pgBouncer.config.global` (strings, as the CRD requires). */
  readonly pgBouncer: Record<string, string>;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Superuser slots PostgreSQL keeps for Patroni and pgBackRest, which connect as postgres. */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;
/**
 * Connections of the platform that are not superusers and not through the pools: the pgMonitor
 * exporter and PgBouncer's auth_query (PGO `internal/pgbouncer`, `internal/pgmonitor`).
 */
export const PLATFORM_CONNECTIONS = 5;
/** Background workers kept free of parallel query for logical replication (apply workers, launcher). */
export const LOGICAL_REPLICATION_WORKERS = 4;
/** Smallest work_mem the sizing hands out: PostgreSQL's default. */
const MIN_WORK_MEM = 4 * MiB;
/** Largest work_mem the sizing hands out: larger sorts belong in a session-level SET. */
const MAX_WORK_MEM = 1 * GiB;
/** pgtune's cap on workers per Gather node and per maintenance command. */
const MAX_WORKERS_PER_OPERATION = 4;
/** Server connections worth having per core: beyond this, more backends only queue on CPU. */
const CONNECTIONS_PER_CPU = 8;
/** Client connections each PgBouncer pod accepts per server connection it may open. */
const CLIENTS_PER_SERVER_CONNECTION = 20;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** Megabytes as PostgreSQL reads them (`MB` means MiB there). */
const mb = (bytes: number) => `${Math.max(1, Math.floor(bytes / MiB))}MB`;

/**
 * Why an instance of `size` cannot be sized, or undefined when it can: the smallest pool is one
 * server connection per PgBouncer pod and database.
 */
export function sizingProblem(size: InstanceSize): string | undefined {
  const pools = size.pgBouncerReplicas * size.databases;
  const plan = connectionPlan(size);
  if (plan.applicationConnections < pools) {
    return (
      `expected more memory: ${size.pgBouncerReplicas} PgBouncer pod(s) x ${size.databases} database(s) ` +
      `need at least ${pools} server connections, and the memory budget leaves room for ${plan.applicationConnections}`
    );
  }
  return undefined;
}

/** Parameters and PgBouncer settings for an instance of `size`; see {@link sizingProblem}. */
export function tunedSettings(size: InstanceSize): TunedSettings {
  const plan = connectionPlan(size);
  const pools = size.pgBouncerReplicas * size.databases;
  // Server connections each pod may open to one database (max_db_connections), split into the
  // pool and a reserve used only when clients wait longer than reserve_pool_timeout.
  const perDatabase = Math.max(1, Math.floor(plan.applicationConnections / pools));
  const reservePool = Math.floor(perDatabase / 5);
  const maxConnections = pools * perDatabase + SUPERUSER_RESERVED_CONNECTIONS + PLATFORM_CONNECTIONS;

  const parameters: Record<string, string> = {
    ...plan.fixed,
    max_connections: String(maxConnections),
    superuser_reserved_connections: String(SUPERUSER_RESERVED_CONNECTIONS),
    work_mem: mb(workMemFor(plan.fixed, size.memoryBytes, maxConnections)),
    effective_cache_size: mb((size.memoryBytes * 3) / 4),
    min_wal_size: mb(clamp(size.storageBytes / 10, 1 * GiB, 16 * GiB) / 4),
    max_wal_size: mb(clamp(size.storageBytes / 10, 1 * GiB, 16 * GiB)),
    checkpoint_completion_target: '0.9',
    // gp3 is SSD: random reads cost about as much as sequential ones, and it serves many
    // concurrent requests (AWS EBS docs, "General Purpose SSD volumes").
    random_page_cost: '1.1',
    effective_io_concurrency: '200',
    // The pod requests no hugepages-* resource, so PostgreSQL must not map huge pages: with
    // "try" on a node that has some, a fault past the pod's hugetlb limit kills the backend
    // with SIGBUS. PGO sets the same when no hugepages are requested (internal/postgres/huge_pages.go).
    huge_pages: 'off',
    // Clients reach replicas through the NLB, which drops idle flows (./connection-keepalives).
    tcp_keepalives_idle: String(TCP_KEEPALIVE.idleSeconds),
    tcp_keepalives_interval: String(TCP_KEEPALIVE.intervalSeconds),
    tcp_keepalives_count: String(TCP_KEEPALIVE.count),
  };
  const pgBouncer: Record<string, string> = {
    // Session pooling keeps every session feature (SET, advisory locks, LISTEN, temp tables)
    // working for any client; the pool still caps server connections, and extra clients wait.
    pool_mode: 'session',
    default_pool_size: String(perDatabase - reservePool),
    reserve_pool_size: String(reservePool),
    max_db_connections: String(perDatabase),
    max_client_conn: String(clamp(CLIENTS_PER_SERVER_CONNECTION * perDatabase * size.databases, 100, 5000)),
    tcp_keepalive: '1',
    tcp_keepidle: String(TCP_KEEPALIVE.idleSeconds),
    tcp_keepintvl: String(TCP_KEEPALIVE.intervalSeconds),
    tcp_keepcnt: String(TCP_KEEPALIVE.count),
  };
  return { parameters, pgBouncer };
}

/** Sizes that do not depend on max_connections, and how many pooled connections fit. */
function connectionPlan(size: InstanceSize) {
  const cpus = Math.floor(size.cpus);
  const sharedBuffers = size.memoryBytes / 4;
  const fixedWith = (parallelWorkers: number): Record<string, string> => ({
    shared_buffers: mb(sharedBuffers),
    wal_buffers: mb(clamp(sharedBuffers / 32, 1 * MiB, 64 * MiB)),
    maintenance_work_mem: mb(clamp(size.memoryBytes / 16, 32 * MiB, 2 * GiB)),
    autovacuum_work_mem: mb(clamp(size.memoryBytes / 32, 16 * MiB, 1 * GiB)),
    autovacuum_max_workers: '3',
    hash_mem_multiplier: '2',
    max_parallel_workers: String(parallelWorkers),
    max_parallel_workers_per_gather: String(
      clamp(Math.floor(parallelWorkers / 2), 0, MAX_WORKERS_PER_OPERATION),
    ),
    max_parallel_maintenance_workers: String(
      clamp(Math.floor(parallelWorkers / 2), 0, MAX_WORKERS_PER_OPERATION),
    ),
    max_logical_replication_workers: String(LOGICAL_REPLICATION_WORKERS),
    // Parallel workers, logical replication workers and their launcher, and two for extensions.
    max_worker_processes: String(parallelWorkers + LOGICAL_REPLICATION_WORKERS + 1 + 2),
  });
  // Backends and parallel workers that fit, each at the smallest work_mem.
  const perProcess =
    MIN_WORK_MEM * 2 * PLANNED_MEMORY_NODES +
    BACKEND_OVERHEAD_BYTES +
    SHARED_MEMORY_MODEL.perProcessSlotBytes;
  const processesFitting = (fixed: Record<string, string>) => {
    const rest = memoryBudget({ ...fixed, max_connections: '0', work_mem: '0' }, size.memoryBytes);
    return Math.floor((rest.limitBytes - rest.totalBytes) / perProcess);
  };
  // Parallel workers: one per core, at most a quarter of the processes memory allows once the
  // reserved slots and one connection per pool are served.
  const pools = size.pgBouncerReplicas * size.databases;
  const spare =
    processesFitting(fixedWith(0)) - SUPERUSER_RESERVED_CONNECTIONS - PLATFORM_CONNECTIONS - pools;
  const parallelWorkers = clamp(Math.min(cpus, Math.floor(spare / 4)), 0, 32);
  const fixed = fixedWith(parallelWorkers);
  // At least one server connection per pool, however few cores.
  const wanted = Math.max(
    10,
    Math.ceil(CONNECTIONS_PER_CPU * size.cpus),
    size.pgBouncerReplicas * size.databases,
  );
  const applicationConnections = Math.min(
    wanted,
    processesFitting(fixed) - parallelWorkers - SUPERUSER_RESERVED_CONNECTIONS - PLATFORM_CONNECTIONS,
  );
  return { fixed, applicationConnections };
}

/** The largest work_mem (bytes) that keeps the budget under its limit at `maxConnections`. */
function workMemFor(fixed: Record<string, string>, memoryBytes: number, maxConnections: number): number {
  const parameters = { ...fixed, max_connections: String(maxConnections) };
  const atZero = memoryBudget({ ...parameters, work_mem: '0' }, memoryBytes);
  const perKb = memoryBudget({ ...parameters, work_mem: '1' }, memoryBytes).totalBytes - atZero.totalBytes;
  const kb = Math.floor((atZero.limitBytes - atZero.totalBytes) / perKb);
  // Round down to whole megabytes so the generated value still fits after formatting.
  return clamp(Math.floor((kb * 1024) / MiB) * MiB, 1 * MiB, MAX_WORK_MEM);
}
