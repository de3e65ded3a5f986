import { KubernetesSchemas, schemasAvailable, schemasDir } from './kubernetes-schemas';
import { manifestsOf } from './template-manifests';
import { createEnvironmentStacks } from '../../lib/environment';
import { exampleConfig, newApp } from '../util';

const available = schemasAvailable();
if (!available) {
  if (process.env.CI === 'true') {
    throw new Error(`Kubernetes schemas not found at ${schemasDir()}: conformance cannot be skipped in CI`);
  }
  // Straight to stderr: jest drops the buffered console output of a file whose tests all skip.
  process.stderr.write(
    `\nNOTICE: conformance tests skipped, no schemas at ${schemasDir()} (set SCHEMAS_DIR)\n\n`,
  );
}
const describeWithSchemas = available ? describe : describe.skip;

/**
 * Kinds checked by their TypeScript interfaces only, while no schema for them can be had
 * offline: External Secrets Operator's CRDs are not in ../shared/schemas, and the only npm
 * package of ESO models (`@kubernetes-models/external-secrets` 2.0.0) is generated from ESO
 * 0.16's Go types, not from the CRDs of the pinned 2.0 chart (see k8s/external-secrets.ts).
 * A kind leaves this list by itself as soon as the schema directory has its CRD.
 */
const TYPED_ONLY_KINDS = [
  'external-secrets.io/v1 ExternalSecret',
  'external-secrets.io/v1 SecretStore',
  // ESO's Password generator (k8s/generated-password.ts), for each pgAdmin user and Grafana's admin.
  'generators.external-secrets.io/v1alpha1 Password',
];

describeWithSchemas('every Kubernetes object the app applies conforms to its schema', () => {
  let schemas: KubernetesSchemas;
  let objects: { source: string; object: any }[];

  beforeAll(() => {
    schemas = new KubernetesSchemas();
    const app = newApp();
    createEnvironmentStacks(app, exampleConfig());
    objects = app
      .synth()
      .stacks.flatMap((stack) =>
        manifestsOf(stack.template).flatMap((manifest) =>
          manifest.objects.map((object) => ({ source: `${stack.stackName}/${manifest.logicalId}`, object })),
        ),
      );
  });

  test("the example applies the platform objects and each tenant's objects", () => {
    const kinds = objects.map(
      ({ source, object }) => `${source.split('/')[0]} ${object.kind}/${object.metadata.name}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'example-platform ServiceAccount/aws-load-balancer-controller',
        'example-platform StorageClass/gp3',
        'example-tenant-orders Namespace/tenant-orders',
        'example-tenant-orders PostgresCluster/orders',
        'example-tenant-orders NetworkPolicy/default-deny',
        'example-tenant-analytics PostgresCluster/analytics',
      ]),
    );
  });

  test('each object validates against the Kubernetes 1.35 or CRD schema', () => {
    const known = new Set(schemas.knownKinds());
    const typedOnly = TYPED_ONLY_KINDS.filter((kind) => !known.has(kind));
    if (typedOnly.length > 0) {
      process.stderr.write(
        `\nNOTICE: checked by TypeScript types only, no schema offline: ${typedOnly.join(', ')}\n`,
      );
    }
    const problems = objects
      .filter(({ object }) => !typedOnly.includes(`${object.apiVersion} ${object.kind}`))
      .flatMap(({ source, object }) => schemas.validate(object).map((p) => `${source}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('only the External Secrets kinds go without a schema, and the app does apply them', () => {
    const known = new Set(schemas.knownKinds());
    const withoutSchema = [...new Set(objects.map(({ object }) => `${object.apiVersion} ${object.kind}`))]
      .filter((kind) => !known.has(kind))
      .sort();
    expect(withoutSchema).toEqual(TYPED_ONLY_KINDS.filter((kind) => !known.has(kind)));
    expect(objects.map(({ object }) => `${object.apiVersion} ${object.kind}`)).toEqual(
      expect.arrayContaining(TYPED_ONLY_KINDS),
    );
  });
});

describeWithSchemas('the validator', () => {
  let schemas: KubernetesSchemas;
  beforeAll(() => {
    schemas = new KubernetesSchemas();
  });

  test('rejects a misspelled field of a core kind', () => {
    const problems = schemas.validate({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3' },
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMod: 'WaitForFirstConsumer',
    });
    expect(problems).toEqual([
      expect.stringContaining('must NOT have additional properties (volumeBindingMod)'),
    ]);
  });

  test('rejects a wrong type in a custom resource', () => {
    const problems = schemas.validate({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'orders', namespace: 'orders' },
      spec: {
        serviceRef: { name: 'orders-pgbouncer', port: 5432 },
        targetGroupARN: 'arn',
        targetType: 'pod',
      },
    });
    expect(problems).toEqual([
      expect.stringContaining('/spec/targetType: must be equal to one of the allowed values'),
    ]);
  });

  test('rejects an unknown field in a custom resource, which the API server would prune', () => {
    const problems = schemas.validate({
      apiVersion: 'postgres-operator.crunchydata.com/v1',
      kind: 'PostgresCluster',
      metadata: { name: 'orders' },
      spec: { postgresVersion: 17, instances: [{ dataVolumeClaimSpec: {} }], backups: {}, replica: 2 },
    });
    expect(problems).toContainEqual(expect.stringContaining('(replica)'));
  });

  test('rejects metadata that is not ObjectMeta', () => {
    const problems = schemas.validate({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'ca', labels: { team: 7 } },
      spec: { selfSigned: {} },
    });
    expect(problems).toEqual([expect.stringContaining('/metadata/labels/team: must be string')]);
  });

  test('rejects a kind it has no schema for', () => {
    expect(schemas.validate({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual([
      'example.com/v1 Widget: no schema for this apiVersion and kind',
    ]);
  });

  test('knows the PostgresCluster v1 and v1beta1 versions PGO v6 serves', () => {
    expect(schemas.knownKinds()).toEqual(
      expect.arrayContaining([
        'postgres-operator.crunchydata.com/v1 PostgresCluster',
        'postgres-operator.crunchydata.com/v1beta1 PostgresCluster',
        'elbv2.k8s.aws/v1beta1 TargetGroupBinding',
      ]),
    );
  });
});
