import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { NodePoolSelector, SystemChartProps, systemPoolPlacement } from './system-chart';
import {
  COMPONENT_LABEL,
  KUBELET_SERVICE,
  KUBE_STATE_METRICS,
  MONITORING_COMPONENTS,
} from '../../k8s/monitoring/labels';
import { MONITORING_NAMESPACE } from '../../k8s/tenant-database-chart';

/** Requests equal to limits, so the pod is never throttled below nor evicted above what it asked. */
export interface GuaranteedResources {
  /** Requests. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** Limits, the same as the requests. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The same CPU and memory as request and limit. */
export function guaranteed(cpu: string, memory: string): GuaranteedResources {
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

/**
 * The operator watches a handful of monitoring objects and the kubelets' node list: a small
 * controller. kube-state-metrics keeps one object cache of the cluster; a few hundred pods fit
 * well within 256Mi.
 */
export const PROMETHEUS_OPERATOR_RESOURCES = guaranteed('100m', '128Mi');
/** See {@link PROMETHEUS_OPERATOR_RESOURCES}. */
export const KUBE_STATE_METRICS_RESOURCES = guaranteed('100m', '256Mi');
/**
 * The config-reloader sidecar (and init container) the operator adds to every Prometheus and
 * Alertmanager pod; the operator's own default is 10m/50Mi for both, this leaves room to
 * render the configuration of many tenants' PodMonitors.
 */
export const CONFIG_RELOADER_RESOURCES = guaranteed('50m', '64Mi');

/** Properties of {@link PrometheusOperator}. */
export interface PrometheusOperatorProps extends SystemChartProps {
  /**
   * Version of the operator and config-reloader images: the version of the installed CRDs
   * (`PROMETHEUS_OPERATOR_CRDS_CHART`), whatever appVersion the chart carries.
   */
  readonly operatorVersion: string;
}

/**
 * prometheus-operator and kube-state-metrics, installed with Helm on the system pool into the
 * `monitoring` namespace, which the monitoring manifest creates (so the release must follow it).
 *
 * Why kube-prometheus-stack with all but the operator and kube-state-metrics switched off:
 * it is the prometheus-community chart that installs the operator (the standalone
 * `prometheus-operator` chart was folded into it and is no longer published), it comes from
 * the same repository as the CRDs chart and moves with the same operator releases, and it
 * carries kube-state-metrics as a subchart with the ServiceMonitor conventions the operator
 * expects. Bitnami's kube-prometheus was the other maintained option; its images left the free
 * Bitnami catalogue in 2025. The operator's own `bundle.yaml` is not a chart and carries the
 * CRDs, too large for an inline manifest. Prometheus, Alertmanager and their scrape objects are
 * this project's own cdk8s objects (k8s/monitoring), so they are typed, tested and checked
 * against the CRDs; the chart's Prometheus, Alertmanager, Grafana, node exporter, default rules
 * and Kubernetes component monitors stay off.
 */
export class PrometheusOperator extends Construct {
  /** The Helm release; it waits for the operator and kube-state-metrics to run. */
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: PrometheusOperatorProps) {
    super(scope, id);
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      chart: props.chart,
      repository: props.repository,
      version: props.version,
      release: 'prometheus-operator',
      namespace: MONITORING_NAMESPACE,
      createNamespace: false,
      // The CRDs belong to their own release (PrometheusOperatorCrds): Helm installs a chart's
      // crds/ directory unless told not to, even with the crds subchart off.
      skipCrds: true,
      wait: true,
      timeout: Duration.minutes(10),
      values: prometheusOperatorValues(props.nodeSelector, props.operatorVersion),
    });
  }
}

/**
 * The values of kube-prometheus-stack, as read in prometheus-community/helm-charts
 * charts/kube-prometheus-stack/values.yaml (the stored copy, at commit 001f3a6d; its chart
 * version was not identified, and 88.5.3's own values.yaml was not available to compare):
 * each component that is not the operator or kube-state-metrics off, the operator's admission
 * webhook and its TLS off (they need a certificate Job, and promtool checks the rules in CI
 * instead), the kubelet Service on, every pod on the system pool with requests equal to limits.
 * Helm ignores a key a chart does not read, so a renamed key fails silently: check these
 * against the pinned version's values.yaml when raising it.
 */
