/**
 * The PostgreSQL alerts of an environment, as PrometheusRule groups.
 *
 * Metric names are the ones the exporter PGO v6 runs really produces: postgres_exporter names
 * each custom-query metric `<query>_<column>`, and PGO loads pgMonitor's queries_global.yml,
 * queries_general.yml and queries_backrest.yml (PGO internal/pgmonitor/exporter.go
 * `GenerateDefaultExporterQueries`; CrunchyData/pgmonitor postgres_exporter/common/*.yml and
 * postgres_exporter/linux/queries_backrest.yml; the metric list in pgmonitor's
 * docs/exporter). Pod and volume metrics come from kube-state-metrics and the kubelet.
 * README "Monitoring and alerting" says what each alert means and what to do.
 */
import { EXPORTER_JOB, PGBOUNCER_EXPORTER_JOB, TENANT_NAMESPACE_REGEX } from './labels';
import type { AlertThresholds } from '../../lib/config/monitoring-schema';

/** One alerting rule (Prometheus rule file format, `Rule` of prometheus-operator's CRD). */
export interface AlertRule {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression; every series it returns is an alert. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires. */
  readonly for?: string;
  /** Labels added to the alert: `severity` routes it. */
  readonly labels: { readonly severity: 'critical' | 'warning' };
  /** `summary` and `description`; templates use `{{ $labels.<name> }}` only. */
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** A named group of rules, evaluated together. */
export interface RuleGroup {
  /** Group name. */
  readonly name: string;
  /** The rules. */
  readonly rules: AlertRule[];
}

/** Selects the exporter's series of one metric. */
const exporter = (metric: string) => `${metric}{job="${EXPORTER_JOB}"}`;
/** Selects the PgBouncer exporter's series of one metric (k8s/pgbouncer-exporter.ts). */
const pgBouncer = (metric: string) => `${metric}{job="${PGBOUNCER_EXPORTER_JOB}"}`;
/** Selects a kube-state-metrics or kubelet metric in tenant namespaces. */
const tenants = (metric: string, matchers = '') =>
  `${metric}{namespace=~"${TENANT_NAMESPACE_REGEX}"${matchers ? `, ${matchers}` : ''}}`;

const INSTANCE = '{{ $labels.namespace }}/{{ $labels.pod }}';
const CLUSTER = 'cluster {{ $labels.pg_cluster }} ({{ $labels.namespace }})';

/** The alert rules, with the environment's thresholds. */
export function postgresAlertRules(thresholds: AlertThresholds): RuleGroup[] {
  const t = thresholds;
  return [
    {
      name: 'postgresql',
      rules: [
        {
          alert: 'PostgresInstanceDown',
          // up: the exporter cannot be scraped (pod gone, container crashed, network). pg_up:
          // postgres_exporter answers but cannot reach PostgreSQL.
          expr: `${exporter('up')} == 0 or ${exporter('pg_up')} == 0`,
          for: '2m',
          labels: { severity: 'critical' },
          annotations: {
            summary: `PostgreSQL instance ${INSTANCE} is down`,
            description: `The exporter of ${INSTANCE} cannot be scraped or cannot reach PostgreSQL.`,
          },
        },
        {
          alert: 'PostgresNoPrimary',
          // ccp_is_in_recovery_status is 1 on a replica and 2 on a primary (queries_global.yml).
          expr: `max by (namespace, pg_cluster) (${exporter('ccp_is_in_recovery_status')}) < 2`,
          for: '1m',
          labels: { severity: 'critical' },
          annotations: {
            summary: `${CLUSTER} has no primary`,
            description: `Every reachable instance of ${CLUSTER} is in recovery: writes fail.`,
          },
        },
        {
          alert: 'PostgresFailover',
          // The instance is a primary now and was not at some point in the last 10 minutes.
          expr: `${exporter('ccp_is_in_recovery_status')} == 2 and changes(${exporter('ccp_is_in_recovery_status')}[10m]) > 0`,
          labels: { severity: 'warning' },
          annotations: {
            summary: `${INSTANCE} was promoted to primary`,
            description: `Patroni failed over or switched over ${CLUSTER} to ${INSTANCE} in the last 10 minutes.`,
          },
        },
        {
          alert: 'PostgresReplicationLagTime',
          // Seconds since the replica last replayed WAL while it has received WAL it has not
          // replayed; 0 on a primary and on a replica that is caught up (ccp_replication_lag).
          expr: `${exporter('ccp_replication_lag_replay_time')} > ${t.replicationLagSeconds}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `Replica ${INSTANCE} is more than ${t.replicationLagSeconds}s behind`,
            description: `${INSTANCE} has WAL it received but has not replayed for over ${t.replicationLagSeconds} seconds; read-only clients see old data.`,
          },
        },
        {
          alert: 'PostgresReplicationLagBytes',
          // Reported by the primary for each attached replica (label `replica`).
          expr: `${exporter('ccp_replication_lag_size_bytes')} > ${t.replicationLagBytes}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `A replica of ${CLUSTER} is more than ${t.replicationLagBytes} bytes behind`,
            description: `Replica {{ $labels.replica }} of ${CLUSTER} lags the primary ${INSTANCE} by more than ${t.replicationLagBytes} bytes of WAL.`,
          },
        },
        {
          alert: 'PostgresConnectionsNearMax',
          expr: `100 * ${exporter('ccp_connection_stats_total')} / ${exporter('ccp_connection_stats_max_connections')} > ${t.connectionsPercent}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `${INSTANCE} uses over ${t.connectionsPercent}% of max_connections`,
            description: `New connections to ${INSTANCE} will soon be refused (FATAL: sorry, too many clients already).`,
          },
        },
        {
          alert: 'PgBouncerClientsWaiting',
          // cl_waiting of SHOW POOLS, summed over the cluster's PgBouncer pods per database.
          // `for` equals PgBouncer's default query_wait_timeout (120 s): by then waiting
          // clients are being disconnected.
          expr: `sum by (namespace, pg_cluster, database) (${pgBouncer('pgbouncer_pools_client_waiting_connections')}) > ${t.pgBouncerClientsWaiting}`,
          for: '2m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `Clients wait for a server connection to database {{ $labels.database }} of ${CLUSTER}`,
            description: `More than ${t.pgBouncerClientsWaiting} clients of ${CLUSTER} have waited in PgBouncer for 2 minutes: every pooled server connection is taken, and clients that wait past query_wait_timeout are disconnected.`,
          },
        },
        {
          alert: 'PostgresTransactionIdWraparound',
          expr: `${exporter('ccp_transaction_wraparound_percent_towards_wraparound')} > ${t.wraparoundPercent}`,
          for: '5m',
          labels: { severity: 'critical' },
          annotations: {
            summary: `${INSTANCE} is over ${t.wraparoundPercent}% towards transaction ID wraparound`,
            description: `Autovacuum is not freezing old rows of ${INSTANCE} fast enough; at 100% PostgreSQL stops accepting writes.`,
          },
        },
        {
          alert: 'PostgresVolumeFull',
          // PGO names an instance's data volume claim <instance>-pgdata and a WAL volume
          // claim <instance>-pgwal (internal/naming/names.go InstancePostgresDataVolume, ...WALVolume).
          expr:
            `100 * ${tenants('kubelet_volume_stats_used_bytes', 'persistentvolumeclaim=~".+-(pgdata|pgwal)"')}` +
            ` / ${tenants('kubelet_volume_stats_capacity_bytes', 'persistentvolumeclaim=~".+-(pgdata|pgwal)"')}` +
            ` > ${t.diskUsagePercent}`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is over ${t.diskUsagePercent}% full`,
            description: `When the volume is full PostgreSQL stops; grow the tenant's storage before it is.`,
          },
        },
        {
          alert: 'PostgresWalArchivingFailing',
          // Seconds from the last successful archive to the last failure when the failure is
          // newer, 0 while archiving succeeds (ccp_archive_command_status).
          expr: `${exporter('ccp_archive_command_status_seconds_since_last_fail')} > 0`,
          for: '5m',
          labels: { severity: 'critical' },
          annotations: {
            summary: `WAL archiving of ${INSTANCE} is failing`,
            description: `pgBackRest cannot push WAL of ${CLUSTER} to the repository: WAL piles up on the volume until it is full, and point-in-time recovery has a gap.`,
          },
        },
        {
          alert: 'PostgresBackupTooOld',
          // Any backup type counts: the incremental figure includes full and differential
          // backups (queries_backrest.yml). Every instance reports the same repository.
          expr: `min by (namespace, pg_cluster, repo) (${exporter('ccp_backrest_last_incr_backup_time_since_completion_seconds')}) > ${t.backupMaxAgeHours * 3600}`,
          for: '15m',
          labels: { severity: 'critical' },
          annotations: {
            summary: `The last backup of ${CLUSTER} is over ${t.backupMaxAgeHours} hours old`,
            description: `No backup of ${CLUSTER} to repository {{ $labels.repo }} completed in ${t.backupMaxAgeHours} hours: scheduled backups are failing.`,
          },
        },
        {
          alert: 'PostgresPodOOMKilled',
          // The last termination was an OOM kill and the container restarted recently, so the
          // alert ends once the container runs again for a while.
          expr:
            `${tenants('kube_pod_container_status_last_terminated_reason', 'reason="OOMKilled"')} == 1` +
            ` and on (namespace, pod, container) increase(${tenants('kube_pod_container_status_restarts_total')}[15m]) > 0`,
          labels: { severity: 'warning' },
          annotations: {
            summary: `Container {{ $labels.container }} of ${INSTANCE} was OOM-killed`,
            description: `The container of ${INSTANCE} used more memory than its limit and was killed.`,
          },
        },
        {
          alert: 'PostgresPodRestarting',
          expr: `increase(${tenants('kube_pod_container_status_restarts_total')}[1h]) >= ${t.restartsPerHour}`,
          labels: { severity: 'warning' },
          annotations: {
            summary: `Container {{ $labels.container }} of ${INSTANCE} restarts often`,
            description: `The container restarted ${t.restartsPerHour} or more times in the last hour.`,
          },
        },
      ],
    },
  ];
}
