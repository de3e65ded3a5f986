import { DATABASE_TAINT_KEY, NODE_POOL_LABEL } from '../../k8s/node-pools';
import { TenantDatabaseChartProps, tenantServiceNames } from '../../k8s/tenant-database-chart';
import type { TenantConfig } from '../../lib/config/tenant-schema';
import { configWith, exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

function synthTenant(tenant: TenantConfig, overrides: Partial<TenantDatabaseChartProps> = {}): any[] {
  return synthTenantChart(tenant, overrides);
}

const [ordersTenant, analyticsTenant] = exampleConfig().tenants;
const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('the PostgresCluster', () => {
  const objects = synthTenant(ordersTenant);
  const cluster = byKind(objects, 'PostgresCluster')[0];
  const instances = cluster.spec.instances[0];

  test('is a PGO v6 PostgresCluster named after the tenant, in its namespace', () => {
    expect(cluster.apiVersion).toBe('postgres-operator.crunchydata.com/v1');
    expect(cluster.metadata).toMatchObject({ name: 'orders', namespace: 'tenant-orders' });
    expect(byKind(objects, 'Namespace')[0].metadata.name).toBe('tenant-orders');
  });

  test('runs the configured PostgreSQL version and number of instances', () => {
    expect(cluster.spec.postgresVersion).toBe(17);
    expect(instances.replicas).toBe(2);
    expect(
      synthTenant(analyticsTenant).find((o) => o.kind === 'PostgresCluster').spec.instances[0].replicas,
    ).toBe(3);
  });

  test('gives each instance guaranteed CPU and memory', () => {
    expect(instances.resources).toEqual({
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '1', memory: '4Gi' },
    });
  });

  test('claims its data volume from the encrypted gp3 StorageClass', () => {
    expect(instances.dataVolumeClaimSpec).toEqual({
      storageClassName: 'gp3',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '50Gi' } },
    });
  });

  test('runs only on the database pool, tolerating its taint', () => {
    expect(instances.tolerations).toEqual([
      { key: DATABASE_TAINT_KEY, operator: 'Equal', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(
      instances.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    ).toEqual([{ matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'In', values: ['database'] }] }]);
  });

  test('spreads instances so no two share a zone or a node while others are free', () => {
    expect(instances.topologySpreadConstraints).toEqual([
      expect.objectContaining({
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
      }),
      expect.objectContaining({
        topologyKey: 'kubernetes.io/hostname',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
      }),
    ]);
    expect(instances.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
      'postgres-operator.crunchydata.com/cluster': 'orders',
      'postgres-operator.crunchydata.com/instance-set': 'pg',
    });
  });

  test('backs up to the tenant bucket with IRSA credentials, on the configured schedules', () => {
    const pgbackrest = cluster.spec.backups.pgbackrest;
    expect(pgbackrest.repos).toEqual([
      {
        name: 'repo1',
        s3: { bucket: 'orders-backups', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
        schedules: { full: '0 1 * * 0', differential: '0 1 * * 1-6' },
      },
    ]);
    expect(pgbackrest.global).toEqual({
      'repo1-path': '/pgbackrest/repo1',
      'repo1-s3-key-type': 'web-id',
      'repo1-retention-full': '4',
      'repo1-retention-full-type': 'count',
      'repo1-cipher-type': 'aes-256-cbc',
    });
    expect(pgbackrest.configuration).toEqual([{ secret: { name: 'orders-pgbackrest-cipher' } }]);
    expect(cluster.spec.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/orders-backup',
    });
  });

  test('can take an on-demand full backup when annotated', () => {
    expect(cluster.spec.backups.pgbackrest.manual).toEqual({ repoName: 'repo1', options: ['--type=full'] });
  });

  test('keeps the configured number of full backups', () => {
    const analytics = synthTenant(analyticsTenant).find((o) => o.kind === 'PostgresCluster');
    expect(analytics.spec.backups.pgbackrest.global['repo1-retention-full']).toBe('8');
    expect(analytics.spec.backups.pgbackrest.repos[0].schedules).toEqual({
      full: '0 2 * * 0',
      differential: '0 2 * * 1-6',
    });
  });

  test('runs PgBouncer with the configured replicas, spread like the instances', () => {
    const pgBouncer = cluster.spec.proxy.pgBouncer;
    expect(pgBouncer.replicas).toBe(2);
    expect(pgBouncer.tolerations).toEqual(instances.tolerations);
    expect(pgBouncer.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      labelSelector: {
        matchLabels: {
          'postgres-operator.crunchydata.com/cluster': 'orders',
          'postgres-operator.crunchydata.com/role': 'pgbouncer',
        },
      },
    });
  });

  test('exposes replicas through a ClusterIP replica Service and enables the metrics exporter', () => {
    expect(cluster.spec.replicaService).toEqual({ type: 'ClusterIP' });
    expect(Object.keys(cluster.spec.monitoring.pgmonitor.exporter)).toEqual(['resources']);
  });

  test('declares users and their databases by name only', () => {
    expect(cluster.spec.users).toEqual([{ name: 'orders-app', databases: ['orders'] }]);
  });

  test('sets PostgreSQL parameters through spec.config, sized from memory and CPU, overrides on top', () => {
    expect(cluster.spec.patroni).toBeUndefined();
    expect(cluster.spec.config.parameters).toMatchObject({
      shared_buffers: '1024MB',
      effective_cache_size: '3072MB',
      huge_pages: 'off',
    });
    const analytics = synthTenant(analyticsTenant).find((o) => o.kind === 'PostgresCluster');
    // The CRD takes int-or-string: numbers from the config are written as PostgreSQL reads them.
    expect(analytics.spec.config.parameters).toMatchObject({
      shared_buffers: '6144MB',
      random_page_cost: '1.1',
      log_min_duration_statement: '1000',
    });
  });

  test('refuses a tenant whose PgBouncer pools do not fit its memory', () => {
    expect(() => synthTenant({ ...ordersTenant, memory: '1Gi', pgBouncerReplicas: 9 })).toThrow(
      /tenant orders: expected more memory: 9 PgBouncer pod\(s\)/,
    );
  });

  test('writes YAML booleans as on and off: the CRD takes integers or strings only', () => {
    const tuned = synthTenant({ ...ordersTenant, parameters: { jit: true, track_io_timing: false } }).find(
      (o) => o.kind === 'PostgresCluster',
    );
    expect(tuned.spec.config.parameters).toMatchObject({ jit: 'on', track_io_timing: 'off' });
  });

  test('sets the PgBouncer pools explicitly, within max_connections less the reserved slots', () => {
    const global = cluster.spec.proxy.pgBouncer.config.global;
    expect(global).toMatchObject({ pool_mode: 'session', tcp_keepalive: '1' });
    const parameters = cluster.spec.config.parameters;
    // orders: 2 PgBouncer pods, databases orders and postgres.
    const pooled = 2 * 2 * Number(global.max_db_connections);
    expect(pooled).toBeLessThanOrEqual(
      Number(parameters.max_connections) - Number(parameters.superuser_reserved_connections),
    );
    expect(Number(global.default_pool_size) + Number(global.reserve_pool_size)).toBe(
      Number(global.max_db_connections),
    );
  });

  test('uses image overrides and pull secrets when given, and the operator defaults otherwise', () => {
    expect(cluster.spec.image).toBeUndefined();
    expect(cluster.spec.imagePullSecrets).toBeUndefined();
    const images = {
      postgres: { '17': 'registry.example.com/pg/crunchy-postgres:ubi9-17.6-2530' },
      pgbouncer: 'registry.example.com/pg/crunchy-pgbouncer:ubi9-1.24-2530',
    };
    const custom = synthTenant(ordersTenant, { images, imagePullSecretNames: ['internal'] }).find(
      (o) => o.kind === 'PostgresCluster',
    );
    expect(custom.spec.image).toBe(images.postgres['17']);
    expect(custom.spec.proxy.pgBouncer.image).toBe(images.pgbouncer);
    expect(custom.spec.imagePullSecrets).toEqual([{ name: 'internal' }]);
  });
});