export function prometheusOperatorValues(
  nodeSelector: NodePoolSelector,
  operatorVersion: string,
): KubePrometheusStackValues {
  return {
    crds: { enabled: false },
    defaultRules: { create: false },
    windowsMonitoring: { enabled: false },
    alertmanager: { enabled: false },
    grafana: { enabled: false },
    prometheus: { enabled: false },
    thanosRuler: { enabled: false },
    nodeExporter: { enabled: false },
    kubernetesServiceMonitors: { enabled: false },
    kubeApiServer: { enabled: false },
    kubelet: { enabled: false },
    kubeControllerManager: { enabled: false },
    coreDns: { enabled: false },
    kubeDns: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    kubeStateMetrics: { enabled: true },
    'kube-state-metrics': {
      fullnameOverride: KUBE_STATE_METRICS.name,
      // k8s/monitoring/scrape-targets.ts scrapes it with the platform's label instead.
      prometheus: { monitor: { enabled: false } },
      selfMonitor: { enabled: false },
      ...systemPoolPlacement(nodeSelector, KUBE_STATE_METRICS_RESOURCES),
    },
    prometheusOperator: {
      enabled: true,
      fullnameOverride: 'prometheus-operator',
      image: { tag: operatorVersion },
      prometheusConfigReloader: { image: { tag: operatorVersion }, resources: CONFIG_RELOADER_RESOURCES },
      tls: { enabled: false },
      admissionWebhooks: { enabled: false, patch: { enabled: false } },
      // The operator keeps a Service in kube-system whose endpoints are every node's kubelet;
      // a ServiceMonitor (k8s/monitoring/scrape-targets.ts) scrapes it.
      kubeletService: { enabled: true, namespace: KUBELET_SERVICE.namespace, name: KUBELET_SERVICE.name },
      kubeletEndpointsEnabled: false,
      kubeletEndpointSliceEnabled: true,
      serviceMonitor: { selfMonitor: false },
      networkPolicy: { enabled: false },
      podLabels: { [COMPONENT_LABEL]: MONITORING_COMPONENTS.operator },
      ...systemPoolPlacement(nodeSelector, PROMETHEUS_OPERATOR_RESOURCES),
    },
  };
}

/** A component of the chart that can be switched off. */
interface Toggle {
  readonly enabled: boolean;
}

/** The values of kube-prometheus-stack this project sets (the chart publishes no values schema). */
export interface KubePrometheusStackValues {
  readonly crds: Toggle;
  readonly defaultRules: { readonly create: boolean };
  readonly windowsMonitoring: Toggle;
  readonly alertmanager: Toggle;
  readonly grafana: Toggle;
  readonly prometheus: Toggle;
  readonly thanosRuler: Toggle;
  readonly nodeExporter: Toggle;
  readonly kubernetesServiceMonitors: Toggle;
  readonly kubeApiServer: Toggle;
  readonly kubelet: Toggle;
  readonly kubeControllerManager: Toggle;
  readonly coreDns: Toggle;
  readonly kubeDns: Toggle;
  readonly kubeEtcd: Toggle;
  readonly kubeScheduler: Toggle;
  readonly kubeProxy: Toggle;
  readonly kubeStateMetrics: Toggle;
  /** The kube-state-metrics subchart (prometheus-community/kube-state-metrics). */
  readonly 'kube-state-metrics': {
    readonly fullnameOverride: string;
    readonly prometheus: { readonly monitor: Toggle };
    readonly selfMonitor: Toggle;
    readonly nodeSelector: Record<string, string>;
    readonly resources: GuaranteedResources;
  };
  readonly prometheusOperator: {
    readonly enabled: boolean;
    readonly fullnameOverride: string;
    readonly image: { readonly tag: string };
    readonly prometheusConfigReloader: {
      readonly image: { readonly tag: string };
      readonly resources: GuaranteedResources;
    };
    readonly tls: Toggle;
    readonly admissionWebhooks: { readonly enabled: boolean; readonly patch: Toggle };
    readonly kubeletService: { readonly enabled: boolean; readonly namespace: string; readonly name: string };
    readonly kubeletEndpointsEnabled: boolean;
    readonly kubeletEndpointSliceEnabled: boolean;
    readonly serviceMonitor: { readonly selfMonitor: boolean };
    readonly networkPolicy: Toggle;
    readonly podLabels: Record<string, string>;
    readonly nodeSelector: Record<string, string>;
    readonly resources: GuaranteedResources;
  };
}
