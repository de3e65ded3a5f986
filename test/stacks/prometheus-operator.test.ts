/**
 * The prometheus-operator Helm release (kube-prometheus-stack with all but the operator and
 * kube-state-metrics off) and the SNS receiver's IAM role, in the platform stack.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { KUBE_PROMETHEUS_STACK_CHART, PROMETHEUS_OPERATOR_CRDS_CHART } from '../../lib/config/versions';
import { configWith, synthPlatform } from '../util';

function helmRelease(template: Template, release: string): { id: string; resource: any; values: any } {
  const [id, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
    ([, r]: any) => r.Properties.Release === release,
  ) as [string, any];
  return { id, resource, values: JSON.parse(resource.Properties.Values) };
}

const { template } = synthPlatform();
const chart = helmRelease(template, 'prometheus-operator');
const resources = template.toJSON().Resources;

test('installs the pinned kube-prometheus-stack into monitoring, without its CRDs, and waits for it', () => {
  expect(chart.resource.Properties).toMatchObject({
    Chart: 'kube-prometheus-stack',
    Repository: KUBE_PROMETHEUS_STACK_CHART.repository,
    Version: '88.5.3',
    Namespace: 'monitoring',
    SkipCrds: true,
    Wait: true,
  });
  expect(chart.values.crds).toEqual({ enabled: false });
});

test('runs the operator and config-reloader of the installed CRDs, v0.93.0 (CRDs chart 31.0.0)', () => {
  expect(PROMETHEUS_OPERATOR_CRDS_CHART.version).toBe('31.0.0');
  expect(chart.values.prometheusOperator.image).toEqual({ tag: 'v0.93.0' });
  expect(chart.values.prometheusOperator.prometheusConfigReloader.image).toEqual({ tag: 'v0.93.0' });
});

test('switches off every component but the operator and kube-state-metrics', () => {
  const on = Object.entries(chart.values)
    .filter(([, v]: [string, any]) => v && typeof v === 'object' && (v.enabled === true || v.create === true))
    .map(([k]) => k)
    .sort();
  expect(on).toEqual(['kubeStateMetrics', 'prometheusOperator']);
  expect(chart.values.prometheusOperator.admissionWebhooks).toEqual({
    enabled: false,
    patch: { enabled: false },
  });
});

test('places the operator and kube-state-metrics on the system pool with requests equal to limits', () => {
  for (const component of [chart.values.prometheusOperator, chart.values['kube-state-metrics']]) {
    expect(component.nodeSelector).toEqual({ [NODE_POOL_LABEL]: SYSTEM_POOL });
    expect(component.resources.requests).toEqual(component.resources.limits);
    expect(Object.keys(component.resources.requests)).toEqual(['cpu', 'memory']);
  }
  const reloader = chart.values.prometheusOperator.prometheusConfigReloader.resources;
  expect(reloader.requests).toEqual(reloader.limits);
});

test('is installed after the monitoring manifest (its namespace) and the system nodes', () => {
  const dependsOn: string[] = resources[chart.id].DependsOn ?? [];
  expect(dependsOn.some((id) => id.startsWith('KubernetesClusterMonitoring'))).toBe(true);
  expect(dependsOn.some((id) => id.startsWith('SystemNodePool'))).toBe(true);
});

test('gives Alertmanager no AWS identity unless the receiver is SNS', () => {
  const associations = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).filter(
    (a: any) => a.Properties.Namespace === 'monitoring',
  );
  expect(associations).toEqual([]);
});

describe('with an SNS receiver', () => {
  const topicArn = 'arn:aws:sns:eu-west-1:111111111111:alerts';
  const sns = synthPlatform(
    configWith((d) => (d.monitoring = { alertmanager: { receiver: { kind: 'sns', topicArn } } })),
  ).template;

  test("associates a role with Alertmanager's service account through Pod Identity", () => {
    sns.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'monitoring',
      ServiceAccount: 'alertmanager',
    });
  });

  test('the role may publish to that topic only', () => {
    const [role] = Object.entries(sns.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('AlertTopicPublisher'),
    );
    expect(role).toBeDefined();
    const policies = Object.values(sns.findResources('AWS::IAM::Policy')).filter((p: any) =>
      p.Properties.Roles.some((r: any) => r.Ref === role[0]),
    ) as any[];
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
    ]);
  });

  test('Alertmanager starts after the association exists', () => {
    const [associationId] = Object.keys(sns.findResources('AWS::EKS::PodIdentityAssociation')).filter((id) =>
      id.startsWith('AlertTopicPublisher'),
    );
    const [, monitoring] = Object.entries(sns.toJSON().Resources).find(([id]) =>
      id.startsWith('KubernetesClusterMonitoring'),
    ) as [string, any];
    expect(monitoring.DependsOn).toContain(associationId);
  });
});
