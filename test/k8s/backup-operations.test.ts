/**
 * What the backup settings of a tenant become in its Kubernetes objects. PGO acts on a change
 * of an annotation value, never on the same value again (internal/controller/postgrescluster
 * pgbackrest.go `reconcileManualBackup`, cluster.go `reconcileDataSource`), so the tests check
 * which fields a config change touches, as the review command shows them.
 */
import { BACKUP_ANNOTATION, RESTORE_ANNOTATION } from '../../k8s/backup-operations';
import type { TenantConfig } from '../../lib/config/tenant-schema';
import { diffObjects, KubernetesObject } from '../../lib/review/kubernetes-diff';
import { configWith } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

type Edit = (tenant: Record<string, any>) => void;

/** The `orders` tenant of the example, edited. */
const orders = (edit: Edit = () => undefined): TenantConfig =>
  configWith((doc) => edit(doc.tenants[0])).tenants[0];
const clusterOf = (objects: any[]) => objects.find((object) => object.kind === 'PostgresCluster');
/** The changed fields between the charts of two versions of `orders`, as `Kind name path`. */
function changedFields(before: Edit, after: Edit): string[] {
  const objects = (edit: Edit) => synthTenantChart(orders(edit)) as KubernetesObject[];
  return diffObjects(objects(before), objects(after)).flatMap((change) =>
    change.change === 'modified'
      ? change.fields.map((field) => `${change.kind} ${field.path}`)
      : [`${change.change} ${change.object}`],
  );
}

const onDemand =
  (id: string, type?: string): Edit =>
  (tenant) =>
    (tenant.backups.onDemand = { id, type });
const restore =
  (id: string, targetTime = '2026-11-25T09:30:00Z'): Edit =>
  (tenant) =>
    (tenant.restore = { id, targetTime });

describe('schedules and retention', () => {
  test.each<[string, Edit, string[]]>([
    [
      'the full schedule',
      (t) => (t.backups.fullSchedule = '0 3 * * 0'),
      ['spec.backups.pgbackrest.repos[0].schedules.full'],
    ],
    [
      'the differential schedule',
      (t) => (t.backups.differentialSchedule = '0 3 * * 1-6'),
      ['spec.backups.pgbackrest.repos[0].schedules.differential'],
    ],
    [
      'the full retention',
      (t) => (t.backups.fullRetention = 8),
      ['spec.backups.pgbackrest.global.repo1-retention-full'],
    ],
    [
      'a differential retention',
      (t) => (t.backups.differentialRetention = 6),
      ['spec.backups.pgbackrest.global.repo1-retention-diff'],
    ],
  ])('changing %s changes that one field of the PostgresCluster', (_, edit, paths) => {
    expect(changedFields(() => undefined, edit)).toEqual(paths.map((path) => `PostgresCluster ${path}`));
  });

  test('a differential retention counts differential backups in pgBackRest terms', () => {
    const global = clusterOf(synthTenantChart(orders((t) => (t.backups.differentialRetention = 6)))).spec
      .backups.pgbackrest.global;
    expect(global).toMatchObject({
      'repo1-retention-full': '4',
      'repo1-retention-full-type': 'count',
      'repo1-retention-diff': '6',
    });
  });
});

describe('on-demand backups', () => {
  test('are requested with the pgbackrest-backup annotation, valued with the id', () => {
    const cluster = clusterOf(synthTenantChart(orders(onDemand('2026-11-25-before-upgrade'))));
    expect(cluster.metadata.annotations[BACKUP_ANNOTATION]).toBe('2026-11-25-before-upgrade');
    expect(cluster.spec.backups.pgbackrest.manual).toEqual({ repoName: 'repo1', options: ['--type=full'] });
  });

  test('deploying the same id again changes nothing, so PGO takes no second backup', () => {
    expect(changedFields(onDemand('b1'), onDemand('b1'))).toEqual([]);
  });

  test('a new id changes only the annotation, so PGO takes one new backup', () => {
    expect(changedFields(onDemand('b1'), onDemand('b2'))).toEqual([
      `PostgresCluster metadata.annotations["${BACKUP_ANNOTATION}"]`,
    ]);
  });

  test('the type becomes the backup command option', () => {
    expect(
      clusterOf(synthTenantChart(orders(onDemand('b1', 'diff')))).spec.backups.pgbackrest.manual.options,
    ).toEqual(['--type=diff']);
  });

  test('without one, no annotation asks for a backup', () => {
    expect(clusterOf(synthTenantChart(orders())).metadata.annotations).not.toHaveProperty(BACKUP_ANNOTATION);
  });
});

