/**
 * Every metric the alert rules and the Grafana dashboards may use, with where it comes from:
 * the one list a test checks the rules and dashboards against, so a misspelt or invented
 * metric name fails a test instead of an alert that never fires or an empty panel.
 *
 * pgMonitor metrics are `<query>_<column>` of the queries PGO loads into the exporter
 * (PGO internal/pgmonitor/exporter.go GenerateDefaultExporterQueries: queries_backrest,
 * queries_global, queries_global_dbsize, queries_per_db, queries_nodemx and the version's
 * queries_general of CrunchyData/pgmonitor postgres_exporter/; the metric list in pgmonitor's
 * exporter documentation).
 *
 * PgBouncer metrics come from the pgbouncer_exporter sidecar (k8s/pgbouncer-exporter.ts):
 * `pgbouncer_<SHOW command>_<mapped column>`, labelled with the pool's `database` and `user`
 * (prometheus-community/pgbouncer_exporter collector.go metricMaps; its README's metric table).
 */

/** Who produces a metric. */
export type MetricSource =
  | 'prometheus scrape'
  | 'postgres_exporter'
  | 'pgmonitor queries_global.yml'
  | 'pgmonitor queries_global_dbsize.yml'
  | 'pgmonitor queries_nodemx.yml'
  | 'pgmonitor queries_backrest.yml'
  | 'pgbouncer_exporter'
  | 'kube-state-metrics'
  | 'kubelet';

/** Metric name → its source. */
export const KNOWN_METRICS: Readonly<Record<string, MetricSource>> = {
  // Set by Prometheus on every target it scrapes.
  up: 'prometheus scrape',
  // postgres_exporter's own gauge: 0 when it cannot connect to PostgreSQL
  // (prometheus-community/postgres_exporter cmd/postgres_exporter/postgres_exporter.go psqlUp).
  pg_up: 'postgres_exporter',
  ccp_is_in_recovery_status: 'pgmonitor queries_global.yml',
  ccp_replication_lag_replay_time: 'pgmonitor queries_global.yml',
  ccp_replication_lag_received_time: 'pgmonitor queries_global.yml',
  ccp_replication_lag_size_bytes: 'pgmonitor queries_global.yml',
  ccp_connection_stats_total: 'pgmonitor queries_global.yml',
  ccp_connection_stats_max_connections: 'pgmonitor queries_global.yml',
  ccp_connection_stats_active: 'pgmonitor queries_global.yml',
  ccp_postmaster_uptime_seconds: 'pgmonitor queries_global.yml',
  // ccp_stat_database: columns of pg_stat_database per database (label dbname). pgMonitor
  // declares them GAUGE, but they only grow until a stats reset, so rate() reads them.
  ccp_stat_database_xact_commit: 'pgmonitor queries_global.yml',
  ccp_stat_database_xact_rollback: 'pgmonitor queries_global.yml',
  ccp_stat_database_blks_hit: 'pgmonitor queries_global.yml',
  ccp_stat_database_blks_read: 'pgmonitor queries_global.yml',
  ccp_database_size_bytes: 'pgmonitor queries_global_dbsize.yml',
  // The file systems of /pgdata, /pgwal and tablespaces, read through pgnodemx, which PGO
  // preloads and creates whenever the exporter is on (PGO internal/pgmonitor/postgres.go).
  ccp_nodemx_data_disk_total_bytes: 'pgmonitor queries_nodemx.yml',
  ccp_nodemx_data_disk_available_bytes: 'pgmonitor queries_nodemx.yml',
  ccp_transaction_wraparound_percent_towards_wraparound: 'pgmonitor queries_global.yml',
  ccp_transaction_wraparound_percent_towards_emergency_autovac: 'pgmonitor queries_global.yml',
  ccp_archive_command_status_seconds_since_last_fail: 'pgmonitor queries_global.yml',
  ccp_archive_command_status_seconds_since_last_archive: 'pgmonitor queries_global.yml',
  ccp_backrest_last_full_backup_time_since_completion_seconds: 'pgmonitor queries_backrest.yml',
  ccp_backrest_last_diff_backup_time_since_completion_seconds: 'pgmonitor queries_backrest.yml',
  ccp_backrest_last_incr_backup_time_since_completion_seconds: 'pgmonitor queries_backrest.yml',
  ccp_backrest_last_info_backup_error: 'pgmonitor queries_backrest.yml',
  // 0 when the exporter cannot query PgBouncer's console (collector.go `up`).
  pgbouncer_up: 'pgbouncer_exporter',
  // SHOW POOLS columns cl_active, cl_waiting, sv_active, sv_idle and maxwait (collector.go).
  pgbouncer_pools_client_active_connections: 'pgbouncer_exporter',
  pgbouncer_pools_client_waiting_connections: 'pgbouncer_exporter',
  pgbouncer_pools_server_active_connections: 'pgbouncer_exporter',
  pgbouncer_pools_server_idle_connections: 'pgbouncer_exporter',
  pgbouncer_pools_client_maxwait_seconds: 'pgbouncer_exporter',
  // kubernetes/kube-state-metrics docs/metrics/workload/pod-metrics.md
  kube_pod_container_status_last_terminated_reason: 'kube-state-metrics',
  kube_pod_container_status_restarts_total: 'kube-state-metrics',
  // The kubelet's volume stats (kubernetes pkg/kubelet/metrics/collectors/volume_stats.go).
  kubelet_volume_stats_used_bytes: 'kubelet',
  kubelet_volume_stats_capacity_bytes: 'kubelet',
};

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/**
 * The metric names a PromQL expression selects: identifiers followed by a label matcher,
 * which is how every rule here writes a selector. Functions and keywords are not metrics.
 */
export function metricsOf(expr: string): string[] {
  const names = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((match) => match[1]);
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name)))];
}
