/**
 * The PgBouncer exporter sidecar (k8s/pgbouncer-exporter.ts) as the tenant chart puts it into
 * `spec.proxy.pgBouncer.containers`, checked against how PGO configures PgBouncer
 * (CrunchyData/postgres-operator internal/pgbouncer/config.go clusterINI: auth_file user
 * `_crunchypgbouncer`, password key `pgbouncer-password`, `client_tls_sslmode = require`,
 * `stats_users` only when set) and how pgbouncer_exporter reads its connection
 * (pgbouncer_exporter.go `--pgBouncer.connectionString`, lib/pq's `PGPASSWORD`).
 */
import { PGBOUNCER_EXPORTER_IMAGE } from '../../lib/config/versions';
import { exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

const tenant = exampleConfig().tenants[0];

function pgBouncerOf(images = {}): any {
  return synthTenantChart(tenant, { images }).find((o) => o.kind === 'PostgresCluster').spec.proxy.pgBouncer;
}

function exporterOf(images = {}): any {
  const containers: any[] = pgBouncerOf(images).containers ?? [];
  return containers.find((c) => c.name === 'pgbouncer-exporter');
}

test('the PgBouncer pods get the exporter sidecar with the pinned image by default', () => {
  expect(exporterOf().image).toBe(PGBOUNCER_EXPORTER_IMAGE);
  expect(PGBOUNCER_EXPORTER_IMAGE).toMatch(/:v\d+\.\d+\.\d+$/);
});

test('images.pgbouncerExporter overrides the exporter image', () => {
  const image = 'registry.example.com/mirror/pgbouncer-exporter:v0.10.2';
  expect(exporterOf({ pgbouncerExporter: image }).image).toBe(image);
});

test('the exporter has requests equal to limits, so PgBouncer pods stay Guaranteed', () => {
  const { requests, limits } = exporterOf().resources;
  expect(requests).toEqual(limits);
  expect(Object.keys(requests).sort()).toEqual(['cpu', 'memory']);
});

test("the exporter reads PgBouncer's password from PGO's Secret, never from a literal value", () => {
  const exporter = exporterOf();
  expect(exporter.env).toEqual([
    {
      name: 'PGPASSWORD',
      valueFrom: { secretKeyRef: { name: `${tenant.name}-pgbouncer`, key: 'pgbouncer-password' } },
    },
  ]);
  expect(exporter.env.some((e: any) => 'value' in e)).toBe(false);
  // A password in the URL would sit in the manifest and the process list.
  expect(exporter.args.join(' ')).not.toMatch(/:\/\/[^@/]*:[^@/]*@/);
});

test('the exporter connects to PgBouncer on localhost as its own user, with the TLS PgBouncer requires', () => {
  const connection = exporterOf()
    .args.find((a: string) => a.startsWith('--pgBouncer.connectionString='))
    .split('=')
    .slice(1)
    .join('=');
  const url = new URL(connection);
  expect(url.hostname).toBe('localhost');
  expect(url.port).toBe('5432');
  expect(url.username).toBe('_crunchypgbouncer');
  expect(url.pathname).toBe('/pgbouncer');
  expect(url.searchParams.get('sslmode')).toBe('require');
});

test("PgBouncer's user may run the console's SHOW commands the exporter needs", () => {
  expect(pgBouncerOf().config.global.stats_users).toBe('_crunchypgbouncer');
});

test('the exporter runs non-root with a read-only root file system and no capabilities', () => {
  const { securityContext, ports } = exporterOf();
  expect(securityContext).toMatchObject({
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  expect(securityContext.runAsUser).toBeGreaterThan(0);
  expect(ports).toEqual([{ name: 'pgbouncer-exp', containerPort: 9127, protocol: 'TCP' }]);
});

test('the PgBouncer PodMonitor scrapes the exporter port of the PgBouncer pods', () => {
  const monitor = synthTenantChart(tenant).find(
    (o) => o.kind === 'PodMonitor' && o.metadata.name === 'pgbouncer-exporter',
  );
  expect(monitor.spec.selector.matchLabels).toEqual({
    'postgres-operator.crunchydata.com/cluster': tenant.name,
    'postgres-operator.crunchydata.com/role': 'pgbouncer',
  });
  expect(monitor.spec.podMetricsEndpoints[0].port).toBe('pgbouncer-exp');
  expect(monitor.spec.podMetricsEndpoints[0].relabelings).toContainEqual({
    targetLabel: 'job',
    replacement: 'pgbouncer-exporter',
  });
});
