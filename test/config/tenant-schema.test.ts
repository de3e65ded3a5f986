import { configWith, exampleConfig, problemsOf } from '../util';

/** The problems reported after editing the first example tenant. */
const tenantProblems = (edit: (tenant: Record<string, any>) => void) => problemsOf((d) => edit(d.tenants[0]));

describe('the example tenants', () => {
  test('are two clusters of different sizes', () => {
    const [orders, analytics] = exampleConfig().tenants;
    expect([orders.name, orders.memory, orders.replicas]).toEqual(['orders', '4Gi', 2]);
    expect([analytics.name, analytics.memory, analytics.replicas]).toEqual(['analytics', '24Gi', 3]);
  });

  test('get the documented defaults', () => {
    const tenant = configWith(
      (d) => (d.tenants = [{ name: 'lean', cpu: '1', memory: '2Gi', storage: '20Gi' }]),
    ).tenants[0];
    expect(tenant).toMatchObject({
      postgresVersion: 17,
      replicas: 2,
      highlyAvailable: true,
      pgBouncerReplicas: 2,
      backups: { fullSchedule: '0 1 * * 0', differentialSchedule: '0 1 * * 1-6', fullRetention: 4 },
      users: [],
      parameters: {},
    });
  });
});

describe('tenant rules', () => {
  test('a name longer than derived names allow', () => {
    expect(tenantProblems((t) => (t.name = 'a-very-long-tenant-name'))).toEqual([
      'tenants[0].name: got "a-very-long-tenant-name", expected at most 20 characters',
    ]);
  });

  test('a name that is not a DNS label', () => {
    expect(tenantProblems((t) => (t.name = 'Orders_DB'))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.name: got "Orders_DB", expected a DNS-1123 label/),
    ]);
  });

  test('a PostgreSQL version outside 15 to 18', () => {
    expect(tenantProblems((t) => (t.postgresVersion = 14))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.postgresVersion: got 14, expected one of/),
    ]);
  });

  test('replicas outside 1 to 9', () => {
    expect(tenantProblems((t) => (t.replicas = 10))).toEqual([
      'tenants[0].replicas: got 10, expected a number of at most 9',
    ]);
  });

  test('a single instance unless high availability is explicitly given up', () => {
    expect(tenantProblems((t) => (t.replicas = 1))).toEqual([
      'tenants[0].replicas: got 1, expected at least 2 for a highly available cluster (set highlyAvailable: false to run one instance)',
    ]);
    const single = configWith((d) => {
      d.stage = 'staging'; // production refuses a single instance
      d.tenants[0].replicas = 1;
      d.tenants[0].pgBouncerReplicas = 1;
      d.tenants[0].highlyAvailable = false;
    });
    expect(single.tenants[0].replicas).toBe(1);
  });

  test('a single PgBouncer in a highly available cluster', () => {
    expect(tenantProblems((t) => (t.pgBouncerReplicas = 1))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.pgBouncerReplicas: got 1, expected at least 2/),
    ]);
  });

  test('a malformed CPU quantity', () => {
    expect(tenantProblems((t) => (t.cpu = '2 cores'))).toEqual([
      'tenants[0].cpu: got "2 cores", expected a Kubernetes CPU quantity such as 2 or 500m',
    ]);
  });

  test('too little memory', () => {
    expect(tenantProblems((t) => (t.memory = '512Mi'))).toEqual([
      'tenants[0].memory: got "512Mi", expected from 1Gi to 512Gi',
    ]);
  });

  test('a volume larger than gp3 allows', () => {
    expect(tenantProblems((t) => (t.storage = '20Ti'))).toEqual([
      'tenants[0].storage: got "20Ti", expected from 10Gi to 16Ti (the largest gp3 volume)',
    ]);
  });

  test('a backup schedule that is not cron', () => {
    expect(tenantProblems((t) => (t.backups = { fullSchedule: '0 1 * * 0 2026' }))).toEqual([
      'tenants[0].backups.fullSchedule: got "0 1 * * 0 2026", expected a cron schedule: expected 5 fields (minute hour day-of-month month day-of-week), got 6',
    ]);
    expect(tenantProblems((t) => (t.backups = { differentialSchedule: '60 1 * * 1-6' }))).toEqual([
      'tenants[0].backups.differentialSchedule: got "60 1 * * 1-6", expected a cron schedule: the minute field "60" must stay within 0-59',
    ]);
  });

  test('keeping no full backup', () => {
    expect(tenantProblems((t) => (t.backups = { fullRetention: 0 }))).toEqual([
      'tenants[0].backups.fullRetention: got 0, expected a number of at least 1',
    ]);
  });

  test('a parameter the operator owns', () => {
    expect(tenantProblems((t) => (t.parameters = { archive_command: '/bin/true' }))).toEqual([
      'tenants[0].parameters.archive_command: got "/bin/true", expected a parameter the platform does not own: pgBackRest, through PGO, owns archiving and recovery',
    ]);
  });

  test('a parameter name PostgreSQL would not accept', () => {
    expect(tenantProblems((t) => (t.parameters = { 'Work-Mem': '64MB' }))).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.Work-Mem: got "64MB", expected a PostgreSQL parameter name/,
      ),
    ]);
  });

  test('a user name PGO cannot name a Secret after', () => {
    expect(tenantProblems((t) => (t.users = [{ name: 'orders_app' }]))).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.users\[0\]\.name: got "orders_app", expected lower-case letters, digits and "-"/,
      ),
    ]);
  });

  test('the superuser as an application user', () => {
    expect(tenantProblems((t) => (t.users = [{ name: 'postgres' }]))).toEqual([
      'tenants[0].users[0].name: got "postgres", expected an application user: postgres is the superuser and is not handed out',
    ]);
  });

  test('a database name that is not a PostgreSQL identifier', () => {
    expect(tenantProblems((t) => (t.users = [{ name: 'app', databases: ['Orders DB'] }]))).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.users\[0\]\.databases\[0\]: got "Orders DB", expected a PostgreSQL identifier/,
      ),
    ]);
  });

  test('the same user twice', () => {
    expect(tenantProblems((t) => (t.users = [{ name: 'app' }, { name: 'app' }]))).toEqual([
      'tenants[0].users[1].name: got "app", expected each user once',
    ]);
  });

  test('a password in the config is an unknown key, never accepted', () => {
    expect(tenantProblems((t) => (t.users = [{ name: 'app', password: 'hunter2hunter2' }]))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.users\[0\]\.password: unknown key/),
    ]);
  });

  test('an image override without a tag', () => {
    expect(
      tenantProblems((t) => (t.images = { postgres: { '17': 'registry.example.com/postgres' } })),
    ).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.images\.postgres\["17"\]: got "registry\.example\.com\/postgres", expected a full image reference/,
      ),
    ]);
  });
});

describe('scaling in', () => {
  test('a production environment refuses a single instance even when asked for', () => {
    expect(
      problemsOf((d) => {
        Object.assign(d.tenants[0], { replicas: 1, pgBouncerReplicas: 1, highlyAvailable: false });
      }),
    ).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.highlyAvailable: got false, expected true in production: a single instance has no failover and no PodDisruptionBudget/,
      ),
    ]);
  });
});
