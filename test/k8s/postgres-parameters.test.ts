import { TCP_KEEPALIVE } from '../../k8s/connection-keepalives';
import { NLB_TCP_IDLE_TIMEOUT_SECONDS } from '../../lib/constructs/tenant-private-link';
import { memoryBudget } from '../../k8s/postgres-memory';
import {
  InstanceSize,
  LOGICAL_REPLICATION_WORKERS,
  PLATFORM_CONNECTIONS,
  sizingProblem,
  tunedSettings,
} from '../../k8s/postgres-parameters';
import { PARAMETER_CATALOGUES } from '../../lib/config/postgres-catalogue';
import { CRD_MAX_PARAMETERS, catalogueProblem } from '../../lib/config/postgres-parameter-rules';

const GiB = 2 ** 30;

/**
 * Every size the config accepts (lib/config/tenant-schema.ts: memory 1Gi-512Gi, CPU 250m-64),
 * at the bounds, at powers of two and at odd sizes between them.
 */
const MEMORIES = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512].map(
  (g) => g * GiB,
);
const CPUS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
/**
 * PgBouncer pods and databases: a single instance, the default, and three pods with two databases
 * (the config refuses pools that do not fit the memory: see test/config/postgres-parameter-rules.test.ts).
 */
const POOLS = [
  { pgBouncerReplicas: 1, databases: 1 },
  { pgBouncerReplicas: 2, databases: 2 },
  { pgBouncerReplicas: 3, databases: 2 },
];

const grid: InstanceSize[] = MEMORIES.flatMap((memoryBytes) =>
  CPUS.flatMap((cpus) => POOLS.map((pools) => ({ memoryBytes, cpus, storageBytes: 100 * GiB, ...pools }))),
);
const sized = grid.map((size) => ({ size, ...tunedSettings(size) }));
const label = (size: InstanceSize) =>
  `${size.memoryBytes / GiB}Gi x ${size.cpus} CPU, ${size.pgBouncerReplicas} pods x ${size.databases} dbs`;

describe('over every accepted size', () => {
  test('each size can be sized', () => {
    expect(grid.filter((size) => sizingProblem(size)).map(label)).toEqual([]);
  });

  test('worst-case memory stays under 90% of the memory limit', () => {
    const over = sized
      .map(({ size, parameters }) => ({ size, budget: memoryBudget(parameters, size.memoryBytes) }))
      .filter(({ budget }) => budget.totalBytes > budget.limitBytes)
      .map(({ size, budget }) => `${label(size)}: ${(budget.totalBytes / GiB).toFixed(2)} GiB`);
    expect(over).toEqual([]);
  });

  test('every PgBouncer pod at its database cap fits max_connections less the reserved slots', () => {
    const over = sized.filter(({ size, parameters, pgBouncer }) => {
      const pooled = size.pgBouncerReplicas * size.databases * Number(pgBouncer.max_db_connections);
      const free =
        Number(parameters.max_connections) -
        Number(parameters.superuser_reserved_connections) -
        PLATFORM_CONNECTIONS;
      return pooled > free;
    });
    expect(over.map(({ size }) => label(size))).toEqual([]);
  });

  test('the pool and its reserve make up the database cap, with at least one connection per pool', () => {
    for (const { pgBouncer } of sized) {
      expect(Number(pgBouncer.default_pool_size)).toBeGreaterThanOrEqual(1);
      expect(Number(pgBouncer.default_pool_size) + Number(pgBouncer.reserve_pool_size)).toBe(
        Number(pgBouncer.max_db_connections),
      );
    }
  });

  test('parallel workers are capped at 4 per Gather and per maintenance command (pgtune)', () => {
    for (const { parameters } of sized) {
      expect(Number(parameters.max_parallel_workers_per_gather)).toBeLessThanOrEqual(4);
      expect(Number(parameters.max_parallel_maintenance_workers)).toBeLessThanOrEqual(4);
      expect(Number(parameters.max_parallel_workers_per_gather)).toBeLessThanOrEqual(
        Number(parameters.max_parallel_workers),
      );
    }
  });

  test('background workers stay free for logical replication beyond the parallel workers', () => {
    for (const { parameters } of sized) {
      // The launcher is a background worker too (PostgreSQL docs, "Logical Replication: Configuration Settings").
      expect(
        Number(parameters.max_worker_processes) - Number(parameters.max_parallel_workers),
      ).toBeGreaterThanOrEqual(LOGICAL_REPLICATION_WORKERS + 1);
    }
  });

  test('PGO takes every generated parameter set: at most 50, every value a string', () => {
    for (const { parameters, pgBouncer } of sized) {
      expect(Object.keys(parameters).length).toBeLessThanOrEqual(CRD_MAX_PARAMETERS);
      expect(Object.values({ ...parameters, ...pgBouncer }).every((v) => typeof v === 'string')).toBe(true);
    }
  });

  test.each(Object.keys(PARAMETER_CATALOGUES).map(Number))(
    'PostgreSQL %i accepts every generated value',
    (major) => {
      const refused = sized.flatMap(({ size, parameters }) =>
        Object.entries(parameters)
          .map(([name, value]) => [name, value, catalogueProblem(major, name, value)])
          .filter(([, , problem]) => problem)
          .map(([name, value, problem]) => `${label(size)}: ${name}=${value}: ${problem}`),
      );
      expect(refused).toEqual([]);
    },
  );
});

