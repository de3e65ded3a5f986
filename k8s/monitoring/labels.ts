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

/** Namespaces of tenants (`tenantNamespace` in k8s/tenant-database-chart.ts), as a PromQL regex. */
export const TENANT_NAMESPACE_REGEX = 'tenant-.+';
