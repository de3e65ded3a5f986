/**
 * A typed PodMonitor (prometheus-operator, `monitoring.coreos.com/v1`) for the pgMonitor
 * exporter PGO runs beside PostgreSQL in every instance pod. Checked against the real CRD by
 * the conformance tests.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EXPORTER_JOB, PLATFORM_MONITORING_LABELS } from './labels';

/**
 * Label PGO sets on every pod that runs the exporter (PGO internal/naming/labels.go
 * `LabelPGMonitorDiscovery`, set in internal/controller/postgrescluster/pgmonitor.go
 * `addPGMonitorExporterToInstancePodSpec`).
 */
export const EXPORTER_DISCOVERY_LABEL = {
  'postgres-operator.crunchydata.com/crunchy-postgres-exporter': 'true',
};

/**
 * Name of the exporter's container port, 9187 (PGO internal/naming/names.go `PortExporter`,
 * internal/pgmonitor/exporter.go `ExporterPort`).
 */
export const EXPORTER_PORT_NAME = 'exporter';

/** How often Prometheus scrapes an exporter unless a PodMonitor says otherwise. */
export const DEFAULT_SCRAPE_INTERVAL = '30s';

/** Properties of {@link PostgresExporterMonitor}. */
export interface PostgresExporterMonitorProps {
  /** Namespace of the tenant; the PodMonitor selects pods in its own namespace only. */
  readonly namespace: string;
  /** Name of the PostgresCluster whose instance pods are scraped. */
  readonly clusterName: string;
  /**
   * How often Prometheus scrapes the exporter.
   * @default '30s'
   */
  readonly interval?: string;
}

/**
 * Scrapes the exporter of each instance of one PostgresCluster. PgBouncer has no scrape
 * target: with the pgMonitor exporter PGO v6 exposes no PgBouncer metrics (the `pgbouncer`
 * queries are a TODO in internal/pgmonitor/exporter.go, and the PgBouncer pod has no metrics
 * port), so README explains the gap.
 */
export class PostgresExporterMonitor extends ApiObject {
  constructor(scope: Construct, id: string, props: PostgresExporterMonitorProps) {
    super(scope, id, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: EXPORTER_JOB, namespace: props.namespace, labels: { ...PLATFORM_MONITORING_LABELS } },
      spec: {
        selector: {
          matchLabels: {
            'postgres-operator.crunchydata.com/cluster': props.clusterName,
            ...EXPORTER_DISCOVERY_LABEL,
          },
        },
        podMetricsEndpoints: [
          {
            port: EXPORTER_PORT_NAME,
            scheme: 'http',
            interval: props.interval ?? DEFAULT_SCRAPE_INTERVAL,
            relabelings: [
              // The alert rules group by cluster; pgMonitor's own Prometheus configuration
              // names this label pg_cluster too.
              {
                sourceLabels: ['__meta_kubernetes_pod_label_postgres_operator_crunchydata_com_cluster'],
                targetLabel: 'pg_cluster',
              },
              { targetLabel: 'job', replacement: EXPORTER_JOB },
            ],
          },
        ],
      },
    });
  }
}
