/**
 * Typed PodMonitors (prometheus-operator, `monitoring.coreos.com/v1`) for the pgMonitor
 * exporter PGO runs beside PostgreSQL in every instance pod, and for the PgBouncer exporter
 * the tenant chart adds to every PgBouncer pod. Checked against the real CRD by the
 * conformance tests.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PGBOUNCER_EXPORTER_PORT_NAME } from '../pgbouncer-exporter';
import { EXPORTER_JOB, PGBOUNCER_EXPORTER_JOB, PLATFORM_MONITORING_LABELS } from './labels';

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
 * Scrapes the exporter of each instance of one PostgresCluster. PgBouncer is scraped by
 * {@link PgBouncerExporterMonitor}: PGO v6's pgMonitor exporter has no PgBouncer queries (a
 * TODO in internal/pgmonitor/exporter.go).
 */
export class PostgresExporterMonitor extends ApiObject {
  constructor(scope: Construct, id: string, props: PostgresExporterMonitorProps) {
    super(
      scope,
      id,
      podMonitor({
        name: EXPORTER_JOB,
        namespace: props.namespace,
        podLabels: {
          'postgres-operator.crunchydata.com/cluster': props.clusterName,
          ...EXPORTER_DISCOVERY_LABEL,
        },
        port: EXPORTER_PORT_NAME,
        interval: props.interval,
      }),
    );
  }
}

/**
 * PGO's role label on PgBouncer pods (PGO internal/naming/labels.go `RolePGBouncer`).
 */
export const PGBOUNCER_ROLE_LABEL = { 'postgres-operator.crunchydata.com/role': 'pgbouncer' };

/**
 * Scrapes the PgBouncer exporter sidecar (k8s/pgbouncer-exporter.ts) of each PgBouncer pod of
 * one PostgresCluster.
 */
export class PgBouncerExporterMonitor extends ApiObject {
  constructor(scope: Construct, id: string, props: PostgresExporterMonitorProps) {
    super(
      scope,
      id,
      podMonitor({
        name: PGBOUNCER_EXPORTER_JOB,
        namespace: props.namespace,
        podLabels: {
          'postgres-operator.crunchydata.com/cluster': props.clusterName,
          ...PGBOUNCER_ROLE_LABEL,
        },
        port: PGBOUNCER_EXPORTER_PORT_NAME,
        interval: props.interval,
      }),
    );
  }
}

/** A PodMonitor of one port of a tenant's pods, labelled the way the alert rules select. */
function podMonitor(props: {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  port: string;
  interval?: string;
}) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: props.name, namespace: props.namespace, labels: { ...PLATFORM_MONITORING_LABELS } },
    spec: {
      selector: { matchLabels: props.podLabels },
      podMetricsEndpoints: [
        {
          port: props.port,
          scheme: 'http',
          interval: props.interval ?? DEFAULT_SCRAPE_INTERVAL,
          relabelings: [
            // The alert rules group by cluster; pgMonitor's own Prometheus configuration
            // names this label pg_cluster too.
            {
              sourceLabels: ['__meta_kubernetes_pod_label_postgres_operator_crunchydata_com_cluster'],
              targetLabel: 'pg_cluster',
            },
            { targetLabel: 'job', replacement: props.name },
          ],
        },
      ],
    },
  };
}
