/**
 * The ServiceMonitors of the metrics the alert rules take from outside the tenants' exporters:
 * kube-state-metrics (pod restarts and OOM kills) and the kubelet (volume usage), and the check
 * that every metric a rule uses has a producer that is deployed and scraped.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { MetricSource } from './known-metrics';
import {
  EXPORTER_JOB,
  KUBELET_SERVICE,
  KUBE_STATE_METRICS,
  PGBOUNCER_EXPORTER_JOB,
  PLATFORM_MONITORING_LABELS,
} from './labels';

/** `job` label of the kubelet's series. */
export const KUBELET_JOB = 'kubelet';
/** `job` label of kube-state-metrics' series. */
export const KUBE_STATE_METRICS_JOB = 'kube-state-metrics';

/** The kubelet metrics the platform keeps: the rules need its volume stats only. */
const KUBELET_KEPT_METRICS = 'kubelet_volume_stats_.+';

/** Where a pod finds its service account's token and the cluster CA. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Properties of {@link ScrapeTargets}. */
export interface ScrapeTargetsProps {
  /** Namespace of the ServiceMonitors, and of kube-state-metrics (the operator chart's release). */
  readonly namespace: string;
}

/** The ServiceMonitors of kube-state-metrics and the kubelets. */
export class ScrapeTargets extends Construct {
  constructor(scope: Construct, id: string, props: ScrapeTargetsProps) {
    super(scope, id);
    const metadata = (name: string) => ({
      name,
      namespace: props.namespace,
      labels: { ...PLATFORM_MONITORING_LABELS },
    });

    new ApiObject(this, 'KubeStateMetrics', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: metadata(KUBE_STATE_METRICS_JOB),
      spec: {
        selector: { matchLabels: { ...KUBE_STATE_METRICS.podLabels } },
        namespaceSelector: { matchNames: [props.namespace] },
        endpoints: [
          {
            port: KUBE_STATE_METRICS.portName,
            interval: '30s',
            // kube-state-metrics labels each series with the namespace and pod it describes;
            // without honorLabels Prometheus would rename them exported_namespace and
            // exported_pod, and the rules' tenant-namespace matchers would see `monitoring`.
            honorLabels: true,
            relabelings: [{ targetLabel: 'job', replacement: KUBE_STATE_METRICS_JOB }],
          },
        ],
      },
    });

    new ApiObject(this, 'Kubelet', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: metadata(KUBELET_JOB),
      spec: {
        selector: { matchLabels: { ...KUBELET_SERVICE.labels } },
        namespaceSelector: { matchNames: [KUBELET_SERVICE.namespace] },
        endpoints: [
          {
            port: KUBELET_SERVICE.portName,
            scheme: 'https',
            path: '/metrics',
            interval: '30s',
            // The kubelet authenticates the service account's token and asks the API server
            // whether it may get nodes/metrics (webhook authorization). ServiceMonitors have no
            // other way to send a projected token than a file (`authorization` takes a Secret).
            bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
            // EKS nodes serve the kubelet API with a certificate the kubelet signs itself (no
            // serving-certificate bootstrap), which no CA file can verify: the same setting as
            // kube-prometheus-stack's kubelet ServiceMonitor. The token is only sent to the node
            // addresses the operator lists from the Node objects.
            tlsConfig: { caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecureSkipVerify: true },
            honorLabels: true,
            // The operator already labels each target with its node (the endpoints' targetRef).
            relabelings: [{ targetLabel: 'job', replacement: KUBELET_JOB }],
            metricRelabelings: [{ sourceLabels: ['__name__'], regex: KUBELET_KEPT_METRICS, action: 'keep' }],
          },
        ],
      },
    });
  }
}

/** A synthesized object, with the fields of PodMonitors and ServiceMonitors read here. */
export interface SynthesizedObject {
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly spec?: {
    readonly selector?: { readonly matchLabels?: Record<string, string> };
    readonly namespaceSelector?: { readonly matchNames?: readonly string[] };
    readonly endpoints?: readonly { readonly port?: string }[];
    readonly podMetricsEndpoints?: readonly {
      readonly relabelings?: readonly { readonly targetLabel?: string; readonly replacement?: string }[];
    }[];
  };
}

/** The facts about a deployment that decide which metric sources exist. */
export interface DeployedScraping {
  /** Objects of the monitoring chart and of one tenant chart (as synthesized). */
  readonly objects: readonly SynthesizedObject[];
  /** Whether the operator chart installs kube-state-metrics. */
  readonly kubeStateMetricsInstalled: boolean;
  /** Whether the operator maintains the kubelet Service, and under which namespace/name. */
  readonly kubeletService?: { readonly namespace: string; readonly name: string };
}

/**
 * The metric sources a deployment produces and scrapes: a source counts only when something
 * deployed exposes it and a monitor Prometheus selects scrapes it.
 */
export function deployedMetricSources(deployed: DeployedScraping): Set<MetricSource> {
  const selected = deployed.objects.filter(
    (o) =>
      (o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor') &&
      Object.entries(PLATFORM_MONITORING_LABELS).every(([k, v]) => o.metadata?.labels?.[k] === v),
  );
  const sources = new Set<MetricSource>();
  if (deployed.objects.some((o) => o.kind === 'Prometheus')) {
    sources.add('prometheus scrape');
  }
  const podMonitorWithJob = (job: string) =>
    selected.some(
      (o) =>
        o.kind === 'PodMonitor' &&
        (o.spec?.podMetricsEndpoints ?? []).some((e) =>
          (e.relabelings ?? []).some((r) => r.targetLabel === 'job' && r.replacement === job),
        ),
    );
  if (podMonitorWithJob(PGBOUNCER_EXPORTER_JOB)) {
    // The tenant chart runs the exporter sidecar in every PgBouncer pod (k8s/pgbouncer-exporter.ts).
    sources.add('pgbouncer_exporter');
  }
  if (podMonitorWithJob(EXPORTER_JOB)) {
    // PGO runs postgres_exporter with pgMonitor's queries in every instance pod the PodMonitor selects.
    sources.add('postgres_exporter');
    sources.add('pgmonitor queries_global.yml');
    sources.add('pgmonitor queries_global_dbsize.yml');
    sources.add('pgmonitor queries_nodemx.yml');
    sources.add('pgmonitor queries_backrest.yml');
  }
  const scrapes = (labels: Record<string, string>, namespace: string, port: string) =>
    selected.some(
      (o) =>
        o.kind === 'ServiceMonitor' &&
        Object.entries(o.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
        (o.spec?.namespaceSelector?.matchNames ?? []).includes(namespace) &&
        (o.spec?.endpoints ?? []).some((e) => e.port === port),
    );
  const monitoring = selected.find((o) => o.metadata.name === KUBE_STATE_METRICS_JOB)?.metadata.namespace;
  if (
    deployed.kubeStateMetricsInstalled &&
    monitoring &&
    scrapes(KUBE_STATE_METRICS.podLabels, monitoring, KUBE_STATE_METRICS.portName)
  ) {
    sources.add('kube-state-metrics');
  }
  if (
    deployed.kubeletService &&
    scrapes(KUBELET_SERVICE.labels, deployed.kubeletService.namespace, KUBELET_SERVICE.portName)
  ) {
    sources.add('kubelet');
  }
  return sources;
}
