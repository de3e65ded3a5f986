/** The Prometheus object, its access and its Service, as the monitoring chart synthesizes them. */
import { PLATFORM_MONITORING_LABELS } from '../../k8s/monitoring/labels';
import { retentionSize } from '../../k8s/monitoring/prometheus';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { WEB_UIS } from '../../k8s/web-uis';
import { exampleConfig } from '../util';
import { synthMonitoringChart } from './monitoring-chart-fixture';

const objects = synthMonitoringChart();
const prometheus = objects.find((o) => o.kind === 'Prometheus');
const ofKind = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

test('is named prometheus, in the monitoring namespace', () => {
  expect(prometheus.metadata).toEqual({ name: 'prometheus', namespace: 'monitoring' });
});

test('selects PodMonitors, ServiceMonitors and PrometheusRules by the platform label, in every namespace', () => {
  const selector = { matchLabels: PLATFORM_MONITORING_LABELS };
  expect(prometheus.spec).toMatchObject({
    podMonitorSelector: selector,
    podMonitorNamespaceSelector: {},
    serviceMonitorSelector: selector,
    serviceMonitorNamespaceSelector: {},
    ruleSelector: selector,
    ruleNamespaceSelector: {},
  });
  // Null selects nothing: no Probe or ScrapeConfig objects are picked up by accident.
  expect(prometheus.spec.probeSelector).toBeUndefined();
  expect(prometheus.spec.scrapeConfigSelector).toBeUndefined();
});

test('keeps its data on a gp3 volume of the configured size, for the configured retention', () => {
  expect(prometheus.spec.storage.volumeClaimTemplate.spec).toEqual({
    storageClassName: 'gp3',
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '50Gi' } },
  });
  expect(prometheus.spec.retention).toBe('15d');
  expect(prometheus.spec.retentionSize).toBe('42GiB');
});

test('takes retention, volume size and resources from monitoring.prometheus', () => {
  const config = {
    retention: '30d',
    storageSize: '200Gi',
    resources: { cpu: '2', memory: '8Gi' },
  };
  const spec = synthMonitoringChart({ prometheus: config }).find((o) => o.kind === 'Prometheus').spec;
  expect(spec.retention).toBe('30d');
  expect(spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe('200Gi');
  expect(spec.resources).toEqual({
    requests: { cpu: '2', memory: '8Gi' },
    limits: { cpu: '2', memory: '8Gi' },
  });
});

test('stops at 85% of its volume whatever the retention, so a full volume never stops it', () => {
  expect(retentionSize('50Gi')).toBe('42GiB');
  expect(retentionSize('1Ti')).toBe('870GiB');
});

test('runs on the system pool with requests equal to limits', () => {
  expect(prometheus.spec.nodeSelector).toEqual({ [NODE_POOL_LABEL]: SYSTEM_POOL });
  expect(prometheus.spec.resources.requests).toEqual(prometheus.spec.resources.limits);
  expect(prometheus.spec.resources.requests).toEqual(exampleConfig().monitoring.prometheus.resources);
});

test('sends alerts to the endpoints of the alertmanager Service', () => {
  expect(prometheus.spec.alerting.alertmanagers).toEqual([
    { namespace: 'monitoring', name: WEB_UIS.alertmanager.serviceName, port: 'web', apiVersion: 'v2' },
  ]);
  const service = ofKind('Service', WEB_UIS.alertmanager.serviceName);
  expect(service.spec.ports.map((p: any) => p.name)).toContain('web');
});

test('runs as its own service account, which may read what service discovery and the kubelet ask for', () => {
  expect(prometheus.spec.serviceAccountName).toBe('prometheus');
  const binding = objects.find((o) => o.kind === 'ClusterRoleBinding');
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
  const role = ofKind('ClusterRole', binding.roleRef.name);
  const resources = role.rules.flatMap((r: any) => r.resources ?? []);
  expect(resources).toEqual(expect.arrayContaining(['pods', 'nodes/metrics', 'endpointslices']));
  // Read only: no verb that changes anything.
  expect(
    role.rules.flatMap((r: any) => r.verbs).filter((v: string) => !['get', 'list', 'watch'].includes(v)),
  ).toEqual([]);
});

test('is served by a ClusterIP Service named and ported as the web UI ingress expects', () => {
  const ui = WEB_UIS.prometheus;
  const service = ofKind('Service', ui.serviceName);
  expect(service.metadata.namespace).toBe(ui.namespace);
  expect(service.spec.type).toBe('ClusterIP');
  expect(service.spec.ports).toEqual([{ name: 'web', port: ui.port, targetPort: ui.port, protocol: 'TCP' }]);
  expect(service.spec.selector).toEqual(prometheus.spec.podMetadata.labels);
});
