/**
 * PostgreSQL parameter defaults derived from an instance's memory, CPU and storage, following
 * the usual PostgreSQL sizing guidance. Tenants override any of them in the config.
 */

/** Size of one PostgreSQL instance. */
export interface InstanceSize {
  /** Memory limit in bytes. */
  readonly memoryBytes: number;
  /** CPU limit in cores. */
  readonly cpus: number;
  /** Data volume size in bytes. */
  readonly storageBytes: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** Megabytes as PostgreSQL reads them (`MB` means MiB there). */
const mb = (bytes: number) => `${Math.max(1, Math.floor(bytes / MiB))}MB`;

/** Parameter defaults for an instance of `size`. */
export function defaultParameters(size: InstanceSize): Record<string, string | number> {
  // Connections arrive through PgBouncer, so a modest server-side limit suffices; larger
  // instances get more, up to 500.
  const maxConnections = clamp(Math.floor(size.memoryBytes / (32 * MiB)), 100, 500);
  const sharedBuffers = size.memoryBytes / 4;
  // What is left after shared buffers, spread over connections, with room for several sorts each.
  const workMem = clamp((size.memoryBytes - sharedBuffers) / (maxConnections * 3), 4 * MiB, 256 * MiB);
  const maxWalSize = clamp(size.storageBytes / 10, 1 * GiB, 16 * GiB);
  const cpus = Math.max(1, Math.floor(size.cpus));
  return {
    max_connections: maxConnections,
    shared_buffers: mb(sharedBuffers),
    effective_cache_size: mb((size.memoryBytes * 3) / 4),
    work_mem: mb(workMem),
    maintenance_work_mem: mb(clamp(size.memoryBytes / 16, 64 * MiB, 2 * GiB)),
    wal_buffers: mb(clamp(sharedBuffers / 32, 1 * MiB, 64 * MiB)),
    min_wal_size: mb(maxWalSize / 4),
    max_wal_size: mb(maxWalSize),
    checkpoint_completion_target: 0.9,
    max_worker_processes: Math.max(8, cpus),
    max_parallel_workers: cpus,
    max_parallel_workers_per_gather: Math.max(1, Math.floor(cpus / 2)),
    max_parallel_maintenance_workers: Math.max(1, Math.floor(cpus / 2)),
  };
}
