/**
 * The label a Prometheus selects this platform's monitoring objects by: its
 * `podMonitorSelector` and `ruleSelector` match it (prometheus-operator API, `PrometheusSpec`).
 * Every PodMonitor and PrometheusRule the platform applies carries it.
 */
export const PLATFORM_MONITORING_LABELS = { 'postgres-platform/monitoring': 'platform' } as const;

/**
 * The `job` label of every series scraped from a tenant's exporter. The PodMonitor sets it, so
 * the alert rules select the exporter's series whatever the namespace and PodMonitor name
 * (prometheus-operator would otherwise use `<namespace>/<podmonitor>`).
 */
export const EXPORTER_JOB = 'postgres-exporter';

/** The `job` label of every series scraped from a tenant's PgBouncer exporter (k8s/pgbouncer-exporter.ts). */
export const PGBOUNCER_EXPORTER_JOB = 'pgbouncer-exporter';

/** Namespaces of tenants (`tenantNamespace` in k8s/tenant-database-chart.ts), as a PromQL regex. */
export const TENANT_NAMESPACE_REGEX = 'tenant-.+';

/**
 * Label the platform puts on the pods of each monitoring component (through `podMetadata` of
 * the Prometheus and Alertmanager, `podLabels` of the operator chart): the Services and the
 * NetworkPolicies of the monitoring namespace select pods by it, whatever labels the operator
 * adds of its own.
 */
export const COMPONENT_LABEL = 'postgres-platform/component';

/** Values of {@link COMPONENT_LABEL}. */
export const MONITORING_COMPONENTS = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  operator: 'prometheus-operator',
} as const;

/**
 * kube-state-metrics, from the operator's chart: the name of its Deployment and Service
 * (`fullnameOverride`), and the label its chart puts on its pods and selects them by
 * (prometheus-community/helm-charts charts/kube-state-metrics templates/_helpers.tpl
 * `kube-state-metrics.selectorLabels`). Its Service port is named `http`, 8080.
 */
export const KUBE_STATE_METRICS = {
  name: 'kube-state-metrics',
  podLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' },
  port: 8080,
  portName: 'http',
} as const;

/**
 * The Service the operator keeps with every node's kubelet as endpoints (operator flag
 * `--kubelet-service`; the chart's `prometheusOperator.kubeletService`). The operator labels it
 * `app.kubernetes.io/name: kubelet` and names its HTTPS port `https-metrics`, 10250
 * (prometheus-operator pkg/kubelet/controller.go).
 */
export const KUBELET_SERVICE = {
  namespace: 'kube-system',
  name: 'kubelet',
  labels: { 'app.kubernetes.io/name': 'kubelet' },
  port: 10250,
  portName: 'https-metrics',
} as const;

/**
 * Labels of the Grafana pods (k8s/monitoring/grafana-chart.ts): its Service and the monitoring
 * namespace's NetworkPolicies select them, so one definition keeps the three in step.
 */
export const GRAFANA_POD_LABELS = { 'app.kubernetes.io/name': 'grafana' } as const;
