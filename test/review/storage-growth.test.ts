/**
 * How the review command's storage guard sees a volume PGO may have grown: the grown size is
 * in PGO's status, never in the spec, so a request below it is fine (PGO requests the larger:
 * autogrow.go `getDesiredVolumeSize`), while a lower or removed limit may ask PGO to shrink a
 * grown claim, which the API server refuses (autogrow.go `setVolumeSize`).
 */
import { storageDecreases } from '../../lib/review/kubernetes-diff';
import { configWith } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';

const ordersObjects = (storage: string, storageLimit?: string) =>
  synthTenantChart(
    configWith((doc) => {
      doc.tenants[0].storage = storage;
      doc.tenants[0].storageLimit = storageLimit;
    }).tenants[0],
  );

test('a request raised below the grown size is fine', () => {
  expect(storageDecreases(ordersObjects('50Gi', '200Gi'), ordersObjects('100Gi', '200Gi'))).toEqual([]);
});

test('raising the limit is fine', () => {
  expect(storageDecreases(ordersObjects('50Gi', '200Gi'), ordersObjects('50Gi', '400Gi'))).toEqual([]);
});

test('a lower limit is flagged: the volume may already be larger', () => {
  expect(storageDecreases(ordersObjects('50Gi', '200Gi'), ordersObjects('50Gi', '150Gi'))).toEqual([
    'PostgresCluster tenant-orders/orders instance set pg: storage limit got 150Gi, expected 200Gi or more ' +
      '(the previous limit): the volume may have grown up to it, and a PersistentVolumeClaim never shrinks',
  ]);
});

test('removing the limit is flagged unless the request reaches the previous limit', () => {
  expect(storageDecreases(ordersObjects('50Gi', '200Gi'), ordersObjects('50Gi'))).toEqual([
    expect.stringContaining('storage limit got none, expected 200Gi or more'),
  ]);
  expect(storageDecreases(ordersObjects('50Gi', '200Gi'), ordersObjects('200Gi'))).toEqual([]);
});

test('a lower request is still flagged with a limit: an ungrown claim cannot shrink', () => {
  expect(storageDecreases(ordersObjects('100Gi', '200Gi'), ordersObjects('50Gi', '200Gi'))).toEqual([
    expect.stringContaining('storage got 50Gi, expected 100Gi or more'),
  ]);
});
