/**
 * The `monitoring` block of an environment: the thresholds of the PostgreSQL alerts
 * (k8s/monitoring/postgres-alerts.ts) and how Grafana keeps its state
 * (k8s/monitoring/grafana-chart.ts). Every field has a default, so the block is optional.
 */
import { z } from 'zod';
import { cronProblem } from './cron';
import { longestGapHours } from './cron-gaps';
import {
  alertmanagerSchema,
  DEFAULT_ALERTMANAGER,
  DEFAULT_PROMETHEUS,
  prometheusSchema,
} from './prometheus-schema';
import { parseQuantity } from './quantity';

/** Defaults of `monitoring.alerts`; README "Monitoring and alerting" explains each one. */
export const DEFAULT_ALERT_THRESHOLDS = {
  replicationLagSeconds: 300,
  replicationLagBytes: 1024 ** 3,
  connectionsPercent: 85,
  wraparoundPercent: 50,
  diskUsagePercent: 80,
  // The default schedules back up every 24 hours (full on Sunday, differential Monday to
  // Saturday, both at 01:00); 30 hours leaves a late or slow backup time to finish.
  backupMaxAgeHours: 30,
  restartsPerHour: 3,
  // PgBouncer pools in session mode here (k8s/postgres-parameters.ts): a waiting client waits
  // for another session to end, and PgBouncer drops it after query_wait_timeout (120 s by
  // default, pgbouncer doc/config.md). Any client still waiting after two minutes of scrapes
  // means the pool is full and clients are being turned away.
  pgBouncerClientsWaiting: 0,
} as const;

const percent = (description: string) =>
  z
    .number()
    .int()
    .min(1, { message: 'expected a whole percentage from 1 to 99' })
    .max(99, { message: 'expected a whole percentage from 1 to 99' })
    .meta({ description });

/** Thresholds of the PostgreSQL alerts. */
export const alertThresholdsSchema = z.strictObject({
  replicationLagSeconds: z
    .number()
    .int()
    .min(10, { message: 'expected whole seconds from 10 to 86400' })
    .max(86400, { message: 'expected whole seconds from 10 to 86400' })
    .default(DEFAULT_ALERT_THRESHOLDS.replicationLagSeconds)
    .meta({
      description: 'A replica this many seconds behind in replaying WAL it received raises an alert.',
    }),
  replicationLagBytes: z
    .number()
    .int()
    .min(1024 ** 2, { message: 'expected bytes from 1048576 (1 MiB) to 1099511627776 (1 TiB)' })
    .max(1024 ** 4, { message: 'expected bytes from 1048576 (1 MiB) to 1099511627776 (1 TiB)' })
    .default(DEFAULT_ALERT_THRESHOLDS.replicationLagBytes)
    .meta({ description: 'A replica this many bytes of WAL behind the primary raises an alert.' }),
  connectionsPercent: percent('Connections above this share of max_connections raise an alert.').default(
    DEFAULT_ALERT_THRESHOLDS.connectionsPercent,
  ),
  wraparoundPercent: percent(
    'The oldest transaction ID this far (percent) towards wraparound raises an alert (pgMonitor suggests 50).',
  ).default(DEFAULT_ALERT_THRESHOLDS.wraparoundPercent),
  diskUsagePercent: percent('A PostgreSQL volume fuller than this raises an alert.').default(
    DEFAULT_ALERT_THRESHOLDS.diskUsagePercent,
  ),
  backupMaxAgeHours: z
    .number()
    .int()
    .min(2, { message: 'expected whole hours from 2 to 2232 (93 days)' })
    .max(2232, { message: 'expected whole hours from 2 to 2232 (93 days)' })
    .default(DEFAULT_ALERT_THRESHOLDS.backupMaxAgeHours)
    .meta({
      description:
        "A cluster whose last successful backup is older than this raises an alert; make it longer than the longest gap between a tenant's scheduled backups.",
    }),
  restartsPerHour: z
    .number()
    .int()
    .min(1, { message: 'expected a whole number from 1 to 100' })
    .max(100, { message: 'expected a whole number from 1 to 100' })
    .default(DEFAULT_ALERT_THRESHOLDS.restartsPerHour)
    .meta({ description: 'A container restarting this often within an hour raises an alert.' }),
  pgBouncerClientsWaiting: z
    .number()
    .int()
    .min(0, { message: 'expected a whole number of clients from 0 to 10000' })
    .max(10000, { message: 'expected a whole number of clients from 0 to 10000' })
    .default(DEFAULT_ALERT_THRESHOLDS.pgBouncerClientsWaiting)
    .meta({
      description:
        "More clients than this waiting for a server connection in a cluster's PgBouncer pools for 2 minutes raises an alert.",
    }),
});

