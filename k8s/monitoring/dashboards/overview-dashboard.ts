/**
 * Every tenant at a glance: one table row per PostgreSQL cluster, and the trends an operator
 * compares across tenants. Each series is one cluster, `<namespace>/<pg_cluster>`; the
 * per-tenant dashboard (tenant-dashboard.ts) shows its instances.
 */
import { dashboard, GrafanaDashboard } from './dashboard';
import { TENANT_DASHBOARD_UID } from './tenant-dashboard';
import { EXPORTER_JOB } from '../labels';

/** uid of the overview dashboard. */
export const OVERVIEW_DASHBOARD_UID = 'postgres-overview';

/** Selects a metric of every tenant's exporter, with extra matchers. */
const all = (metric: string, matchers = '') =>
  `${metric}{job="${EXPORTER_JOB}"${matchers ? `, ${matchers}` : ''}}`;
/** Per-cluster aggregation. */
const byCluster = (aggregation: string, expr: string) =>
  `${aggregation} by (namespace, pg_cluster) (${expr})`;
const rate = (metric: string) => `rate(${all(metric)}[$__rate_interval])`;

const LEGEND = '{{namespace}}/{{pg_cluster}}';

/** The overview queries, by table column; the table and the trend panels share them. */
const COLUMNS = {
  'Instances up': byCluster('sum', all('up')),
  Primaries: byCluster('count', `${all('ccp_is_in_recovery_status')} == 2`),
  'Transactions/s': byCluster(
    'sum',
    `${rate('ccp_stat_database_xact_commit')} + ${rate('ccp_stat_database_xact_rollback')}`,
  ),
  'Connections (% of max)': byCluster(
    'max',
    `100 * ${all('ccp_connection_stats_total')} / ${all('ccp_connection_stats_max_connections')}`,
  ),
  'Replication lag (s)': byCluster('max', all('ccp_replication_lag_replay_time')),
  'Data volume used (%)': byCluster(
    'max',
    `100 * (1 - ${all('ccp_nodemx_data_disk_available_bytes', 'mount_point="/pgdata"')}` +
      ` / ${all('ccp_nodemx_data_disk_total_bytes', 'mount_point="/pgdata"')})`,
  ),
  // Every instance reports the same repository; the newest backup of any type counts.
  'Last backup (s ago)': byCluster('min', all('ccp_backrest_last_incr_backup_time_since_completion_seconds')),
  // Each instance reports every database; the largest report per database, summed.
  'Databases (bytes)': byCluster(
    'sum',
    `max by (namespace, pg_cluster, dbname) (${all('ccp_database_size_bytes')})`,
  ),
} as const;

type Column = keyof typeof COLUMNS;
const column = (name: Column) => COLUMNS[name];

/** The overview dashboard. */
export function overviewDashboard(): GrafanaDashboard {
  const names = Object.keys(COLUMNS) as Column[];
  return dashboard({
    uid: OVERVIEW_DASHBOARD_UID,
    title: 'PostgreSQL overview',
    description: `Every tenant's PostgreSQL cluster; open "PostgreSQL tenant" (uid ${TENANT_DASHBOARD_UID}) for one cluster's instances and PgBouncer pools.`,
    rows: [
      [
        {
          title: 'Tenants',
          description:
            'One row per cluster, now. A cluster with no primary, a full volume or an old backup also raises an alert (README, Monitoring and alerting).',
          type: 'table',
          width: 24,
          queries: names.map((name) => ({ expr: column(name), instant: true })),
          transformations: [
            // One row per (namespace, pg_cluster): the instant queries joined on their labels.
            { id: 'merge', options: {} },
            {
              id: 'organize',
              options: {
                excludeByName: { Time: true },
                renameByName: Object.fromEntries(
                  names.map((name, index) => [`Value #${String.fromCharCode(65 + index)}`, name]),
                ),
              },
            },
          ],
        },
      ],
      [
        {
          title: 'Transactions per second',
          description: 'Commits and rollbacks per second, all instances and databases of each cluster.',
          type: 'timeseries',
          unit: 'ops',
          min: 0,
          queries: [{ expr: column('Transactions/s'), legend: LEGEND }],
        },
        {
          title: 'Connections (% of max_connections)',
          description:
            'The busiest instance of each cluster; the PostgresConnectionsNearMax alert fires at its threshold.',
          type: 'timeseries',
          unit: 'percent',
          min: 0,
          max: 100,
          queries: [{ expr: column('Connections (% of max)'), legend: LEGEND }],
        },
      ],
      [
        {
          title: 'Replication lag',
          description:
            'The most lagging replica of each cluster, in seconds of WAL received but not replayed.',
          type: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: column('Replication lag (s)'), legend: LEGEND }],
        },
        {
          title: 'Data volume usage',
          description: 'The fullest data volume (/pgdata) of each cluster.',
          type: 'timeseries',
          unit: 'percent',
          min: 0,
          max: 100,
          thresholds: [
            [80, 'orange'],
            [90, 'red'],
          ],
          queries: [{ expr: column('Data volume used (%)'), legend: LEGEND }],
        },
        {
          title: 'Time since last backup',
          description: 'Age of the newest completed backup of any type of each cluster.',
          type: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: column('Last backup (s ago)'), legend: LEGEND }],
        },
      ],
    ],
  });
}
