/**
 * One tenant's PostgreSQL cluster: throughput, connections, replication, cache, disk and
 * backups, per instance pod, and PgBouncer's pools. The tenant is chosen with the `namespace`
 * and `cluster` variables. The instance metrics come from the pgMonitor exporter PGO runs in
 * each instance pod, the pools from the PgBouncer exporter sidecar (k8s/pgbouncer-exporter.ts;
 * k8s/monitoring/known-metrics.ts says where each metric comes from); `namespace`, `pod` and
 * `pg_cluster` are the target labels the PodMonitors give every series (pod-monitor.ts).
 */
import { dashboard, GrafanaDashboard } from './dashboard';
import { EXPORTER_JOB, PGBOUNCER_EXPORTER_JOB } from '../labels';

/** uid of the per-tenant dashboard. */
export const TENANT_DASHBOARD_UID = 'postgres-tenant';

/** Selects a metric of the chosen tenant's cluster, with extra matchers. */
const tenant = (metric: string, matchers = '') =>
  `${metric}{job="${EXPORTER_JOB}", namespace="$namespace", pg_cluster="$cluster"${matchers ? `, ${matchers}` : ''}}`;
/** Per-second rate of a pg_stat_database column, summed over the databases of each pod. */
const perPod = (column: string) =>
  `sum by (pod) (rate(${tenant(`ccp_stat_database_${column}`)}[$__rate_interval]))`;

/** A PgBouncer pool metric of the chosen cluster, summed over its PgBouncer pods per database. */
const pools = (metric: string) =>
  `sum by (database) (${metric}{job="${PGBOUNCER_EXPORTER_JOB}", namespace="$namespace", pg_cluster="$cluster"})`;

