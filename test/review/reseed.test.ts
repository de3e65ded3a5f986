/**
 * The review flags a data source added to an existing PostgresCluster: PGO would stop it and
 * restore the source over its data (cluster.go `reconcileDataSource`). A new clone, or a clone
 * that drops its data source once it runs, is no risk.
 */
import { reseededClusters } from '../../lib/review/kubernetes-diff';
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
