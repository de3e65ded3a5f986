/**
 * The objects of every backup operation (on-demand backup, in-place restore, clones from a live
 * and a destroyed tenant, auto-grow limit) conform to the PGO v6 CRD and the other schemas, as
 * the example's objects do (manifests.test.ts): a misspelled field would be pruned by the API
 * server and the operation would silently not happen.
 */
import { KubernetesSchemas, schemasAvailable } from './kubernetes-schemas';
import { manifestsOf } from './template-manifests';
import { createEnvironmentStacks } from '../../lib/environment';
import { withBackupOperations } from '../fixtures/backup-operations';
import { configWith, newApp } from '../util';

const describeWithSchemas = schemasAvailable() ? describe : describe.skip;

describeWithSchemas('objects of the backup operations', () => {
  let schemas: KubernetesSchemas;
  let objects: { source: string; object: any }[];

  beforeAll(() => {
    schemas = new KubernetesSchemas();
    const app = newApp();
    createEnvironmentStacks(app, configWith(withBackupOperations));
    objects = app
      .synth()
      .stacks.filter((stack) => stack.stackName.includes('-tenant-'))
      .flatMap((stack) =>
        manifestsOf(stack.template).flatMap((manifest) =>
          manifest.objects.map((object) => ({ source: stack.stackName, object })),
        ),
      );
  });

  test('use each operation, so the check below covers them', () => {
    const clusters = objects
      .filter(({ object }) => object.kind === 'PostgresCluster')
      .map(({ object }) => object);
    expect(clusters.map((cluster) => Object.keys(cluster.metadata.annotations).sort())).toContainEqual([
      'postgres-operator.crunchydata.com/autoCreateUserSchema',
      'postgres-operator.crunchydata.com/pgbackrest-backup',
      'postgres-operator.crunchydata.com/pgbackrest-restore',
    ]);
    expect(clusters.filter((cluster) => cluster.spec.dataSource?.pgbackrest)).toHaveLength(2);
    expect(clusters.filter((cluster) => cluster.spec.backups.pgbackrest.restore)).toHaveLength(1);
    expect(
      clusters.filter((cluster) => cluster.spec.instances[0].dataVolumeClaimSpec.resources.limits),
    ).toHaveLength(1);
  });

  test('each PostgresCluster validates against the PGO v6 CRD', () => {
    const problems = objects
      .filter(({ object }) => object.kind === 'PostgresCluster')
      .flatMap(({ source, object }) => schemas.validate(object).map((problem) => `${source}: ${problem}`));
    expect(problems).toEqual([]);
  });

  test('every other object with a schema validates too', () => {
    const known = new Set(schemas.knownKinds());
    const problems = objects
      .filter(({ object }) => known.has(`${object.apiVersion} ${object.kind}`))
      .flatMap(({ source, object }) => schemas.validate(object).map((problem) => `${source}: ${problem}`));
    expect(problems).toEqual([]);
  });
});
