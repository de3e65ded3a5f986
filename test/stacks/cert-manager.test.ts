import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Template } from 'aws-cdk-lib/assertions';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { CERT_MANAGER_CHART } from '../../lib/config/versions';
import { certManagerValues } from '../../lib/constructs/cert-manager';
import { schemasDir } from '../conformance/kubernetes-schemas';
import { synthPlatform, SynthesizedPlatform } from '../util';

/** cert-manager's values.schema.json of the pinned chart (see ../shared/schemas/SOURCES.md). */
const VALUES_SCHEMA = path.join(schemasDir(), 'helm-values', 'cert-manager.schema.json');
const schemaAvailable = fs.existsSync(VALUES_SCHEMA);
if (!schemaAvailable && process.env.CI === 'true') {
  throw new Error(`${VALUES_SCHEMA} not found: the values check cannot be skipped in CI`);
}

let platform: SynthesizedPlatform;
let template: Template;
let chart: { id: string; properties: any; values: any };

beforeAll(() => {
  platform = synthPlatform();
  template = platform.template;
  const [id, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
    ([, r]: any) => r.Properties.Release === 'cert-manager',
  ) as [string, any];
  chart = { id, properties: resource.Properties, values: JSON.parse(resource.Properties.Values) };
});

/** Validates chart values against cert-manager's own schema, as `helm install` does. */
function valuesProblems(values: unknown): string[] {
  const schema = JSON.parse(fs.readFileSync(VALUES_SCHEMA, 'utf8'));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

test('cert-manager is installed from the pinned chart, with its CRDs, into its own namespace', () => {
  expect(chart.properties).toMatchObject({
    Chart: 'cert-manager',
    Repository: 'https://charts.jetstack.io',
    Version: CERT_MANAGER_CHART.version,
    Namespace: 'cert-manager',
    CreateNamespace: true,
    Wait: true,
  });
  // A pinned release, not a range; cert-manager's chart versions carry a `v`.
  expect(CERT_MANAGER_CHART.version).toMatch(/^v1\.\d+\.\d+$/);
  expect(chart.values.crds).toEqual({ enabled: true, keep: true });
  expect(chart.properties.SkipCrds).toBeUndefined();
});

test('every component runs on the system pool, with requests and limits', () => {
  for (const component of ['controller', 'webhook', 'cainjector', 'startupapicheck']) {
    const values = component === 'controller' ? chart.values : chart.values[component];
    expect({ component, nodeSelector: values.nodeSelector }).toEqual({
      component,
      nodeSelector: { [NODE_POOL_LABEL]: SYSTEM_POOL },
    });
    expect(Object.keys(values.resources.requests)).toEqual(['cpu', 'memory']);
    expect(Object.keys(values.resources.limits)).toEqual(['cpu', 'memory']);
  }
});

test('it is installed once the system pool exists, and holds no AWS identity', () => {
  const dependsOn: string[] = template.toJSON().Resources[chart.id].DependsOn ?? [];
  expect(dependsOn.some((id) => id.startsWith('SystemNodePool'))).toBe(true);
  // It signs with the in-cluster CA only: no IRSA role, no Pod Identity association.
  expect(JSON.stringify(chart.values)).not.toContain('eks.amazonaws.com/role-arn');
  const associations = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).filter(
    (association: any) => association.Properties.Namespace === 'cert-manager',
  );
  expect(associations).toEqual([]);
});

test('the platform CA is applied after cert-manager, whose webhook admits its objects', () => {
  expect(platform.stack.platformCa.node.dependencies).toContain(platform.stack.certManager.chart);
});

test('an output gives the command that exports the CA certificate, never the key', () => {
  const outputs = template.findOutputs('PlatformCaCommand');
  const command: string = Object.values(outputs)[0].Value;
  expect(command).toBe(
    "kubectl -n cert-manager get secret platform-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d > platform-ca.crt",
  );
  expect(command).not.toContain('tls.key');
});

(schemaAvailable ? describe : describe.skip)("the values pass the chart's values.schema.json", () => {
  test('the synthesized values', () => {
    expect(valuesProblems(chart.values)).toEqual([]);
  });

  test('the check catches a misspelled key', () => {
    const values = certManagerValues({ key: NODE_POOL_LABEL, value: SYSTEM_POOL }) as any;
    expect(valuesProblems({ ...values, webhook: { ...values.webhook, nodeSelektor: {} } })).toEqual([
      expect.stringContaining('/webhook must NOT have additional properties'),
    ]);
  });
});
