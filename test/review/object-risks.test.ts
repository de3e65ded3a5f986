/**
 * Changes the review flags as data-loss risks although no resource is deleted: a data source
 * added to an existing PostgresCluster (PGO would restore the source over its data,
 * cluster.go `reconcileDataSource`), and a new in-place restore (pgbackrest.go
 * `prepareForRestore`). A new clone, a clone that drops its data source, and a restore id
 * deployed again are no risk.
 */
import { inPlaceRestores, reseededClusters } from '../../lib/review/kubernetes-diff';
import { configWith } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';

const cloneSource = {
  bucketName: 'example-tenant-analytics-backupbucket-1a2b3c',
  repositoryPath: '/pgbackrest/repo1',
  passphraseSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:analytics-cipher-AbCdEf',
  passphraseReaderRoleArn: 'arn:aws:iam::111111111111:role/orders-clone-passphrase-reader',
};
const orders = (cloned: boolean) => {
  const tenant = configWith((doc) => {
    if (cloned) {
      doc.tenants[0].cloneFrom = { tenant: 'analytics' };
      doc.tenants[0].postgresVersion = 16;
    }
  }).tenants[0];
  return synthTenantChart(tenant, cloned ? { cloneSource } : {});
};

test('adding cloneFrom to an existing tenant is a data-loss risk', () => {
  expect(reseededClusters(orders(false), orders(true))).toEqual([
    'PostgresCluster tenant-orders/orders gets spec.dataSource: PGO re-bootstraps an existing cluster from it, ' +
      'replacing its data (cloneFrom is for new tenants only)',
  ]);
});

test('a new tenant with cloneFrom, or one that drops it, is not', () => {
  expect(reseededClusters([], orders(true))).toEqual([]);
  expect(reseededClusters(orders(true), orders(false))).toEqual([]);
  expect(reseededClusters(orders(true), orders(true))).toEqual([]);
});

const restoring = (id?: string) =>
  synthTenantChart(
    configWith((doc) => {
      if (id) {
        doc.tenants[0].restore = { id, targetTime: '2026-11-25T09:30:00Z' };
      }
    }).tenants[0],
  );

test('a new in-place restore is a data-loss risk, naming its id and target', () => {
  expect(inPlaceRestores(restoring(), restoring('r1'))).toEqual([
    'PostgresCluster tenant-orders/orders restores in place (postgres-operator.crunchydata.com/pgbackrest-restore: r1, ' +
      '--target="2026-11-25 09:30:00+00:00"): every instance stops and data written after the target is lost',
  ]);
  expect(inPlaceRestores(restoring('r1'), restoring('r2'))).toHaveLength(1);
});

test('the same restore id again, its removal, or a restore in a new tenant is not', () => {
  expect(inPlaceRestores(restoring('r1'), restoring('r1'))).toEqual([]);
  expect(inPlaceRestores(restoring('r1'), restoring())).toEqual([]);
  expect(inPlaceRestores([], restoring('r1'))).toEqual([]);
});