/**
 * Defaults of `monitoring.grafana`. Stateless by default: the datasource, the dashboards and
 * the admin user are provisioned on every start, so a new pod loses nothing the platform
 * defines, and without a volume Grafana is not tied to one zone's EBS volume and rolls
 * without downtime (README, Monitoring and alerting).
 */
export const DEFAULT_GRAFANA = { persistence: { enabled: false, size: '5Gi' } } as const;

const GRAFANA_VOLUME_SIZES = 'expected a size from 1Gi to 100Gi, such as 5Gi';

/** How Grafana keeps its state. */
export const grafanaSchema = z.strictObject({
  persistence: z
    .strictObject({
      enabled: z.boolean().default(DEFAULT_GRAFANA.persistence.enabled).meta({
        description:
          'Keep Grafana’s database (users, dashboards made in the UI, preferences) on a volume. Off: every start begins from what is provisioned.',
      }),
      size: z
        .string()
        .refine(
          (size) => {
            const bytes = parseQuantity(size);
            return bytes !== undefined && bytes >= 2 ** 30 && bytes <= 100 * 2 ** 30;
          },
          { message: GRAFANA_VOLUME_SIZES },
        )
        .default(DEFAULT_GRAFANA.persistence.size)
        .meta({ description: 'Size of the volume when persistence is enabled.' }),
    })
    .default({ ...DEFAULT_GRAFANA.persistence })
    .meta({ description: 'Grafana’s volume: an encrypted gp3 claim, or none (stateless).' }),
});

/** Validated Grafana settings, defaults applied. */
export type GrafanaSettings = z.output<typeof grafanaSchema>;

/** The `monitoring` block. */
export const monitoringSchema = z
  .strictObject({
    alerts: alertThresholdsSchema.default({ ...DEFAULT_ALERT_THRESHOLDS }).meta({
      description: 'Thresholds of the PostgreSQL alerts (README, Monitoring and alerting).',
    }),
    prometheus: prometheusSchema,
    alertmanager: alertmanagerSchema,
    grafana: grafanaSchema
      .default({ persistence: { ...DEFAULT_GRAFANA.persistence } })
      .meta({ description: 'Grafana (README, Monitoring and alerting).' }),
  })
  .default({
    alerts: { ...DEFAULT_ALERT_THRESHOLDS },
    prometheus: { ...DEFAULT_PROMETHEUS, resources: { ...DEFAULT_PROMETHEUS.resources } },
    alertmanager: {
      replicas: DEFAULT_ALERTMANAGER.replicas,
      resources: { ...DEFAULT_ALERTMANAGER.resources },
      receiver: { ...DEFAULT_ALERTMANAGER.receiver },
    },
    grafana: { persistence: { ...DEFAULT_GRAFANA.persistence } },
  })
  .meta({
    description: 'Monitoring of the environment: alert thresholds, Prometheus, Alertmanager and Grafana.',
  });

/** Validated alert thresholds, defaults applied. */
export type AlertThresholds = z.output<typeof alertThresholdsSchema>;

/** The parts of a possibly invalid configuration {@link checkBackupAlertAge} reads. */
interface BackupAlertInputs {
  readonly monitoring?: { readonly alerts?: { readonly backupMaxAgeHours?: unknown } };
  readonly tenants?: readonly (
    | { readonly backups?: { readonly fullSchedule?: unknown; readonly differentialSchedule?: unknown } }
    | undefined
  )[];
}

/**
 * `monitoring.alerts.backupMaxAgeHours` must exceed the longest gap between a tenant's
 * scheduled backups, or the backup alert fires between two backups that both succeed.
 * Schedules that are not valid cron are left to their own check.
 */
export function checkBackupAlertAge(config: BackupAlertInputs, ctx: z.RefinementCtx): void {
  const hours = config.monitoring?.alerts?.backupMaxAgeHours ?? DEFAULT_ALERT_THRESHOLDS.backupMaxAgeHours;
  if (typeof hours !== 'number' || !alertThresholdsSchema.shape.backupMaxAgeHours.safeParse(hours).success) {
    return;
  }
  (Array.isArray(config.tenants) ? config.tenants : []).forEach((tenant, index) => {
    const backups = tenant?.backups ?? {};
    // The schema has applied the tenant's default schedules by now.
    const schedules = [backups.fullSchedule, backups.differentialSchedule];
    if (schedules.some((schedule) => typeof schedule !== 'string' || cronProblem(schedule))) {
      return;
    }
    const gap = longestGapHours(schedules as string[]);
    if (hours <= gap) {
      ctx.addIssue({
        code: 'custom',
        path: ['monitoring', 'alerts', 'backupMaxAgeHours'],
        message: `expected more than ${gap} hours, the longest gap between the scheduled backups of tenants[${index}]`,
      });
    }
  });
}