describe('NetworkPolicies', () => {
  const policies = byKind(synthTenant(ordersTenant), 'NetworkPolicy');
  const policy = (name: string) => policies.find((p) => p.metadata.name === name);

  test('deny all traffic to and from the namespace by default', () => {
    expect(policy('default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('allow the tenant pods to talk among themselves (replication, backups, PgBouncer)', () => {
    const labels = { 'postgres-operator.crunchydata.com/cluster': 'orders' };
    expect(policy('allow-within-cluster').spec).toEqual({
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: labels } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: labels } }] }],
    });
  });

  test('allow the operator in on PostgreSQL, Patroni and pgBackRest ports', () => {
    expect(policy('allow-from-operator').spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'postgres-operator' } } },
        ],
        ports: [5432, 8008, 8432].map((port) => ({ protocol: 'TCP', port })),
      },
    ]);
  });

  test('allow clients from the load balancer subnets only, on port 5432 of PgBouncer and the instances', () => {
    for (const [name, role] of [
      ['allow-clients-to-pgbouncer', { 'postgres-operator.crunchydata.com/role': 'pgbouncer' }],
      ['allow-clients-to-instances', { 'postgres-operator.crunchydata.com/instance-set': 'pg' }],
    ] as const) {
      expect(policy(name).spec).toEqual({
        podSelector: { matchLabels: { 'postgres-operator.crunchydata.com/cluster': 'orders', ...role } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: ['10.40.12.0/22', '10.40.16.0/22', '10.40.20.0/22'].map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      });
    }
  });

  test('allow metrics scraping from the monitoring namespace on the exporter port only', () => {
    expect(policy('allow-metrics-scraping').spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 9187 }],
      },
    ]);
  });

  // Which flows these allow under the VPC CNI's rules is tested in network-flows.test.ts.
  test('allow HTTPS only to the Kubernetes API address and, for pgBackRest, public addresses', () => {
    expect(policy('allow-kubernetes-api').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '172.20.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(policy('allow-pgbackrest-to-s3-and-sts').spec.egress).toEqual([
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('let PgBouncer reach the Service range on 5432 only, for the selector-less primary Service', () => {
    expect(policy('allow-pgbouncer-to-primary').spec).toEqual({
      podSelector: {
        matchLabels: {
          'postgres-operator.crunchydata.com/cluster': 'orders',
          'postgres-operator.crunchydata.com/role': 'pgbouncer',
        },
      },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '172.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });
});

test('the Service names PGO derives are the ones the load balancer will bind to', () => {
  expect(tenantServiceNames('orders')).toEqual({
    pgBouncer: 'orders-pgbouncer',
    replicas: 'orders-replicas',
    primary: 'orders-primary',
    serviceAccounts: ['orders-instance', 'orders-pgbackrest'],
  });
});

test('a single-instance tenant gets one instance and one PgBouncer', () => {
  const single = configWith((d) => {
    d.stage = 'staging'; // production refuses a single instance
    d.tenants[0].replicas = 1;
    d.tenants[0].pgBouncerReplicas = 1;
    d.tenants[0].highlyAvailable = false;
  }).tenants[0];
  const cluster = synthTenant(single).find((o) => o.kind === 'PostgresCluster');
  expect([cluster.spec.instances[0].replicas, cluster.spec.proxy.pgBouncer.replicas]).toEqual([1, 1]);
});
