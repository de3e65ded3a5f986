import { Template } from 'aws-cdk-lib/assertions';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { EXTERNAL_SECRETS_CHART } from '../../lib/config/versions';
import { synthPlatform, SynthesizedPlatform } from '../util';

let platform: SynthesizedPlatform;
let template: Template;
let chart: { id: string; properties: any; values: any };

beforeAll(() => {
  platform = synthPlatform();
  template = platform.template;
  const [id, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
    ([, r]: any) => r.Properties.Release === 'external-secrets',
  ) as [string, any];
  chart = { id, properties: resource.Properties, values: JSON.parse(resource.Properties.Values) };
});

test('External Secrets Operator is installed from the pinned chart, with its CRDs, into its own namespace', () => {
  expect(chart.properties).toMatchObject({
    Chart: 'external-secrets',
    Repository: EXTERNAL_SECRETS_CHART.repository,
    Version: EXTERNAL_SECRETS_CHART.version,
    Namespace: 'external-secrets',
    CreateNamespace: true,
    Wait: true,
  });
  // A pinned release, not a range: 2.x serves the external-secrets.io/v1 API the tenants use.
  expect(EXTERNAL_SECRETS_CHART.version).toMatch(/^2\.\d+\.\d+$/);
  expect(chart.values.installCRDs).toBe(true);
  expect(chart.properties.SkipCrds).toBeUndefined();
});

test('its controller, webhook and cert controller run on the system pool, with requests and limits', () => {
  for (const component of [chart.values, chart.values.webhook, chart.values.certController]) {
    expect(component.nodeSelector).toEqual({ [NODE_POOL_LABEL]: SYSTEM_POOL });
    expect(Object.keys(component.resources.requests)).toEqual(['cpu', 'memory']);
    expect(Object.keys(component.resources.limits)).toEqual(['cpu', 'memory']);
  }
});

test('it is installed once the system pool exists, and holds no AWS credentials of its own', () => {
  const dependsOn: string[] = template.toJSON().Resources[chart.id].DependsOn ?? [];
  expect(dependsOn.some((id) => id.startsWith('SystemNodePool'))).toBe(true);
  // No IRSA role or Pod Identity association for the controller: tenants lend it their identity.
  expect(JSON.stringify(chart.values)).not.toContain('eks.amazonaws.com/role-arn');
  const associations = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).filter(
    (association: any) => association.Properties.Namespace === 'external-secrets',
  );
  expect(associations).toEqual([]);
});
