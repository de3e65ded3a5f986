/**
 * Every metric an alert rule or a dashboard uses must have a producer that is deployed and a monitor that
 * Prometheus selects and that scrapes it: kube-state-metrics from the operator chart, the
 * kubelet through the operator's kubelet Service, the exporter through the tenants' PodMonitors.
 */
import { expressionsOf } from '../../k8s/monitoring/dashboards/dashboard';
import { overviewDashboard } from '../../k8s/monitoring/dashboards/overview-dashboard';
import { tenantDashboard } from '../../k8s/monitoring/dashboards/tenant-dashboard';
import { KNOWN_METRICS, metricsOf } from '../../k8s/monitoring/known-metrics';
import { KUBELET_SERVICE } from '../../k8s/monitoring/labels';
import { deployedMetricSources, DeployedScraping } from '../../k8s/monitoring/scrape-targets';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { prometheusOperatorValues } from '../../lib/constructs/prometheus-operator';
import { KUBE_PROMETHEUS_STACK_CHART } from '../../lib/config/versions';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';
import { exampleConfig } from '../util';
import { synthMonitoringChart } from './monitoring-chart-fixture';

const values = prometheusOperatorValues(
  { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
  KUBE_PROMETHEUS_STACK_CHART.operatorVersion,
);
const monitoring = synthMonitoringChart();
const tenant = synthTenantChart(exampleConfig().tenants[0]);
const rules = monitoring
  .find((o) => o.kind === 'PrometheusRule')
  .spec.groups.flatMap((group: any) => group.rules) as { alert: string; expr: string }[];

/** What the platform deploys, as the operator chart's values and the charts' objects say. */
const deployed: DeployedScraping = {
  objects: [...monitoring, ...tenant],
  kubeStateMetricsInstalled: values.kubeStateMetrics.enabled,
  kubeletService: values.prometheusOperator.kubeletService.enabled
    ? values.prometheusOperator.kubeletService
    : undefined,
};

/** The rules that use a metric of a source the deployment lacks. */
function rulesWithoutProducer(scraping: DeployedScraping): string[] {
  const sources = deployedMetricSources(scraping);
  return rules
    .filter((rule) => metricsOf(rule.expr).some((metric) => !sources.has(KNOWN_METRICS[metric])))
    .map((rule) => rule.alert);
}

test('every metric of every alert rule has a deployed, scraped producer', () => {
  expect(rulesWithoutProducer(deployed)).toEqual([]);
});

/** The dashboard queries that use a metric of a source the deployment lacks. */
function dashboardQueriesWithoutProducer(scraping: DeployedScraping): string[] {
  const sources = deployedMetricSources(scraping);
  return [overviewDashboard(), tenantDashboard()]
    .flatMap(expressionsOf)
    .filter((expr) => metricsOf(expr).some((metric) => !sources.has(KNOWN_METRICS[metric])));
}

test('every metric of every Grafana dashboard has a deployed, scraped producer', () => {
  expect(dashboardQueriesWithoutProducer(deployed)).toEqual([]);
});

test('without the tenants’ exporter PodMonitors every dashboard query but `up` loses its producer', () => {
  const exporterQueries = [overviewDashboard(), tenantDashboard()]
    .flatMap(expressionsOf)
    .filter((expr) => metricsOf(expr).some((metric) => KNOWN_METRICS[metric] !== 'prometheus scrape'));
  expect(dashboardQueriesWithoutProducer({ ...deployed, objects: monitoring })).toEqual(exporterQueries);
});

test('the kubelet Service the ServiceMonitor scrapes is the one the operator maintains', () => {
  expect(values.prometheusOperator.kubeletService).toEqual({
    enabled: true,
    namespace: KUBELET_SERVICE.namespace,
    name: KUBELET_SERVICE.name,
  });
});

test('without kube-state-metrics, the pod alerts have no producer', () => {
  expect(rulesWithoutProducer({ ...deployed, kubeStateMetricsInstalled: false })).toEqual([
    'PostgresPodOOMKilled',
    'PostgresPodRestarting',
  ]);
});

test('without the kubelet ServiceMonitor, the volume alert has no producer', () => {
  const objects = deployed.objects.filter(
    (o) => !(o.kind === 'ServiceMonitor' && o.metadata.name === 'kubelet'),
  );
  expect(rulesWithoutProducer({ ...deployed, objects })).toEqual(['PostgresVolumeFull']);
});

test('without the kubelet Service, the volume alert has no producer', () => {
  expect(rulesWithoutProducer({ ...deployed, kubeletService: undefined })).toEqual(['PostgresVolumeFull']);
});

test("without the tenants' PodMonitors, every exporter alert has no producer", () => {
  expect(rulesWithoutProducer({ ...deployed, objects: monitoring })).toEqual(
    rules.filter((rule) => /job="(postgres|pgbouncer)-exporter"/.test(rule.expr)).map((rule) => rule.alert),
  );
});

test('without the PgBouncer PodMonitor, the PgBouncer alert and panel have no producer', () => {
  const objects = deployed.objects.filter(
    (o) => !(o.kind === 'PodMonitor' && o.metadata.name === 'pgbouncer-exporter'),
  );
  expect(rulesWithoutProducer({ ...deployed, objects })).toEqual(['PgBouncerClientsWaiting']);
  expect(deployedMetricSources({ ...deployed, objects }).has('pgbouncer_exporter')).toBe(false);
  expect(deployedMetricSources(deployed).has('pgbouncer_exporter')).toBe(true);
});

test('kube-state-metrics is scraped with its own namespace and pod labels (honorLabels)', () => {
  const monitor = monitoring.find(
    (o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'kube-state-metrics',
  );
  expect(monitor.spec.endpoints[0].honorLabels).toBe(true);
});

test('the kubelet is scraped over HTTPS with the service account token, keeping only volume stats', () => {
  const monitor = monitoring.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'kubelet');
  expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
  expect(monitor.spec.endpoints[0]).toMatchObject({
    port: 'https-metrics',
    scheme: 'https',
    bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'kubelet_volume_stats_.+', action: 'keep' }],
  });
  const kept = new RegExp(`^${monitor.spec.endpoints[0].metricRelabelings[0].regex}$`);
  const kubeletMetrics = Object.keys(KNOWN_METRICS).filter((m) => KNOWN_METRICS[m] === 'kubelet');
  expect(kubeletMetrics.filter((m) => !kept.test(m))).toEqual([]);
});
