/** The Alertmanager, its routing per receiver kind, and its Service. */
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { POSTGRES_ALERTS_RULE_NAME } from '../../k8s/monitoring/monitoring-chart';
import { WEB_UIS } from '../../k8s/web-uis';
import type { ReceiverConfig } from '../../lib/config/prometheus-schema';
import { KubernetesSchemas, schemasAvailable } from '../conformance/kubernetes-schemas';
import { exampleConfig } from '../util';
import { synthMonitoringChart } from './monitoring-chart-fixture';

function synthWith(receiver: ReceiverConfig, replicas: 2 | 3 = 2) {
  const base = exampleConfig().monitoring.alertmanager;
  const objects = synthMonitoringChart({ alertmanager: { ...base, replicas, receiver } });
  return {
    objects,
    alertmanager: objects.find((o) => o.kind === 'Alertmanager'),
    routing: objects.find((o) => o.kind === 'AlertmanagerConfig'),
  };
}

const { objects, alertmanager, routing } = synthWith({ kind: 'none' });

test('is named alertmanager, in the monitoring namespace, with its routing as its whole configuration', () => {
  expect(alertmanager.metadata).toEqual({ name: 'alertmanager', namespace: 'monitoring' });
  expect(alertmanager.spec.alertmanagerConfiguration).toEqual({ name: routing.metadata.name });
  expect(routing.metadata.namespace).toBe('monitoring');
  // No other AlertmanagerConfig is selected.
  expect(alertmanager.spec.alertmanagerConfigSelector).toBeUndefined();
});

test('runs the configured replicas spread over zones and nodes, without a volume', () => {
  expect(alertmanager.spec.replicas).toBe(2);
  expect(synthWith({ kind: 'none' }, 3).alertmanager.spec.replicas).toBe(3);
  expect(
    alertmanager.spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable]),
  ).toEqual([
    ['topology.kubernetes.io/zone', 'DoNotSchedule'],
    ['kubernetes.io/hostname', 'DoNotSchedule'],
  ]);
  expect(alertmanager.spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual(
    alertmanager.spec.podMetadata.labels,
  );
  expect(alertmanager.spec.storage).toBeUndefined();
});

test('runs on the system pool with requests equal to limits', () => {
  expect(alertmanager.spec.nodeSelector).toEqual({ [NODE_POOL_LABEL]: SYSTEM_POOL });
  expect(alertmanager.spec.resources.requests).toEqual(alertmanager.spec.resources.limits);
});

test('with no receiver, routes everything to a receiver that sends nothing', () => {
  expect(routing.spec.route.receiver).toBe('null');
  expect(routing.spec.receivers).toEqual([{ name: 'null' }]);
});

test('an e-mail receiver reads the SMTP password from the named Secret, never a value', () => {
  const { routing: email } = synthWith({
    kind: 'email',
    smarthost: 'smtp.example.com:587',
    from: 'alerts@example.com',
    to: 'dba@example.com',
    username: 'alerts',
    passwordSecretName: 'smtp-password',
  });
  expect(email.spec.route.receiver).toBe('email');
  expect(email.spec.receivers).toEqual([
    {
      name: 'email',
      emailConfigs: [
        {
          to: 'dba@example.com',
          from: 'alerts@example.com',
          smarthost: 'smtp.example.com:587',
          requireTLS: true,
          sendResolved: true,
          authUsername: 'alerts',
          authPassword: { name: 'smtp-password', key: 'password' },
        },
      ],
    },
  ]);
});

test("an SNS receiver publishes to the topic, signed in the topic's region with the pod's credentials", () => {
  const { routing: sns } = synthWith({
    kind: 'sns',
    topicArn: 'arn:aws:sns:eu-central-1:111111111111:alerts',
  });
  expect(sns.spec.receivers).toEqual([
    {
      name: 'sns',
      snsConfigs: [
        {
          topicARN: 'arn:aws:sns:eu-central-1:111111111111:alerts',
          sigv4: { region: 'eu-central-1' },
          sendResolved: true,
        },
      ],
    },
  ]);
  // No keys: the default credential chain (EKS Pod Identity) signs.
  expect(JSON.stringify(sns.spec)).not.toMatch(/accessKey|secretKey/);
});

test('a webhook receiver posts to the URL', () => {
  const { routing: webhook } = synthWith({ kind: 'webhook', url: 'https://hooks.example.com/alerts' });
  expect(webhook.spec.receivers).toEqual([
    { name: 'webhook', webhookConfigs: [{ url: 'https://hooks.example.com/alerts', sendResolved: true }] },
  ]);
});

test('groups per tenant namespace and alert, repeating critical alerts hourly', () => {
  expect(routing.spec.route).toMatchObject({ groupBy: ['namespace', 'alertname'], repeatInterval: '12h' });
  expect(routing.spec.route.routes).toEqual([
    {
      receiver: 'null',
      matchers: [{ name: 'severity', value: 'critical', matchType: '=' }],
      repeatInterval: '1h',
    },
  ]);
});

test('inhibits only alerts that exist, and never an alert by itself', () => {
  const alerts = objects
    .find((o) => o.kind === 'PrometheusRule' && o.metadata.name === POSTGRES_ALERTS_RULE_NAME)
    .spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)) as string[];
  for (const rule of routing.spec.inhibitRules) {
    const [source] = rule.sourceMatch;
    expect(alerts).toContain(source.value);
    const [target] = rule.targetMatch;
    const targets = alerts.filter((alert) =>
      target.matchType === '='
        ? alert === target.value
        : target.matchType === '!='
          ? alert !== target.value
          : new RegExp(`^(?:${target.value})$`).test(alert),
    );
    expect(targets.length).toBeGreaterThan(0);
    expect(targets).not.toContain(source.value);
  }
});

test('is served by a ClusterIP Service named and ported as the web UI ingress expects', () => {
  const ui = WEB_UIS.alertmanager;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === ui.serviceName);
  expect(service.metadata.namespace).toBe(ui.namespace);
  expect(service.spec.type).toBe('ClusterIP');
  expect(service.spec.ports).toEqual([{ name: 'web', port: ui.port, targetPort: ui.port, protocol: 'TCP' }]);
  expect(service.spec.selector).toEqual(alertmanager.spec.podMetadata.labels);
});

describe('the routing of every receiver kind conforms to the AlertmanagerConfig CRD', () => {
  const available = schemasAvailable();
  const schemas = available ? new KubernetesSchemas() : undefined;
  const receivers: ReceiverConfig[] = [
    { kind: 'none' },
    {
      kind: 'email',
      smarthost: 'smtp.example.com:587',
      from: 'alerts@example.com',
      to: 'dba@example.com',
      username: 'alerts',
      passwordSecretName: 'smtp-password',
    },
    { kind: 'sns', topicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts' },
    { kind: 'webhook', url: 'https://hooks.example.com/alerts' },
  ];
  (available ? test.each : test.skip.each)(receivers.map((r) => [r.kind, r]))('%s', (_, receiver) => {
    expect(schemas!.validate(synthWith(receiver as ReceiverConfig).routing)).toEqual([]);
  });
});
