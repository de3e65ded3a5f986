/**
 * The objects of a major upgrade's start step and of a paused cluster against the real PGO
 * v6 CRDs (../shared/schemas/crds): PGUpgrade is served as v1beta1 only, and its CRD carries
 * the CEL rule fromPostgresVersion < toPostgresVersion.
 */
import { KubernetesSchemas, schemasAvailable } from './kubernetes-schemas';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';
import { configWith } from '../util';

const describeWithSchemas = schemasAvailable() ? describe : describe.skip;

describeWithSchemas('a major upgrade conforms to the PGO CRDs', () => {
  const schemas = new KubernetesSchemas();
  const objects = synthTenantChart(
    configWith((d) => {
      d.tenants[1].upgrade = { from: 16, to: 17 };
    }).tenants[1],
    {
      images: { upgrade: 'registry.example.com/crunchy-upgrade:ubi9-17.5-2520' },
      imagePullSecretNames: ['internal-registry'],
    },
  );

  test('the PGUpgrade validates against its v1beta1 schema', () => {
    const upgrade = objects.find((object) => object.kind === 'PGUpgrade');
    expect([upgrade.apiVersion, schemas.validate(upgrade)]).toEqual([
      'postgres-operator.crunchydata.com/v1beta1',
      [],
    ]);
  });

  test('the shut-down, annotated PostgresCluster validates against its v1 schema', () => {
    const cluster = objects.find((object) => object.kind === 'PostgresCluster');
    expect([cluster.spec.shutdown, schemas.validate(cluster)]).toEqual([true, []]);
  });

  test('a paused PostgresCluster validates too', () => {
    const paused = synthTenantChart(configWith((d) => (d.tenants[1].paused = true)).tenants[1]).find(
      (object) => object.kind === 'PostgresCluster',
    );
    expect([paused.spec.paused, schemas.validate(paused)]).toEqual([true, []]);
  });

  test('a PGUpgrade field the CRD does not declare is caught (the check can fail)', () => {
    const upgrade = objects.find((object) => object.kind === 'PGUpgrade');
    const wrong = { ...upgrade, spec: { ...upgrade.spec, toPostgresImage: 'x' } };
    expect(schemas.validate(wrong)).not.toEqual([]);
  });
});