/** The per-tenant dashboard. */
export function tenantDashboard(): GrafanaDashboard {
  return dashboard({
    uid: TENANT_DASHBOARD_UID,
    title: 'PostgreSQL tenant',
    description: "One tenant's PostgreSQL cluster, per instance, and its PgBouncer pools.",
    variables: [
      {
        name: 'namespace',
        label: 'Tenant namespace',
        query: `label_values(ccp_is_in_recovery_status{job="${EXPORTER_JOB}"}, namespace)`,
      },
      {
        name: 'cluster',
        label: 'Cluster',
        query: `label_values(ccp_is_in_recovery_status{job="${EXPORTER_JOB}", namespace="$namespace"}, pg_cluster)`,
      },
    ],
    rows: [
      [
        {
          title: 'Role',
          description: 'Each instance: primary (accepts writes) or replica (in recovery).',
          type: 'stat',
          queries: [{ expr: tenant('ccp_is_in_recovery_status'), legend: '{{pod}}', instant: true }],
          valueTexts: [
            { value: 1, text: 'replica', color: 'blue' },
            { value: 2, text: 'primary', color: 'green' },
          ],
        },
        {
          title: 'Exporter reachable',
          description:
            'up: Prometheus can scrape the exporter (1). 0 means the pod is gone or the network blocks the scrape.',
          type: 'stat',
          queries: [{ expr: tenant('up'), legend: '{{pod}}', instant: true }],
          valueTexts: [
            { value: 0, text: 'down', color: 'red' },
            { value: 1, text: 'up', color: 'green' },
          ],
        },
        {
          title: 'Uptime',
          description: 'Time since PostgreSQL last started on each instance: a restart resets it.',
          type: 'stat',
          unit: 's',
          queries: [{ expr: tenant('ccp_postmaster_uptime_seconds'), legend: '{{pod}}', instant: true }],
        },
      ],
      [
        {
          title: 'Transactions per second',
          description:
            'Commits and rollbacks per second on each instance, all databases (pg_stat_database). Replicas count read-only transactions.',
          type: 'timeseries',
          unit: 'ops',
          min: 0,
          queries: [
            { expr: perPod('xact_commit'), legend: '{{pod}} commits' },
            { expr: perPod('xact_rollback'), legend: '{{pod}} rollbacks' },
          ],
        },
        {
          title: 'Connections',
          description:
            'Server connections of each instance (PgBouncer holds most of the clients) against max_connections; near the limit new connections fail.',
          type: 'timeseries',
          min: 0,
          queries: [
            { expr: tenant('ccp_connection_stats_total'), legend: '{{pod}} total' },
            { expr: tenant('ccp_connection_stats_active'), legend: '{{pod}} active' },
            {
              expr: `max(${tenant('ccp_connection_stats_max_connections')})`,
              legend: 'max_connections',
            },
          ],
        },
      ],
      [
        {
          title: 'Replication lag (time)',
          description:
            'Seconds a replica has had WAL it received but not replayed; 0 on the primary and on a replica that is caught up.',
          type: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: tenant('ccp_replication_lag_replay_time'), legend: '{{pod}}' }],
        },
        {
          title: 'Replication lag (bytes)',
          description:
            'WAL the primary has sent that each replica has not replayed yet, as the primary sees it.',
          type: 'timeseries',
          unit: 'bytes',
          min: 0,
          queries: [{ expr: tenant('ccp_replication_lag_size_bytes'), legend: '{{pod}} → {{replica}}' }],
        },
      ],
      [
        {
          title: 'Cache hit ratio',
          description:
            'Share of block reads served from shared buffers, all databases. Below about 0.99 for an OLTP load the working set no longer fits in memory.',
          type: 'timeseries',
          unit: 'percentunit',
          max: 1,
          queries: [
            {
              expr: `${perPod('blks_hit')} / (${perPod('blks_hit')} + ${perPod('blks_read')})`,
              legend: '{{pod}}',
            },
          ],
        },
        {
          title: 'Data volume usage',
          description:
            'Used share of each instance’s data volume (/pgdata) and WAL volume (/pgwal, if any). The PostgresVolumeFull alert fires at its threshold; PostgreSQL stops when the volume is full.',
          type: 'timeseries',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [
            [0.8, 'orange'],
            [0.9, 'red'],
          ],
          queries: [
            {
              expr:
                `1 - ${tenant('ccp_nodemx_data_disk_available_bytes', 'mount_point=~"/pgdata|/pgwal"')}` +
                ` / ${tenant('ccp_nodemx_data_disk_total_bytes', 'mount_point=~"/pgdata|/pgwal"')}`,
              legend: '{{pod}} {{mount_point}}',
            },
          ],
        },
      ],
      [
        {
          title: 'Time since last backup',
          description:
            'Age of the newest completed backup of each type in each repository (pgBackRest info, refreshed every 10 minutes). A differential counts a newer full; an incremental counts any.',
          type: 'stat',
          unit: 's',
          queries: [
            {
              expr: `min by (repo) (${tenant('ccp_backrest_last_full_backup_time_since_completion_seconds')})`,
              legend: 'full, repo {{repo}}',
              instant: true,
            },
            {
              expr: `min by (repo) (${tenant('ccp_backrest_last_diff_backup_time_since_completion_seconds')})`,
              legend: 'full or diff, repo {{repo}}',
              instant: true,
            },
            {
              expr: `min by (repo) (${tenant('ccp_backrest_last_incr_backup_time_since_completion_seconds')})`,
              legend: 'any, repo {{repo}}',
              instant: true,
            },
          ],
        },
        {
          title: 'Backup errors',
          description:
            'Whether the newest backup of each type reported an error (1): pgBackRest completed it with errors, such as a changed or unreadable file. Check the backup job’s log.',
          type: 'stat',
          queries: [
            {
              expr: `max by (backup_type, repo) (${tenant('ccp_backrest_last_info_backup_error')})`,
              legend: '{{backup_type}}, repo {{repo}}',
              instant: true,
            },
          ],
          valueTexts: [
            { value: 0, text: 'no error', color: 'green' },
            { value: 1, text: 'error', color: 'red' },
          ],
        },
        {
          title: 'WAL archiving',
          description:
            'Seconds since the last WAL segment was archived, and how far the last failure is newer than it (0 while archiving works). Failing archiving fills the volume.',
          type: 'timeseries',
          unit: 's',
          min: 0,
          queries: [
            {
              expr: tenant('ccp_archive_command_status_seconds_since_last_archive'),
              legend: '{{pod}} since last archive',
            },
            {
              expr: tenant('ccp_archive_command_status_seconds_since_last_fail'),
              legend: '{{pod}} failing for',
            },
          ],
        },
      ],
      [
        {
          title: 'PgBouncer pools',
          description:
            'Per database, over all PgBouncer pods (SHOW POOLS): clients linked to a server connection, clients waiting for one, and server connections in use. Waiting clients mean every pooled connection is taken; the PgBouncerClientsWaiting alert fires when they stay.',
          type: 'timeseries',
          min: 0,
          queries: [
            {
              expr: pools('pgbouncer_pools_client_active_connections'),
              legend: '{{database}} clients active',
            },
            {
              expr: pools('pgbouncer_pools_client_waiting_connections'),
              legend: '{{database}} clients waiting',
            },
            {
              expr: pools('pgbouncer_pools_server_active_connections'),
              legend: '{{database}} servers active',
            },
          ],
        },
      ],
    ],
  });
}
