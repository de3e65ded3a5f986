/**
 * Every resource that holds data or keys survives its removal from a stack, a changed logical
 * ID and a destroyed stack: DeletionPolicy and UpdateReplacePolicy Retain
 * (RemovalPolicy.RETAIN), checked over every stack of the example configuration. Deleting a
 * KMS key makes everything it encrypted unreadable; deleting the manifest holding a
 * PostgresCluster runs `kubectl delete` on the database (custom-resource-handlers aws-eks-v2
 * kubectl-handler apply, Delete request).
 */
import { createEnvironmentStacks } from '../../lib/environment';
import { MANIFEST_RESOURCE_TYPE } from '../../lib/review/kubernetes-diff';
import { STATEFUL_RESOURCE_TYPES } from '../../lib/review/stateful-resources';
import { configWith, exampleConfig, newApp } from '../util';
import type { EnvironmentConfig } from '../../lib/config/schema';

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** `stack/logicalId` -> resource, over every stack of `config`. */
function resourcesOf(config: EnvironmentConfig): Map<string, Resource> {
  const app = newApp();
  createEnvironmentStacks(app, config);
  const resources = new Map<string, Resource>();
  for (const stack of app.synth().stacks) {
    for (const [id, resource] of Object.entries<Resource>(stack.template.Resources)) {
      resources.set(`${stack.stackName}/${id}`, resource);
    }
  }
  return resources;
}

/** Types that hold data or keys: all of them are retained. */
const DATA_TYPES = ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup'];

/**
 * Stateful types that are not retained, and why. A resource here holds no data of its own,
 * or retaining it would keep something running that nothing manages.
 */
const NOT_RETAINED: Record<string, string> = {
  'AWS::EC2::VPC': 'holds no data; a retained VPC would keep its NAT gateways and subnets',
  'AWS::EKS::Cluster':
    'its etcd holds objects the stacks re-apply; data lives on EBS volumes (StorageClass reclaimPolicy Retain) and in the retained buckets',
  'AWS::EKS::Nodegroup': 'nodes are disposable: volumes are separate EBS volumes',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'holds no data; deletion protection guards it instead',
  'AWS::EC2::VPCEndpointService': 'holds no data; its name is the contract, kept by a stable logical ID',
  'Custom::AWSCDK-EKS-HelmChart':
    'Helm never deletes the CRDs of a chart crds/ folder, where the pgo chart ships them (CrunchyData/postgres-operator-examples helm/install/crds/): PostgresClusters survive a removed release',
  [MANIFEST_RESOURCE_TYPE]:
    'manifests without a PostgresCluster hold no data; the one with it is retained (below)',
};

const holdsPostgresCluster = (resource: Resource) =>
  resource.Type === MANIFEST_RESOURCE_TYPE &&
  JSON.stringify(resource.Properties?.Manifest ?? '').includes('\\"kind\\":\\"PostgresCluster\\"');

const policies = (resource: Resource) => ({
  DeletionPolicy: resource.DeletionPolicy,
  UpdateReplacePolicy: resource.UpdateReplacePolicy,
});
const RETAIN = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };

let example: Map<string, Resource>;
beforeAll(() => {
  example = resourcesOf(exampleConfig());
});

const ofTypes = (resources: Map<string, Resource>, types: string[]) =>
  [...resources].filter(([, resource]) => types.includes(resource.Type));

test('every key, bucket, secret and log group is retained', () => {
  const found = ofTypes(example, DATA_TYPES);
  // Per tenant a backup key, bucket and passphrase secret; the platform's keys, log bucket and logs.
  expect(found.length).toBeGreaterThanOrEqual(11);
  expect(found.filter(([, resource]) => resource.DeletionPolicy !== 'Retain').map(([id]) => id)).toEqual([]);
  expect(found.filter(([, resource]) => resource.UpdateReplacePolicy !== 'Retain').map(([id]) => id)).toEqual(
    [],
  );
});

test("every tenant's PostgresCluster manifest is retained", () => {
  const databases = [...example].filter(([, resource]) => holdsPostgresCluster(resource));
  expect(databases.map(([id]) => id.split('/')[0]).sort()).toEqual([
    'example-tenant-analytics',
    'example-tenant-orders',
  ]);
  for (const [, resource] of databases) {
    expect(policies(resource)).toEqual(RETAIN);
  }
});

test('a tenant being decommissioned lets the destroy delete its database, and keeps the rest', () => {
  const decommissioning = resourcesOf(configWith((doc) => (doc.tenants[0].decommission = true)));
  const orders = [...decommissioning].filter(([id]) => id.startsWith('example-tenant-orders/'));
  const [[, database]] = orders.filter(([, resource]) => holdsPostgresCluster(resource));
  expect(policies(database)).toEqual({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  for (const [, resource] of orders.filter(([, resource]) => DATA_TYPES.includes(resource.Type))) {
    expect(policies(resource)).toEqual(RETAIN);
  }
});

test('every stateful type is either retained or says why not', () => {
  const undecided = STATEFUL_RESOURCE_TYPES.filter(
    (type) => !DATA_TYPES.includes(type) && !(type in NOT_RETAINED),
  );
  expect(undecided).toEqual([]);
});

test('the database volumes outlive their claims: the StorageClass reclaims them with Retain', () => {
  const storageClasses = [...example]
    .filter(([, resource]) => resource.Type === MANIFEST_RESOURCE_TYPE)
    .map(([, resource]) => JSON.stringify(resource.Properties?.Manifest ?? ''))
    .filter((manifest) => manifest.includes('\\"kind\\":\\"StorageClass\\"'));
  expect(storageClasses).toHaveLength(1);
  expect(storageClasses[0]).toContain('\\"reclaimPolicy\\":\\"Retain\\"');
});
