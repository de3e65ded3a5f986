import { defaultParameters } from '../../k8s/postgres-parameters';

const GiB = 2 ** 30;

test('a quarter of memory goes to shared buffers and three quarters is assumed as cache', () => {
  const parameters = defaultParameters({ memoryBytes: 16 * GiB, cpus: 4, storageBytes: 200 * GiB });
  expect(parameters.shared_buffers).toBe('4096MB');
  expect(parameters.effective_cache_size).toBe('12288MB');
});

test('connections scale with memory between 100 and 500', () => {
  expect(defaultParameters({ memoryBytes: 1 * GiB, cpus: 1, storageBytes: 10 * GiB }).max_connections).toBe(
    100,
  );
  expect(defaultParameters({ memoryBytes: 8 * GiB, cpus: 2, storageBytes: 10 * GiB }).max_connections).toBe(
    256,
  );
  expect(
    defaultParameters({ memoryBytes: 256 * GiB, cpus: 32, storageBytes: 10 * GiB }).max_connections,
  ).toBe(500);
});

test('maintenance memory is a sixteenth of memory, capped at 2 GB', () => {
  expect(
    defaultParameters({ memoryBytes: 8 * GiB, cpus: 2, storageBytes: 50 * GiB }).maintenance_work_mem,
  ).toBe('512MB');
  expect(
    defaultParameters({ memoryBytes: 128 * GiB, cpus: 2, storageBytes: 50 * GiB }).maintenance_work_mem,
  ).toBe('2048MB');
});

test('WAL may grow to a tenth of the volume, from 1 GB to 16 GB', () => {
  expect(defaultParameters({ memoryBytes: 4 * GiB, cpus: 1, storageBytes: 50 * GiB }).max_wal_size).toBe(
    '5120MB',
  );
  expect(defaultParameters({ memoryBytes: 4 * GiB, cpus: 1, storageBytes: 10 * GiB }).max_wal_size).toBe(
    '1024MB',
  );
  expect(defaultParameters({ memoryBytes: 4 * GiB, cpus: 1, storageBytes: 1024 * GiB }).max_wal_size).toBe(
    '16384MB',
  );
});

test('parallel workers follow the CPU count', () => {
  const parameters = defaultParameters({ memoryBytes: 32 * GiB, cpus: 8, storageBytes: 500 * GiB });
  expect(parameters).toMatchObject({
    max_parallel_workers: 8,
    max_parallel_workers_per_gather: 4,
    max_worker_processes: 8,
  });
});
