import { Match, Template } from 'aws-cdk-lib/assertions';
import { CHART_CRDS_RESOURCE_TYPE } from '../../lib/constructs/chart-crds';
import { POSTGRES_OPERATOR_CHART } from '../../lib/config/versions';
import { NODE_POOL_LABEL } from '../../k8s/node-pools';
import { configWith, synthPlatform } from '../util';

function operatorChart(template: Template): { id: string; resource: any; values: any } {
  const [id, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
    ([, r]: any) => r.Properties.Release === 'pgo',
  ) as [string, any];
  return { id, resource, values: JSON.parse(resource.Properties.Values) };
}

let chart: ReturnType<typeof operatorChart>;
let template: Template;
beforeAll(() => {
  template = synthPlatform().template;
  chart = operatorChart(template);
});

test('PGO is installed from the pinned OCI chart into its own namespace', () => {
  expect(chart.resource.Properties).toMatchObject({
    Repository: POSTGRES_OPERATOR_CHART.repository,
    Version: POSTGRES_OPERATOR_CHART.version,
    Namespace: 'postgres-operator',
    CreateNamespace: true,
    Wait: true,
  });
  expect(POSTGRES_OPERATOR_CHART.repository).toBe(
    'oci://registry.developers.crunchydata.com/crunchydata/pgo',
  );
  expect(POSTGRES_OPERATOR_CHART.version).toMatch(/^6\.0\.\d+$/);
});

test('the CRDs come from the chart, not as inline manifests', () => {
  const crdManifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(
    (r: any) => JSON.stringify(r.Properties.Manifest).includes('CustomResourceDefinition'),
  );
  expect(crdManifests).toEqual([]);
  expect(chart.resource.Properties.SkipCrds).toBeUndefined();
});

test('two operator replicas elect a leader', () => {
  expect(chart.values).toMatchObject({ replicas: 2, pgoControllerLeaseName: expect.any(String) });
});

test('the operator runs on the system pool, spread across zones', () => {
  expect(chart.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
    nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'In', values: ['system'] }] }],
  });
  expect(
    chart.values.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm,
  ).toEqual({
    topologyKey: 'topology.kubernetes.io/zone',
    labelSelector: { matchLabels: { 'postgres-operator.crunchydata.com/control-plane': 'pgo' } },
  });
});

test('is installed once the system nodes exist', () => {
  const systemNodegroup = Object.keys(template.findResources('AWS::EKS::Nodegroup')).find((id) =>
    id.startsWith('System'),
  );
  expect(chart.resource.DependsOn).toContain(systemNodegroup);
});

test('uses the images the chart names unless the config overrides them', () => {
  expect(chart.values.controllerImages).toBeUndefined();
  expect(chart.values.relatedImages).toBeUndefined();
  expect(chart.values.imagePullSecretNames).toBeUndefined();
});

test('every image can be overridden, with pull secrets', () => {
  const registry = 'registry.example.com/postgres';
  const overridden = operatorChart(
    synthPlatform(
      configWith((d) => {
        d.images = {
          operator: `${registry}/postgres-operator:ubi9-6.0.3-0`,
          postgres: {
            '17': `${registry}/crunchy-postgres:ubi9-17.6-2530`,
            '16': `${registry}/crunchy-postgres:ubi9-16.10-2530`,
          },
          pgbackrest: `${registry}/crunchy-pgbackrest:ubi9-2.56.0-2530`,
          pgbouncer: `${registry}/crunchy-pgbouncer:ubi9-1.24-2530`,
          exporter: `${registry}/crunchy-postgres-exporter:ubi9-0.17.1-2530`,
          upgrade: `${registry}/crunchy-upgrade:ubi9-17.6-2530`,
          pullSecretNames: ['internal-registry'],
        };
      }),
    ).template,
  ).values;
  expect(overridden.controllerImages).toEqual({ cluster: `${registry}/postgres-operator:ubi9-6.0.3-0` });
  expect(overridden.relatedImages).toEqual({
    postgres_16: { image: `${registry}/crunchy-postgres:ubi9-16.10-2530` },
    postgres_17: { image: `${registry}/crunchy-postgres:ubi9-17.6-2530` },
    pgbackrest: { image: `${registry}/crunchy-pgbackrest:ubi9-2.56.0-2530` },
    pgbouncer: { image: `${registry}/crunchy-pgbouncer:ubi9-1.24-2530` },
    pgexporter: { image: `${registry}/crunchy-postgres-exporter:ubi9-0.17.1-2530` },
    pgupgrade: { image: `${registry}/crunchy-upgrade:ubi9-17.6-2530` },
  });
  expect(overridden.imagePullSecretNames).toEqual(['internal-registry']);
});

test('an image without a tag or digest is rejected', () => {
  expect(() => configWith((d) => (d.images = { pgbouncer: 'registry.example.com/pgbouncer' }))).toThrow(
    /images\.pgbouncer: got "registry\.example\.com\/pgbouncer", expected a full image reference with a tag or digest/,
  );
});

describe("the chart's CRDs, applied before the release on every chart version", () => {
  const crds = () => {
    const [id, resource] = Object.entries(template.findResources(CHART_CRDS_RESOURCE_TYPE))[0] as [
      string,
      any,
    ];
    return { id, resource };
  };

  test('name the same chart and version as the release', () => {
    expect(crds().resource.Properties).toMatchObject({
      Repository: POSTGRES_OPERATOR_CHART.repository,
      Chart: 'pgo',
      Version: POSTGRES_OPERATOR_CHART.version,
    });
  });

  test('are applied before the release is installed or upgraded', () => {
    expect(chart.resource.DependsOn).toContain(crds().id);
  });

  test("wait, on a new cluster, for the kubectl role's cluster-admin access", () => {
    const [barrier] = Object.keys(template.findResources('AWS::SSM::Parameter')).filter((id) =>
      id.includes('KubectlReadyBarrier'),
    );
    expect(crds().resource.DependsOn).toContain(barrier);
  });

  test("are applied by the kubectl handler's role, which EKS already makes cluster admin", () => {
    const [handler] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: {
          Handler: 'index.handler',
          Description: Match.stringLikeRegexp('CRDs of Helm chart pgo'),
        },
      }),
    ) as any[];
    const [kubectlHandler] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: {
          Description: Match.stringLikeRegexp('onEvent handler for EKS kubectl resource provider'),
        },
      }),
    ) as any[];
    expect(handler.Properties.Role).toEqual(kubectlHandler.Properties.Role);
  });

  test('are never inlined: no manifest carries a CustomResourceDefinition', () => {
    const resources = template.toJSON().Resources as Record<string, any>;
    const inlined = Object.values(resources).filter((resource) =>
      JSON.stringify(resource.Properties ?? {}).includes('"kind":"CustomResourceDefinition"'),
    );
    expect(inlined).toEqual([]);
  });
});

test('PGO runs with the AutoGrowVolumes feature gate, so a tenant storageLimit lets volumes grow', () => {
  // Off by default (PGO internal/feature/features.go); the chart maps `features` to PGO_FEATURE_GATES.
  expect(chart.values.features).toMatchObject({ AutoGrowVolumes: true });
});

test('PGO runs with the PGBouncerSidecars feature gate, so the PgBouncer exporter sidecar is added', () => {
  // Off by default (PGO internal/feature/features.go); without it PGO ignores
  // spec.proxy.pgBouncer.containers (internal/pgbouncer/reconcile.go Pod).
  expect(chart.values.features).toMatchObject({ PGBouncerSidecars: true });
});
