/**
 * promtool unit-test cases of the PostgreSQL alerts, with the default thresholds: for every
 * alert, series that fire it and series that do not. Labels are the ones the real scrape
 * gives: the PodMonitor's target labels (namespace, pod, container, instance, job, pg_cluster),
 * the exporter's query labels (pgMonitor queries_*.yml), kube-state-metrics' and the kubelet's.
 */

/** One promtool `input_series` entry. */
export interface InputSeries {
  /** Metric with its labels, PromQL selector syntax. */
  readonly series: string;
  /** Expanding notation, one sample per minute: `1 0x5`, `0+60x30`. */
  readonly values: string;
}

/** One test of one alert. */
export interface AlertCase {
  /** What the series describe. */
  readonly name: string;
  /** The alert under test. */
  readonly alert: string;
  readonly inputSeries: InputSeries[];
  /** When promtool evaluates, as a duration from the first sample. */
  readonly evalTime: string;
  /** Labels of each expected alert without `alertname` and `severity`; empty when none must fire. */
  readonly firing: Record<string, string>[];
}

const target = {
  job: 'postgres-exporter',
  namespace: 'tenant-orders',
  pod: 'orders-pg-abcd-0',
  container: 'exporter',
  instance: '10.40.10.11:9187',
  pg_cluster: 'orders',
};
const replicaTarget = { ...target, pod: 'orders-pg-efgh-0', instance: '10.40.10.12:9187' };
const kube = { namespace: 'tenant-orders', pod: 'orders-pg-abcd-0', container: 'database' };
const stateMetrics = { ...kube, job: 'kube-state-metrics' };
const pvc = { namespace: 'tenant-orders', persistentvolumeclaim: 'orders-pg-abcd-pgdata', job: 'kubelet' };