describe('fixed choices', () => {
  const { parameters } = tunedSettings({
    memoryBytes: 16 * GiB,
    cpus: 4,
    storageBytes: 200 * GiB,
    pgBouncerReplicas: 2,
    databases: 2,
  });

  test('plan for gp3 SSD volumes', () => {
    expect(parameters).toMatchObject({ random_page_cost: '1.1', effective_io_concurrency: '200' });
  });

  test('keep huge pages off: the pod requests no hugepages', () => {
    expect(parameters.huge_pages).toBe('off');
  });

  test('give shared buffers a quarter and the planner three quarters of memory', () => {
    expect(parameters).toMatchObject({ shared_buffers: '4096MB', effective_cache_size: '12288MB' });
  });

  test('size WAL from the volume: a tenth of it, 1 GB to 16 GB', () => {
    const wal = (storageGiB: number) =>
      tunedSettings({
        memoryBytes: 4 * GiB,
        cpus: 1,
        storageBytes: storageGiB * GiB,
        pgBouncerReplicas: 2,
        databases: 2,
      }).parameters.max_wal_size;
    expect([wal(10), wal(50), wal(1024)]).toEqual(['1024MB', '5120MB', '16384MB']);
  });

  test('give more memory more connections and more work memory', () => {
    const at = (memoryGiB: number) =>
      tunedSettings({
        memoryBytes: memoryGiB * GiB,
        cpus: 4,
        storageBytes: 100 * GiB,
        pgBouncerReplicas: 2,
        databases: 2,
      }).parameters;
    expect(Number(at(1).max_connections)).toBeLessThan(Number(at(4).max_connections));
    expect(parseInt(at(4).work_mem)).toBeLessThan(parseInt(at(64).work_mem));
  });
});

describe('TCP keepalives across the NLB', () => {
  const { parameters, pgBouncer } = tunedSettings({
    memoryBytes: 4 * GiB,
    cpus: 1,
    storageBytes: 50 * GiB,
    pgBouncerReplicas: 2,
    databases: 2,
  });

  test('PostgreSQL probes an idle connection before the NLB forgets it', () => {
    expect(Number(parameters.tcp_keepalives_idle)).toBeLessThan(NLB_TCP_IDLE_TIMEOUT_SECONDS);
    expect(Number(parameters.tcp_keepalives_interval)).toBeLessThan(NLB_TCP_IDLE_TIMEOUT_SECONDS);
    expect(Number(parameters.tcp_keepalives_count)).toBeGreaterThan(0);
  });

  test('PgBouncer probes its client and server connections before the NLB forgets them', () => {
    expect(pgBouncer.tcp_keepalive).toBe('1');
    expect(Number(pgBouncer.tcp_keepidle)).toBeLessThan(NLB_TCP_IDLE_TIMEOUT_SECONDS);
    expect(Number(pgBouncer.tcp_keepintvl)).toBeLessThan(NLB_TCP_IDLE_TIMEOUT_SECONDS);
    expect(Number(pgBouncer.tcp_keepcnt)).toBe(TCP_KEEPALIVE.count);
  });

  test('a probe leaves a margin of at least half the timeout', () => {
    expect(TCP_KEEPALIVE.idleSeconds).toBeLessThanOrEqual(NLB_TCP_IDLE_TIMEOUT_SECONDS / 2);
  });
});
