import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  dashboard,
  expressionsOf,
  GrafanaDashboard,
  PROMETHEUS_DATASOURCE_UID,
} from '../../k8s/monitoring/dashboards/dashboard';
import {
  OVERVIEW_DASHBOARD_UID,
  overviewDashboard,
} from '../../k8s/monitoring/dashboards/overview-dashboard';
import { TENANT_DASHBOARD_UID, tenantDashboard } from '../../k8s/monitoring/dashboards/tenant-dashboard';
import { GrafanaChart } from '../../k8s/monitoring/grafana-chart';
import { DASHBOARDS_PATH } from '../../k8s/monitoring/grafana-provisioning';
import { KNOWN_METRICS, metricsOf } from '../../k8s/monitoring/known-metrics';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { DEFAULT_GRAFANA } from '../../lib/config/monitoring-schema';

const DASHBOARDS: Record<string, GrafanaDashboard> = {
  overview: overviewDashboard(),
  tenant: tenantDashboard(),
};

/** The metrics of a dashboard's queries that no deployed exporter produces. */
function unknownMetrics(model: GrafanaDashboard): string[] {
  return expressionsOf(model)
    .flatMap(metricsOf)
    .filter((name) => !(name in KNOWN_METRICS));
}

const panel = (model: GrafanaDashboard, title: string) => {
  const found = model.panels.find((p) => p.title === title);
  if (!found) {
    throw new Error(`no panel "${title}" in ${model.uid}`);
  }
  return found;
};
const exprs = (model: GrafanaDashboard, title: string) => panel(model, title).targets.map((t) => t.expr);

/**
 * Names in a PromQL expression that metricsOf cannot see: identifiers that are neither a
 * selected metric (`name{...}`), a function or aggregation (`name(`), a keyword, nor inside a
 * label matcher, grouping or range. A bare metric such as `up` would be one.
 */
function bareNames(expr: string): string[] {
  const stripped = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*[({])/g)]
    .map((match) => match[1])
    .filter((name) => !['and', 'or', 'unless', 'bool', 'offset'].includes(name));
}

describe('metrics the dashboards use', () => {
  const cases = Object.entries(DASHBOARDS).flatMap(([name, model]) =>
    expressionsOf(model).map((expr) => [name, expr] as const),
  );

  test.each(cases)('%s: %s selects only metrics the deployed exporters produce', (_, expr) => {
    const used = metricsOf(expr);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !(name in KNOWN_METRICS))).toEqual([]);
  });

  const panelQueries = Object.entries(DASHBOARDS).flatMap(([name, model]) =>
    model.panels.flatMap((p) => p.targets.map((t) => [name, t.expr] as const)),
  );

  test.each(panelQueries)(
    '%s: %s writes every metric with a selector, so the check above sees it',
    (_, expr) => {
      expect(bareNames(expr)).toEqual([]);
    },
  );

  test('a metric written without a selector is caught', () => {
    expect(bareNames('sum by (pod) (rate(up[5m])) / ccp_made_up and on (pod) x{a="b"} > bool 1')).toEqual([
      'up',
      'ccp_made_up',
    ]);
  });

  test('a made-up metric in a panel is caught', () => {
    const invented = dashboard({
      uid: 'invented',
      title: 'Invented',
      description: 'A panel on a metric no exporter produces.',
      rows: [
        [
          {
            title: 'PgBouncer waiting clients',
            description: 'Made up.',
            type: 'timeseries',
            queries: [{ expr: 'sum(ccp_pgbouncer_clients_wait{job="postgres-exporter"})' }],
          },
        ],
      ],
    });
    expect(unknownMetrics(invented)).toEqual(['ccp_pgbouncer_clients_wait']);
  });
});

