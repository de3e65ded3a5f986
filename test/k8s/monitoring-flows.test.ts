/**
 * Evaluates the monitoring namespace's NetworkPolicies, with a tenant's own policies, against
 * the monitoring flow table under the VPC CNI's rules (k8s/network-policy-evaluator.ts), in a
 * modelled cluster: the monitoring pods as the operator and the charts label them, one tenant
 * instance, CoreDNS, the API server behind `default/kubernetes`, a node, the ALB, AWS and the
 * internet. Receiver flows are evaluated with a receiver of their kind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { ALERTMANAGER_POD_LABELS } from '../../k8s/monitoring/alertmanager';
import { KUBE_STATE_METRICS, MONITORING_COMPONENTS, COMPONENT_LABEL } from '../../k8s/monitoring/labels';
import {
  MONITORING_FLOWS,
  MONITORING_FORBIDDEN_FLOWS,
  MonitoringFlow,
  MonitoringFlowRole,
} from '../../k8s/monitoring/monitoring-flows';
import { GRAFANA_POD_LABELS } from '../../k8s/monitoring/labels';
import { PROMETHEUS_POD_LABELS } from '../../k8s/monitoring/prometheus';
import { CLUSTER_SERVICES } from './cluster-services';
import { ClusterModel, evaluateConnection, Pod, Service } from '../../k8s/network-policy-evaluator';
import { TenantDatabaseChart } from '../../k8s/tenant-database-chart';
import { flowTableMarkdown } from '../../k8s/tenant-flows';
import type { ReceiverConfig, ReceiverKind } from '../../lib/config/prometheus-schema';
import { synthMonitoringChart } from '../monitoring/monitoring-chart-fixture';
import { exampleConfig } from '../util';
import { tenantChartProps } from './tenant-chart-fixture';

const RECEIVERS: Record<ReceiverKind, ReceiverConfig> = {
  none: { kind: 'none' },
  email: {
    kind: 'email',
    smarthost: 'smtp.example.com:587',
    from: 'alerts@example.com',
    to: 'dba@example.com',
  },
  webhook: { kind: 'webhook', url: 'https://hooks.example.com/alerts' },
  sns: { kind: 'sns', topicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts' },
};

const LABEL = 'postgres-operator.crunchydata.com/';
const tenant = exampleConfig().tenants[0];

function world(receiver: ReceiverKind): {
  model: ClusterModel;
  roles: Record<MonitoringFlowRole, Pod | { ip: string }>;
} {
  const config = exampleConfig();
  const base = config.monitoring.alertmanager;
  const policies = [
    ...synthMonitoringChart({ alertmanager: { ...base, receiver: RECEIVERS[receiver] } }),
    ...Testing.synth(new TenantDatabaseChart(Testing.app(), 'tenant', tenantChartProps(tenant))),
  ].filter((o) => o.kind === 'NetworkPolicy');
  const pod = (name: string, namespace: string, labels: Record<string, string>, ip: string): Pod => ({
    name,
    namespace,
    labels,
    ip,
    nodeIp: '10.40.64.5',
  });
  // Labels the operator sets itself (pkg/prometheus, pkg/alertmanager) beside the platform's podMetadata.
  const prometheus = pod(
    'prometheus-prometheus-0',
    'monitoring',
    { ...PROMETHEUS_POD_LABELS, 'app.kubernetes.io/name': 'prometheus', prometheus: 'prometheus' },
    '10.40.128.20',
  );
  const alertmanager = (n: number, ip: string) =>
    pod(
      `alertmanager-alertmanager-${n}`,
      'monitoring',
      { ...ALERTMANAGER_POD_LABELS, 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'alertmanager' },
      ip,
    );
  const instance = pod(
    `${tenant.name}-pg-a-0`,
    `tenant-${tenant.name}`,
    {
      [`${LABEL}cluster`]: tenant.name,
      [`${LABEL}instance-set`]: 'pg',
      [`${LABEL}role`]: 'master',
      [`${LABEL}data`]: 'postgres',
      [`${LABEL}crunchy-postgres-exporter`]: 'true',
    },
    '10.40.64.30',
  );
  // PGO's labels on PgBouncer pods (internal/pgbouncer/reconcile.go, Pod).
  const pgBouncer = pod(
    `${tenant.name}-pgbouncer-0`,
    `tenant-${tenant.name}`,
    { [`${LABEL}cluster`]: tenant.name, [`${LABEL}role`]: 'pgbouncer' },
    '10.40.64.31',
  );
  const roles: Record<MonitoringFlowRole, Pod | { ip: string }> = {
    prometheus,
    alertmanager: alertmanager(0, '10.40.64.21'),
    'alertmanager-peer': alertmanager(1, '10.40.192.21'),
    'kube-state-metrics': pod(
      'kube-state-metrics-0',
      'monitoring',
      { ...KUBE_STATE_METRICS.podLabels, 'app.kubernetes.io/instance': 'prometheus-operator' },
      '10.40.64.22',
    ),
    'prometheus-operator': pod(
      'prometheus-operator-0',
      'monitoring',
      { [COMPONENT_LABEL]: MONITORING_COMPONENTS.operator, app: 'kube-prometheus-stack-operator' },
      '10.40.64.23',
    ),
    grafana: pod('grafana-0', 'monitoring', { ...GRAFANA_POD_LABELS }, '10.40.128.24'),
    'web-ui-load-balancer': { ip: '10.40.1.50' },
    'tenant-exporter': instance,
    'tenant-primary': instance,
    'tenant-pgbouncer': pgBouncer,
    kubelet: { ip: '10.40.128.5' },
    'kube-dns': pod('coredns-0', 'kube-system', { 'k8s-app': 'kube-dns' }, '10.40.64.100'),
    'kubernetes-api': { ip: '10.40.65.200' },
    'smtp-server': { ip: '198.51.100.25' },
    'webhook-receiver': { ip: '203.0.113.10' },
    sns: { ip: '52.94.0.10' },
    'pod-identity-agent': { ip: '169.254.170.23' },
    internet: { ip: '93.184.216.34' },
    'instance-metadata': { ip: '169.254.169.254' },
  };
  const services: Service[] = [
    ...CLUSTER_SERVICES,
    {
      name: 'prometheus',
      namespace: 'monitoring',
      clusterIp: '172.20.5.90',
      selector: { ...PROMETHEUS_POD_LABELS },
      ports: [{ port: 9090, targetPort: 9090, protocol: 'TCP' }],
    },
  ];
  const namespaces = ['monitoring', 'kube-system', 'default', `tenant-${tenant.name}`];
  const pods = [...new Set(Object.values(roles).filter((r): r is Pod => 'name' in r))];
  return {
    model: {
      namespaces: namespaces.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })),
      pods,
      services,
      policies,
    },
    roles,
  };
}

const VIA: Record<string, string> = {
  'default/kubernetes': '172.20.0.1',
  'kube-system/kube-dns': '172.20.0.10',
  'monitoring/prometheus': '172.20.5.90',
};

const worlds = new Map<ReceiverKind, ReturnType<typeof world>>();

function allowed(flow: MonitoringFlow, receiver: ReceiverKind): boolean {
  if (!worlds.has(receiver)) {
    worlds.set(receiver, world(receiver));
  }
  const { model, roles } = worlds.get(receiver)!;
  const to = flow.addressing.startsWith('ClusterIP') ? VIA[flow.via!] : roles[flow.to].ip;
  return evaluateConnection(model, { from: roles[flow.from], to, port: flow.port, protocol: flow.protocol })
    .allowed;
}

const name = (f: MonitoringFlow) =>
  `${f.from} → ${f.to} ${f.protocol} ${f.port} (${f.addressing})${f.receiver ? ` [${f.receiver}]` : ''}: ${f.purpose}`;

describe('under the VPC CNI, the monitoring NetworkPolicies', () => {
  test.each(MONITORING_FLOWS.map((f) => [name(f), f]))('allow %s', (_, flow) => {
    const f = flow as MonitoringFlow;
    expect(allowed(f, f.receiver ?? 'none')).toBe(true);
  });

  test.each(MONITORING_FORBIDDEN_FLOWS.map((f) => [name(f), f]))('deny %s', (_, flow) => {
    const f = flow as MonitoringFlow;
    const kinds: ReceiverKind[] = f.receiver ? [f.receiver] : ['none', 'email', 'webhook', 'sns'];
    for (const kind of kinds) {
      expect(allowed(f, kind)).toBe(false);
    }
  });

  test('with no receiver, Alertmanager reaches no receiver of any kind', () => {
    const receiverFlows = MONITORING_FLOWS.filter((f) => f.receiver !== undefined);
    expect(receiverFlows.length).toBeGreaterThan(0);
    for (const flow of receiverFlows) {
      expect(allowed(flow, 'none')).toBe(false);
    }
  });

  test("a receiver's egress opens only for its own kind", () => {
    const sns = MONITORING_FLOWS.find((f) => f.to === 'sns')!;
    expect(allowed(sns, 'email')).toBe(false);
    expect(allowed(sns, 'sns')).toBe(true);
  });
});

test('the README shows the monitoring flow tables from the code', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(flowTableMarkdown(MONITORING_FLOWS));
  expect(readme).toContain(flowTableMarkdown(MONITORING_FORBIDDEN_FLOWS));
});

test("Alertmanager's receiver egress opens the port of the smarthost or the URL, not a fixed one", () => {
  const receiverPorts = (receiver: ReceiverConfig) => {
    const base = exampleConfig().monitoring.alertmanager;
    const policy = synthMonitoringChart({ alertmanager: { ...base, receiver } }).find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-alertmanager',
    );
    return policy.spec.egress
      .filter((rule: any) => rule.to.some((peer: any) => peer.ipBlock?.cidr === '0.0.0.0/0'))
      .flatMap((rule: any) => rule.ports.map((p: any) => p.port));
  };
  expect(receiverPorts({ ...RECEIVERS.email, smarthost: 'mail.example.com:25' })).toEqual([25]);
  expect(receiverPorts({ kind: 'webhook', url: 'https://hooks.example.com:8443/alerts' })).toEqual([8443]);
  expect(
    receiverPorts({ kind: 'webhook', url: 'http://relay.internal/alerts', allowInsecureHttp: true }),
  ).toEqual([80]);
  expect(receiverPorts({ kind: 'none' })).toEqual([]);
});