describe('in-place restore', () => {
  test('sets the pgbackrest-restore annotation and an enabled restore to the target time', () => {
    const cluster = clusterOf(synthTenantChart(orders(restore('r1'))));
    expect(cluster.metadata.annotations[RESTORE_ANNOTATION]).toBe('r1');
    expect(cluster.spec.backups.pgbackrest.restore).toMatchObject({
      enabled: true,
      repoName: 'repo1',
      options: ['--type=time', '--target="2026-11-25 09:30:00+00:00"'],
    });
  });

  test('runs its Job on the database pool, sized like an instance', () => {
    const { restore: spec } = clusterOf(synthTenantChart(orders(restore('r1')))).spec.backups.pgbackrest;
    expect(spec.tolerations).toEqual([expect.objectContaining({ key: 'postgres-platform/database' })]);
    expect(spec.resources).toEqual({
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '1', memory: '4Gi' },
    });
  });

  test('deploying the same id again changes nothing, so PGO restores nothing', () => {
    expect(changedFields(restore('r1'), restore('r1'))).toEqual([]);
  });

  test('a new id with a new target changes the annotation and the options only', () => {
    expect(changedFields(restore('r1'), restore('r2', '2026-11-25T08:00:00Z'))).toEqual([
      `PostgresCluster metadata.annotations["${RESTORE_ANNOTATION}"]`,
      'PostgresCluster spec.backups.pgbackrest.restore.options[1]',
    ]);
  });

  test('without one, the cluster has no restore section PGO could act on', () => {
    const cluster = clusterOf(synthTenantChart(orders()));
    expect(cluster.spec.backups.pgbackrest).not.toHaveProperty('restore');
    expect(cluster.metadata.annotations).not.toHaveProperty(RESTORE_ANNOTATION);
  });
});

describe('storage auto-grow', () => {
  test('storageLimit becomes the limit PGO grows the data volume to', () => {
    const claim = clusterOf(synthTenantChart(orders((t) => (t.storageLimit = '200Gi')))).spec.instances[0]
      .dataVolumeClaimSpec;
    expect(claim.resources).toEqual({ requests: { storage: '50Gi' }, limits: { storage: '200Gi' } });
  });

  test('adding it changes only the volume limit, never the request', () => {
    expect(
      changedFields(
        () => undefined,
        (t) => (t.storageLimit = '200Gi'),
      ),
    ).toEqual(['PostgresCluster spec.instances[0].dataVolumeClaimSpec.resources.limits']);
  });
});

describe('a tenant cloned from another repository', () => {
  const cloneSource = {
    bucketName: 'example-tenant-orders-backupbucket-1a2b3c',
    repositoryPath: '/pgbackrest/repo1',
    passphraseSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-cipher-AbCdEf',
    passphraseReaderRoleArn: 'arn:aws:iam::111111111111:role/copy-clone-passphrase-reader',
  };
  const copy = configWith((doc) =>
    doc.tenants.push({
      ...doc.tenants[0],
      name: 'copy',
      cloneFrom: { tenant: 'orders', targetTime: '2026-11-25T09:00:00Z' },
    }),
  ).tenants[2];
  const objects = synthTenantChart(copy, { cloneSource });

  test("bootstraps from the source's S3 repository with the source's passphrase", () => {
    expect(clusterOf(objects).spec.dataSource.pgbackrest).toMatchObject({
      stanza: 'db',
      repo: {
        name: 'repo1',
        s3: { bucket: cloneSource.bucketName, endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
      },
      global: {
        'repo1-path': '/pgbackrest/repo1',
        'repo1-s3-key-type': 'web-id',
        'repo1-cipher-type': 'aes-256-cbc',
      },
      configuration: [{ secret: { name: 'copy-clone-source-cipher' } }],
      options: ['--type=time', '--target="2026-11-25 09:00:00+00:00"'],
    });
  });

  test("syncs the source's passphrase into its own Secret, read with the clone reader role", () => {
    const externalSecrets = objects.filter((object) => object.kind === 'ExternalSecret');
    expect(
      externalSecrets.map((object) => [object.metadata.name, object.spec.data[0].remoteRef.key]),
    ).toEqual([
      ['copy-pgbackrest-cipher', expect.stringContaining('secret:copy-cipher')],
      ['copy-clone-source-cipher', cloneSource.passphraseSecretArn],
    ]);
    const reader = objects.find(
      (object) =>
        object.kind === 'ServiceAccount' && object.metadata.name === 'copy-clone-source-cipher-reader',
    );
    expect(reader.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      cloneSource.passphraseReaderRoleArn,
    );
  });

  test('keeps backing up to its own repository with its own passphrase', () => {
    const { pgbackrest } = clusterOf(objects).spec.backups;
    expect(pgbackrest.repos[0].s3.bucket).toBe('copy-backups');
    expect(pgbackrest.configuration).toEqual([{ secret: { name: 'copy-pgbackrest-cipher' } }]);
  });

  test('a tenant that is not a clone has no data source and no second passphrase', () => {
    const plain = synthTenantChart(orders());
    expect(clusterOf(plain).spec).not.toHaveProperty('dataSource');
    expect(plain.filter((object) => object.kind === 'ExternalSecret')).toHaveLength(1);
  });
});