describe('the per-tenant dashboard', () => {
  const model = DASHBOARDS.tenant;

  test('has the panels an operator needs for one tenant, PgBouncer pools included', () => {
    expect(model.panels.map((p) => p.title)).toEqual([
      'Role',
      'Exporter reachable',
      'Uptime',
      'Transactions per second',
      'Connections',
      'Replication lag (time)',
      'Replication lag (bytes)',
      'Cache hit ratio',
      'Data volume usage',
      'Time since last backup',
      'Backup errors',
      'WAL archiving',
      'PgBouncer pools',
    ]);
  });

  test('PgBouncer pools show clients active and waiting and servers active, per database of the cluster', () => {
    const sel = '{job="pgbouncer-exporter", namespace="$namespace", pg_cluster="$cluster"}';
    expect(exprs(model, 'PgBouncer pools')).toEqual([
      `sum by (database) (pgbouncer_pools_client_active_connections${sel})`,
      `sum by (database) (pgbouncer_pools_client_waiting_connections${sel})`,
      `sum by (database) (pgbouncer_pools_server_active_connections${sel})`,
    ]);
  });

  test('no longer says PgBouncer pools are missing', () => {
    expect(model.description).not.toMatch(/not shown/);
  });

  test('chooses the tenant by namespace, then the cluster in it', () => {
    expect(model.templating.list.map((v) => [v.name, v.query])).toEqual([
      ['namespace', 'label_values(ccp_is_in_recovery_status{job="postgres-exporter"}, namespace)'],
      [
        'cluster',
        'label_values(ccp_is_in_recovery_status{job="postgres-exporter", namespace="$namespace"}, pg_cluster)',
      ],
    ]);
  });

  test('every query is restricted to the chosen tenant and cluster', () => {
    const queries = model.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const selectors = queries.flatMap((expr) => [...expr.matchAll(/[a-z_]+\{[^}]*\}/g)].map((m) => m[0]));
    expect(selectors.filter((s) => !s.includes('namespace="$namespace", pg_cluster="$cluster"'))).toEqual([]);
  });

  test('TPS is commits and rollbacks per second per instance', () => {
    const sel = '{job="postgres-exporter", namespace="$namespace", pg_cluster="$cluster"}';
    expect(exprs(model, 'Transactions per second')).toEqual([
      `sum by (pod) (rate(ccp_stat_database_xact_commit${sel}[$__rate_interval]))`,
      `sum by (pod) (rate(ccp_stat_database_xact_rollback${sel}[$__rate_interval]))`,
    ]);
  });

  test('connections are shown against max_connections', () => {
    expect(exprs(model, 'Connections').flatMap(metricsOf)).toEqual([
      'ccp_connection_stats_total',
      'ccp_connection_stats_active',
      'ccp_connection_stats_max_connections',
    ]);
  });

  test('replication lag is shown in seconds behind and in bytes behind', () => {
    expect(exprs(model, 'Replication lag (time)').flatMap(metricsOf)).toEqual([
      'ccp_replication_lag_replay_time',
    ]);
    expect(exprs(model, 'Replication lag (bytes)').flatMap(metricsOf)).toEqual([
      'ccp_replication_lag_size_bytes',
    ]);
  });

  test('the cache hit ratio is hits over hits and reads', () => {
    const [expr] = exprs(model, 'Cache hit ratio');
    expect(expr).toMatch(
      /^sum by \(pod\) \(rate\(ccp_stat_database_blks_hit\{.*\) \/ \(sum by \(pod\) \(rate\(ccp_stat_database_blks_hit\{.*\) \+ sum by \(pod\) \(rate\(ccp_stat_database_blks_read\{.*\)\)$/,
    );
  });

  test('disk usage is of the data and WAL volumes', () => {
    const [expr] = exprs(model, 'Data volume usage');
    expect(metricsOf(expr)).toEqual([
      'ccp_nodemx_data_disk_available_bytes',
      'ccp_nodemx_data_disk_total_bytes',
    ]);
    expect(expr).toContain('mount_point=~"/pgdata|/pgwal"');
  });

  test('backups show the age of the last full, differential and incremental, and errors', () => {
    expect(exprs(model, 'Time since last backup').flatMap(metricsOf)).toEqual([
      'ccp_backrest_last_full_backup_time_since_completion_seconds',
      'ccp_backrest_last_diff_backup_time_since_completion_seconds',
      'ccp_backrest_last_incr_backup_time_since_completion_seconds',
    ]);
    expect(exprs(model, 'Backup errors').flatMap(metricsOf)).toEqual(['ccp_backrest_last_info_backup_error']);
  });

  test('the role panel names primaries and replicas by pgMonitor’s values (1 replica, 2 primary)', () => {
    expect(panel(model, 'Role').fieldConfig.defaults.mappings).toEqual([
      {
        type: 'value',
        options: {
          '1': { text: 'replica', index: 0, color: 'blue' },
          '2': { text: 'primary', index: 1, color: 'green' },
        },
      },
    ]);
  });
});

describe('the overview dashboard', () => {
  const model = DASHBOARDS.overview;

  test('shows every cluster as a table row, with one column per query', () => {
    const table = panel(model, 'Tenants');
    expect(table.type).toBe('table');
    expect(table.targets.every((t) => t.instant && t.format === 'table')).toBe(true);
    const organize = table.transformations?.find((t) => t.id === 'organize') as any;
    expect(Object.values(organize.options.renameByName)).toEqual([
      'Instances up',
      'Primaries',
      'Transactions/s',
      'Connections (% of max)',
      'Replication lag (s)',
      'Data volume used (%)',
      'Last backup (s ago)',
      'Databases (bytes)',
    ]);
    expect(Object.keys(organize.options.renameByName)).toEqual(table.targets.map((t) => `Value #${t.refId}`));
  });

  test('aggregates every query by tenant namespace and cluster', () => {
    const queries = model.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(queries.filter((q) => !/^(sum|count|max|min) by \(namespace, pg_cluster\) /.test(q))).toEqual([]);
  });

  test('counts primaries, so a cluster without one shows 0 rows rather than a wrong number', () => {
    expect(exprs(model, 'Tenants')[1]).toBe(
      'count by (namespace, pg_cluster) (ccp_is_in_recovery_status{job="postgres-exporter"} == 2)',
    );
  });

  test('points to the tenant dashboard for PgBouncer pools, without claiming they are missing', () => {
    expect(model.description).toMatch(/PgBouncer pools/);
    expect(model.description).not.toMatch(/not shown/);
  });
});

describe('both dashboards', () => {
  test.each(Object.entries(DASHBOARDS))('%s references the provisioned datasource by its uid', (_, model) => {
    const refs = [
      ...model.panels.flatMap((p) => [p.datasource, ...p.targets.map((t) => t.datasource)]),
      ...model.templating.list.map((v) => v.datasource),
    ];
    expect(new Set(refs.map((r) => `${r.type}/${r.uid}`))).toEqual(
      new Set([`prometheus/${PROMETHEUS_DATASOURCE_UID}`]),
    );
  });

  test.each(Object.entries(DASHBOARDS))(
    '%s lays its panels out inside the grid without overlaps',
    (_, model) => {
      const cells = new Set<string>();
      for (const { gridPos } of model.panels) {
        expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
        for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
          for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
            expect(cells.has(`${x},${y}`)).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
      expect(new Set(model.panels.map((p) => p.id)).size).toBe(model.panels.length);
    },
  );

  test('a row wider than the grid is refused', () => {
    const wide = { title: 'Wide', description: 'd', type: 'stat' as const, queries: [], width: 16 };
    expect(() => dashboard({ uid: 'wide', title: 'W', description: 'd', rows: [[wide, wide]] })).toThrow(
      /wider than 24 columns/,
    );
  });
});

describe('dashboard ConfigMaps', () => {
  const objects = Testing.synth(
    new GrafanaChart(Testing.app(), 'grafana', {
      settings: { persistence: { ...DEFAULT_GRAFANA.persistence } },
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
    }),
  );
  const configMaps = objects.filter(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboard-'),
  );

  test('one ConfigMap per dashboard holds its JSON model', () => {
    expect(
      configMaps.map((c) => [
        c.metadata.name,
        Object.keys(c.data),
        JSON.parse(Object.values<string>(c.data)[0]).uid,
      ]),
    ).toEqual([
      ['grafana-dashboard-overview', [`${OVERVIEW_DASHBOARD_UID}.json`], OVERVIEW_DASHBOARD_UID],
      ['grafana-dashboard-tenant', [`${TENANT_DASHBOARD_UID}.json`], TENANT_DASHBOARD_UID],
    ]);
  });

  test('each is mounted where the file provider loads dashboards from', () => {
    const provisioning = objects.find((o) => o.metadata.name === 'grafana-provisioning');
    const [provider] = parse(provisioning.data['dashboards.yaml']).providers;
    expect(provider).toEqual(
      expect.objectContaining({ type: 'file', allowUiUpdates: false, disableDeletion: true }),
    );
    const deployment = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    const volumeOf = (name: string) => deployment.volumes.find((v: any) => v.configMap?.name === name)?.name;
    const mountOf = (volume: string) =>
      deployment.containers[0].volumeMounts.find((m: any) => m.name === volume)?.mountPath;
    for (const configMap of configMaps) {
      expect(mountOf(volumeOf(configMap.metadata.name))).toMatch(new RegExp(`^${provider.options.path}/`));
    }
    expect(provider.options.path).toBe(DASHBOARDS_PATH);
  });

  test('each stays far under the 1 MiB a ConfigMap holds, and the chart under the 200 KB manifest budget', () => {
    for (const configMap of configMaps) {
      expect(Buffer.byteLength(JSON.stringify(configMap))).toBeLessThan(64 * 1024);
    }
    // The chart is applied as one manifest: test/app.test.ts keeps every manifest under 200 KB.
    expect(Buffer.byteLength(JSON.stringify(objects))).toBeLessThan(200 * 1024);
  });
});
