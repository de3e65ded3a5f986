/**
 * The dashboards' PromQL through Prometheus' own engine: `promtool check rules` parses every
 * panel query, and `promtool test rules` (promql_expr_test) evaluates the ones whose
 * arithmetic matters on series shaped like the exporter's (two instances of one cluster, each
 * reporting every database). Grafana's variables are filled in first, as Grafana does before
 * it sends a query. promtool comes from Debian's `prometheus` package; .ci/run installs it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import type { GrafanaDashboard } from '../../k8s/monitoring/dashboards/dashboard';
import { overviewDashboard } from '../../k8s/monitoring/dashboards/overview-dashboard';
import { tenantDashboard } from '../../k8s/monitoring/dashboards/tenant-dashboard';

const available = spawnSync('promtool', ['--version']).status === 0;
if (!available && process.env.CI === 'true') {
  throw new Error('promtool not found: the dashboard query checks cannot be skipped in CI');
}
const describeWithPromtool = available ? describe : describe.skip;

const TENANT = { namespace: 'tenant-orders', pg_cluster: 'orders' };
/** Grafana's variables, as the dashboard would fill them for the tenant above. */
const fill = (expr: string) =>
  expr
    .replace(/\$__rate_interval/g, '5m')
    .replace(/\$namespace/g, TENANT.namespace)
    .replace(/\$cluster/g, TENANT.pg_cluster);

const overview = overviewDashboard();
const tenant = tenantDashboard();

function queriesOf(model: GrafanaDashboard, title: string): string[] {
  return model.panels.find((p) => p.title === title)!.targets.map((t) => fill(t.expr));
}

/** One series of a tenant instance's exporter. */
function series(metric: string, pod: string, values: string, labels: Record<string, string> = {}) {
  const all = { job: 'postgres-exporter', ...TENANT, pod, ...labels };
  const text = Object.entries(all)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return { series: `${metric}{${text}}`, values };
}

/** One pool series of a tenant PgBouncer pod's exporter sidecar. */
function pool(metric: string, pod: string, values: string, labels: Record<string, string> = {}) {
  return series(metric, pod, values, {
    job: 'pgbouncer-exporter',
    database: 'orders',
    user: 'app',
    ...labels,
  });
}

/** Two instances, a primary and a replica; each reports the databases `orders` and `postgres`. */
const INPUT = [
  series('ccp_is_in_recovery_status', 'orders-a', '2x10'),
  series('ccp_is_in_recovery_status', 'orders-b', '1x10'),
  ...['orders-a', 'orders-b'].flatMap((pod) => [
    // Per minute: 60 commits and 6 rollbacks in `orders`, 99 hits and 1 read per database.
    series('ccp_stat_database_xact_commit', pod, '0+60x10', { dbname: 'orders' }),
    series('ccp_stat_database_xact_rollback', pod, '0+6x10', { dbname: 'orders' }),
    ...['orders', 'postgres'].flatMap((dbname) => [
      series('ccp_stat_database_blks_hit', pod, '0+99x10', { dbname }),
      series('ccp_stat_database_blks_read', pod, '0+1x10', { dbname }),
    ]),
    series('ccp_database_size_bytes', pod, '1000x10', { dbname: 'orders' }),
    series('ccp_database_size_bytes', pod, '100x10', { dbname: 'postgres' }),
    series('ccp_nodemx_data_disk_total_bytes', pod, '1000x10', { mount_point: '/pgdata', fs_type: 'ext4' }),
  ]),
  series('ccp_nodemx_data_disk_available_bytes', 'orders-a', '250x10', {
    mount_point: '/pgdata',
    fs_type: 'ext4',
  }),
  series('ccp_nodemx_data_disk_available_bytes', 'orders-b', '500x10', {
    mount_point: '/pgdata',
    fs_type: 'ext4',
  }),
  // Two PgBouncer pods, each with a pool of `orders` for user `app` (pgbouncer_exporter
  // collector.go labels pools by database and user); another cluster's pool must not count.
  ...(['orders-pgbouncer-a', 'orders-pgbouncer-b'] as const).flatMap((pod, i) => [
    pool('pgbouncer_pools_client_active_connections', pod, `${10 + i}x10`),
    pool('pgbouncer_pools_client_waiting_connections', pod, `${i}x10`),
    pool('pgbouncer_pools_server_active_connections', pod, `${5 + i}x10`),
  ]),
  pool('pgbouncer_pools_client_waiting_connections', 'billing-pgbouncer-a', '7x10', {
    pg_cluster: 'billing',
  }),
];