/** `metric{a="1", b="2"}` */
function s(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

const up = (values: string, pgUp: string): InputSeries[] => [
  { series: s('up', target), values },
  { series: s('pg_up', target), values: pgUp },
];
const recovery = (primary: string, replica: string): InputSeries[] => [
  { series: s('ccp_is_in_recovery_status', target), values: primary },
  { series: s('ccp_is_in_recovery_status', replicaTarget), values: replica },
];
const volume = (labels: Record<string, string>, used: string): InputSeries[] => [
  { series: s('kubelet_volume_stats_used_bytes', labels), values: used },
  { series: s('kubelet_volume_stats_capacity_bytes', labels), values: '100x10' },
];
const backup = { ...target, stanza: 'db', repo: '1', config_file: '/etc/pgbackrest/pgbackrest.conf' };
const oom = { ...stateMetrics, reason: 'OOMKilled' };
/** A pool of the PgBouncer exporter (collector.go labels each pool by database and user). */
const pool = (pod: string, ip: string) => ({
  job: 'pgbouncer-exporter',
  namespace: 'tenant-orders',
  pod,
  container: 'pgbouncer-exporter',
  instance: `${ip}:9127`,
  pg_cluster: 'orders',
  database: 'app',
  user: 'app_user',
});
const waiting = (first: string, second: string): InputSeries[] => [
  {
    series: s('pgbouncer_pools_client_waiting_connections', pool('orders-pgbouncer-a', '10.40.10.21')),
    values: first,
  },
  {
    series: s('pgbouncer_pools_client_waiting_connections', pool('orders-pgbouncer-b', '10.40.10.22')),
    values: second,
  },
];

export const ALERT_CASES: AlertCase[] = [
  {
    name: 'the exporter stops answering',
    alert: 'PostgresInstanceDown',
    inputSeries: up('1 0x5', '1x5'),
    evalTime: '5m',
    firing: [target],
  },
  {
    name: 'the exporter answers but PostgreSQL does not',
    alert: 'PostgresInstanceDown',
    inputSeries: up('1x5', '1 0x5'),
    evalTime: '5m',
    firing: [target],
  },
  {
    name: 'a one-minute scrape failure',
    alert: 'PostgresInstanceDown',
    inputSeries: up('1 1 1 0 1 1', '1x5'),
    evalTime: '5m',
    firing: [],
  },
  {
    name: 'every instance is in recovery',
    alert: 'PostgresNoPrimary',
    inputSeries: recovery('1x5', '1x5'),
    evalTime: '5m',
    firing: [{ namespace: 'tenant-orders', pg_cluster: 'orders' }],
  },
  {
    name: 'one primary, one replica',
    alert: 'PostgresNoPrimary',
    inputSeries: recovery('2x5', '1x5'),
    evalTime: '5m',
    firing: [],
  },
  {
    name: 'the replica was promoted three minutes ago',
    alert: 'PostgresFailover',
    inputSeries: recovery('2 2 2 1 1 1', '1 1 1 2 2 2'),
    evalTime: '5m',
    firing: [replicaTarget],
  },
  {
    name: 'the same primary for 20 minutes',
    alert: 'PostgresFailover',
    inputSeries: recovery('2x20', '1x20'),
    evalTime: '20m',
    firing: [],
  },
  {
    name: 'a replica 400 s behind for 10 minutes',
    alert: 'PostgresReplicationLagTime',
    inputSeries: [{ series: s('ccp_replication_lag_replay_time', replicaTarget), values: '400x10' }],
    evalTime: '10m',
    firing: [replicaTarget],
  },
  {
    name: 'a replica 100 s behind',
    alert: 'PostgresReplicationLagTime',
    inputSeries: [{ series: s('ccp_replication_lag_replay_time', replicaTarget), values: '100x10' }],
    evalTime: '10m',
    firing: [],
  },
  {
    name: 'a replica 2 GB behind for 10 minutes',
    alert: 'PostgresReplicationLagBytes',
    inputSeries: [
      {
        series: s('ccp_replication_lag_size_bytes', { ...target, replica: '10.40.10.12' }),
        values: '2000000000x10',
      },
    ],
    evalTime: '10m',
    firing: [{ ...target, replica: '10.40.10.12' }],
  },
  {
    name: 'a replica 1 MB behind',
    alert: 'PostgresReplicationLagBytes',
    inputSeries: [
      {
        series: s('ccp_replication_lag_size_bytes', { ...target, replica: '10.40.10.12' }),
        values: '1000000x10',
      },
    ],
    evalTime: '10m',
    firing: [],
  },
  {
    name: '90 of 100 connections for 10 minutes',
    alert: 'PostgresConnectionsNearMax',
    inputSeries: [
      { series: s('ccp_connection_stats_total', target), values: '90x10' },
      { series: s('ccp_connection_stats_max_connections', target), values: '100x10' },
    ],
    evalTime: '10m',
    firing: [target],
  },
  {
    name: '50 of 100 connections',
    alert: 'PostgresConnectionsNearMax',
    inputSeries: [
      { series: s('ccp_connection_stats_total', target), values: '50x10' },
      { series: s('ccp_connection_stats_max_connections', target), values: '100x10' },
    ],
    evalTime: '10m',
    firing: [],
  },
  {
    name: '60% towards wraparound',
    alert: 'PostgresTransactionIdWraparound',
    inputSeries: [
      { series: s('ccp_transaction_wraparound_percent_towards_wraparound', target), values: '60x10' },
    ],
    evalTime: '10m',
    firing: [target],
  },
  {
    name: '10% towards wraparound',
    alert: 'PostgresTransactionIdWraparound',
    inputSeries: [
      { series: s('ccp_transaction_wraparound_percent_towards_wraparound', target), values: '10x10' },
    ],
    evalTime: '10m',
    firing: [],
  },
  {
    name: 'a data volume 90% full',
    alert: 'PostgresVolumeFull',
    inputSeries: volume(pvc, '90x10'),
    evalTime: '10m',
    firing: [pvc],
  },
  {
    name: 'a data volume half full, and a full volume that is not a tenant database',
    alert: 'PostgresVolumeFull',
    inputSeries: [
      ...volume(pvc, '50x10'),
      ...volume({ namespace: 'monitoring', persistentvolumeclaim: 'prometheus-db', job: 'kubelet' }, '95x10'),
    ],
    evalTime: '10m',
    firing: [],
  },
  {
    name: 'archive_command failing since minute 2',
    alert: 'PostgresWalArchivingFailing',
    inputSeries: [
      { series: s('ccp_archive_command_status_seconds_since_last_fail', target), values: '0 0 60+60x8' },
    ],
    evalTime: '10m',
    firing: [target],
  },
  {
    name: 'archive_command succeeding',
    alert: 'PostgresWalArchivingFailing',
    inputSeries: [
      { series: s('ccp_archive_command_status_seconds_since_last_fail', target), values: '0x10' },
    ],
    evalTime: '10m',
    firing: [],
  },
  {
    name: 'the last backup finished 31 hours ago',
    alert: 'PostgresBackupTooOld',
    inputSeries: [
      {
        series: s('ccp_backrest_last_incr_backup_time_since_completion_seconds', backup),
        values: '111600+60x30',
      },
    ],
    evalTime: '20m',
    firing: [{ namespace: 'tenant-orders', pg_cluster: 'orders', repo: '1' }],
  },
  {
    name: 'the last backup finished an hour ago',
    alert: 'PostgresBackupTooOld',
    inputSeries: [
      {
        series: s('ccp_backrest_last_incr_backup_time_since_completion_seconds', backup),
        values: '3600+60x30',
      },
    ],
    evalTime: '20m',
    firing: [],
  },
  {
    name: 'an OOM kill and a restart two minutes ago',
    alert: 'PostgresPodOOMKilled',
    inputSeries: [
      { series: s('kube_pod_container_status_last_terminated_reason', oom), values: '0 0 0 1x7' },
      { series: s('kube_pod_container_status_restarts_total', stateMetrics), values: '0 0 0 1x7' },
    ],
    evalTime: '5m',
    firing: [oom],
  },
  {
    name: 'an OOM kill an hour ago, running since',
    alert: 'PostgresPodOOMKilled',
    inputSeries: [
      { series: s('kube_pod_container_status_last_terminated_reason', oom), values: '1x60' },
      { series: s('kube_pod_container_status_restarts_total', stateMetrics), values: '1x60' },
    ],
    evalTime: '60m',
    firing: [],
  },
  {
    name: 'a restart every ten minutes',
    alert: 'PostgresPodRestarting',
    inputSeries: [
      { series: s('kube_pod_container_status_restarts_total', stateMetrics), values: '0+0.1x60' },
    ],
    evalTime: '60m',
    firing: [stateMetrics],
  },
  {
    name: 'one restart in an hour',
    alert: 'PostgresPodRestarting',
    inputSeries: [
      { series: s('kube_pod_container_status_restarts_total', stateMetrics), values: '0x30 1x30' },
    ],
    evalTime: '60m',
    firing: [],
  },
  {
    name: 'clients keep waiting in one PgBouncer pod for five minutes',
    alert: 'PgBouncerClientsWaiting',
    inputSeries: waiting('0 3x5', '0x5'),
    evalTime: '5m',
    firing: [{ namespace: 'tenant-orders', pg_cluster: 'orders', database: 'app' }],
  },
  {
    name: 'clients wait briefly now and then, as a full pool frees up',
    alert: 'PgBouncerClientsWaiting',
    inputSeries: waiting('0 2 0 0 1 0', '0 0 1 0 0 0'),
    evalTime: '5m',
    firing: [],
  },
];
