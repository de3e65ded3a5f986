/**
 * What a Prometheus needs to find the tenants' exporters and the alert rules: the objects
 * carry the label it selects by, and the PodMonitor selects the pods PGO runs the exporter in
 * (PGO internal/controller/postgrescluster/pgmonitor.go addPGMonitorExporterToInstancePodSpec,
 * internal/naming/labels.go, internal/naming/names.go), on the port the NetworkPolicy admits.
 */
import { Testing } from 'cdk8s';
import { MonitoringChart } from '../../k8s/monitoring/monitoring-chart';
import { PLATFORM_MONITORING_LABELS } from '../../k8s/monitoring/labels';
import { EXPORTER_PORT, PGBOUNCER_EXPORTER_PORT } from '../../k8s/tenant-network-policies';
import { NEEDED_FLOWS } from '../../k8s/tenant-flows';
import { DEFAULT_ALERT_THRESHOLDS } from '../../lib/config/monitoring-schema';
import { exampleConfig } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';
import { monitoringChartProps } from './monitoring-chart-fixture';

const LABEL = 'postgres-operator.crunchydata.com/';
const tenant = exampleConfig().tenants[0];
const objects = synthTenantChart(tenant);
const podMonitor = objects.find((o) => o.kind === 'PodMonitor' && o.metadata.name === 'postgres-exporter');
const pgBouncerMonitor = objects.find(
  (o) => o.kind === 'PodMonitor' && o.metadata.name === 'pgbouncer-exporter',
);

/** Labels PGO puts on the pods of the tenant's cluster. */
const instancePod = {
  [`${LABEL}cluster`]: tenant.name,
  [`${LABEL}instance-set`]: 'pg',
  [`${LABEL}instance`]: `${tenant.name}-pg-abcd`,
  [`${LABEL}role`]: 'master',
  [`${LABEL}data`]: 'postgres',
  [`${LABEL}crunchy-postgres-exporter`]: 'true',
};
const pgBouncerPod = { [`${LABEL}cluster`]: tenant.name, [`${LABEL}role`]: 'pgbouncer' };
const otherTenantPod = { ...instancePod, [`${LABEL}cluster`]: 'analytics' };

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe("a tenant's PodMonitor", () => {
  test('lives in the tenant namespace and carries the label Prometheus selects by', () => {
    expect(podMonitor.metadata.namespace).toBe(`tenant-${tenant.name}`);
    expect(podMonitor.metadata.labels).toEqual(expect.objectContaining(PLATFORM_MONITORING_LABELS));
  });

  test("selects the tenant's instance pods, not PgBouncer's nor another tenant's", () => {
    const selector = podMonitor.spec.selector.matchLabels;
    expect(selects(selector, instancePod)).toBe(true);
    expect(selects(selector, pgBouncerPod)).toBe(false);
    expect(selects(selector, otherTenantPod)).toBe(false);
  });

  test('scrapes the port PGO names "exporter" (9187), which the flow table lets monitoring reach', () => {
    expect(podMonitor.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(['exporter']);
    const scraped = NEEDED_FLOWS.filter((f) => f.from === 'monitoring').map((f) => `${f.to}:${f.port}`);
    expect(scraped.sort()).toEqual([
      `pgbouncer:${PGBOUNCER_EXPORTER_PORT}`,
      `primary:${EXPORTER_PORT}`,
      `replica:${EXPORTER_PORT}`,
    ]);
  });

  test('the scraping NetworkPolicy admits every pod the PodMonitor scrapes', () => {
    const policy = objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-metrics-scraping',
    );
    expect(selects(policy.spec.podSelector.matchLabels, instancePod)).toBe(true);
    expect(policy.spec.ingress).toEqual([
      expect.objectContaining({ ports: [{ protocol: 'TCP', port: EXPORTER_PORT }] }),
    ]);
  });

  test('labels every series with its cluster and the job the alert rules select', () => {
    const relabelings = podMonitor.spec.podMetricsEndpoints[0].relabelings;
    expect(relabelings).toContainEqual({
      sourceLabels: ['__meta_kubernetes_pod_label_postgres_operator_crunchydata_com_cluster'],
      targetLabel: 'pg_cluster',
    });
    expect(relabelings).toContainEqual({ targetLabel: 'job', replacement: 'postgres-exporter' });
  });
});

describe("a tenant's PgBouncer PodMonitor", () => {
  test("selects the tenant's PgBouncer pods only, with the label Prometheus selects by", () => {
    const selector = pgBouncerMonitor.spec.selector.matchLabels;
    expect(selects(selector, pgBouncerPod)).toBe(true);
    expect(selects(selector, instancePod)).toBe(false);
    expect(selects(selector, { ...pgBouncerPod, [`${LABEL}cluster`]: 'analytics' })).toBe(false);
    expect(pgBouncerMonitor.metadata.labels).toEqual(expect.objectContaining(PLATFORM_MONITORING_LABELS));
  });

  test('the PgBouncer scraping NetworkPolicy admits the exporter port of every pod it scrapes', () => {
    const policy = objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-pgbouncer-metrics-scraping',
    );
    expect(selects(policy.spec.podSelector.matchLabels, pgBouncerPod)).toBe(true);
    expect(policy.spec.ingress).toEqual([
      expect.objectContaining({ ports: [{ protocol: 'TCP', port: PGBOUNCER_EXPORTER_PORT }] }),
    ]);
  });
});

describe('the monitoring chart', () => {
  const chartObjects = Testing.synth(
    new MonitoringChart(
      Testing.app(),
      'monitoring',
      monitoringChartProps({ alertThresholds: DEFAULT_ALERT_THRESHOLDS }),
    ),
  );

  test('creates the monitoring namespace the tenant policies admit scraping from', () => {
    const namespace = chartObjects.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.name).toBe('monitoring');
  });

  test('puts the PrometheusRule in it, with the label Prometheus selects rules by', () => {
    const rule = chartObjects.find((o) => o.kind === 'PrometheusRule');
    expect(rule.metadata).toEqual(
      expect.objectContaining({
        namespace: 'monitoring',
        labels: expect.objectContaining(PLATFORM_MONITORING_LABELS),
      }),
    );
  });
});