describeWithPromtool('dashboard queries in promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-promql-'));
  });

  const run = (args: string[]) => spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });

  test('every panel query of both dashboards parses', () => {
    const rules = [overview, tenant].flatMap((model) =>
      model.panels.flatMap((p) =>
        p.targets.map((t, i) => ({
          record: `dashboard:${model.uid.replace(/-/g, '_')}:${p.id}_${i}`,
          expr: fill(t.expr),
        })),
      ),
    );
    fs.writeFileSync(path.join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = run(['check', 'rules', 'queries.yaml']);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
    });
  });

  /** Evaluates `expr` at 10 minutes on {@link INPUT} and expects `samples`. */
  function evaluate(name: string, expr: string, samples: { labels: string; value: number }[]) {
    const file = `${name}.test.yaml`;
    fs.writeFileSync(path.join(dir, 'empty.rules.yaml'), stringify({ groups: [] }));
    fs.writeFileSync(
      path.join(dir, file),
      stringify({
        rule_files: ['empty.rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: INPUT,
            promql_expr_test: [
              {
                expr,
                eval_time: '10m',
                exp_samples: samples.map((s) => ({ labels: s.labels, value: s.value })),
              },
            ],
          },
        ],
      }),
    );
    const result = run(['test', 'rules', file]);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  }

  test('tenant TPS: commits per second of each instance, summed over its databases', () => {
    const [commits, rollbacks] = queriesOf(tenant, 'Transactions per second');
    evaluate('tps-commits', commits, [
      { labels: '{pod="orders-a"}', value: 1 },
      { labels: '{pod="orders-b"}', value: 1 },
    ]);
    evaluate('tps-rollbacks', rollbacks, [
      { labels: '{pod="orders-a"}', value: 0.1 },
      { labels: '{pod="orders-b"}', value: 0.1 },
    ]);
  });

  test('tenant cache hit ratio: 99 hits for each read is 0.99', () => {
    const [ratio] = queriesOf(tenant, 'Cache hit ratio');
    evaluate('cache-hit-ratio', ratio, [
      { labels: '{pod="orders-a"}', value: 0.99 },
      { labels: '{pod="orders-b"}', value: 0.99 },
    ]);
  });

  test('tenant data volume usage: the used share of each instance’s volume', () => {
    const [usage] = queriesOf(tenant, 'Data volume usage');
    const labels = (pod: string) =>
      `{job="postgres-exporter", namespace="tenant-orders", pg_cluster="orders", pod="${pod}", mount_point="/pgdata", fs_type="ext4"}`;
    evaluate('volume-usage', usage, [
      { labels: labels('orders-a'), value: 0.75 },
      { labels: labels('orders-b'), value: 0.5 },
    ]);
  });

  test("tenant PgBouncer pools: each database's pools summed over the cluster's PgBouncer pods", () => {
    const [active, waiting, servers] = queriesOf(tenant, 'PgBouncer pools');
    evaluate('pools-active', active, [{ labels: '{database="orders"}', value: 21 }]);
    evaluate('pools-waiting', waiting, [{ labels: '{database="orders"}', value: 1 }]);
    evaluate('pools-servers', servers, [{ labels: '{database="orders"}', value: 11 }]);
  });

  test('overview: one row per cluster, with its primaries, transactions, fullest volume and database size', () => {
    const [up, primaries, tps, , , volume, , size] = queriesOf(overview, 'Tenants');
    expect(up).toContain('up{');
    const row = '{namespace="tenant-orders", pg_cluster="orders"}';
    evaluate('overview-primaries', primaries, [{ labels: row, value: 1 }]);
    // Both instances' commits and rollbacks: 2 x (1 + 0.1).
    evaluate('overview-tps', tps, [{ labels: row, value: 2.2 }]);
    evaluate('overview-volume', volume, [{ labels: row, value: 75 }]);
    // Each database counted once although both instances report it.
    evaluate('overview-size', size, [{ labels: row, value: 1100 }]);
  });
});
