/**
 * The review's rules on small hand-written templates, for the cases the example
 * configuration cannot produce today (a changed KMS key spec, a re-IDed resource, a
 * PostgresCluster dropped from a manifest).
 */
import type { CloudFormationResource } from '../../lib/review/cloud-assembly';
import { reviewAssemblies } from '../../lib/review/review';
import { diffValues, formatChange } from '../../lib/review/value-diff';
import { STATEFUL_RESOURCE_TYPES } from '../util';

/** One stack `s` holding `resources`. */
function assembly(resources: Record<string, CloudFormationResource>) {
  return { s: { Resources: resources } };
}

/** A manifest resource applying `objects`, with a token inside as the kubectl provider gets it. */
function manifest(...objects: object[]): CloudFormationResource {
  const json = JSON.stringify(objects).replace('"TOKEN"', '"@@"');
  const [head, tail] = json.split('@@');
  return {
    Type: 'Custom::AWSCDK-EKS-KubernetesResource',
    Properties: { Manifest: tail === undefined ? json : { 'Fn::Join': ['', [head, { Ref: 'Role' }, tail]] } },
  };
}

const cluster = (name: string, extra: object = {}) => ({
  apiVersion: 'postgres-operator.crunchydata.com/v1',
  kind: 'PostgresCluster',
  metadata: { name, namespace: `tenant-${name}`, annotations: { 'example.com/role': 'TOKEN' } },
  spec: { instances: [{ name: 'pg', replicas: 2 }] },
  ...extra,
});

test('the stateful types are the ones the logical-ID test pins', () => {
  expect(STATEFUL_RESOURCE_TYPES).toContain('AWS::S3::Bucket');
  expect(STATEFUL_RESOURCE_TYPES).toContain('Custom::AWSCDK-EKS-KubernetesResource');
});

test('field paths quote keys that are not identifiers, as Kubernetes annotation keys are', () => {
  const changes = diffValues(
    { metadata: { annotations: { 'a.b/c': 'x' } } },
    { metadata: { annotations: {} } },
  );
  expect(changes.map(formatChange)).toEqual(['metadata.annotations["a.b/c"]: x -> (none)']);
});

test('a changed KMS key spec is flagged: CloudFormation refuses the update', () => {
  const before = assembly({ Key: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'SYMMETRIC_DEFAULT' } } });
  const after = assembly({ Key: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'RSA_2048' } } });
  expect(reviewAssemblies(before, after).risks).toEqual([
    's: AWS::KMS::Key Key cannot be updated (KeySpec changed)',
  ]);
});

// @aws-cdk/cloudformation-diff reads the CloudFormation specification: AWS::EKS::Cluster
// EncryptionConfig is "Update requires: Replacement", a property no hand-written list had.
test('a replacement the CloudFormation specification documents is flagged, with the property', () => {
  const cluster = (keyArn: string) =>
    assembly({
      Cluster: {
        Type: 'AWS::EKS::Cluster',
        Properties: { EncryptionConfig: [{ Provider: { KeyArn: keyArn }, Resources: ['secrets'] }] },
      },
    });
  expect(reviewAssemblies(cluster('arn:key/a'), cluster('arn:key/b')).risks).toEqual([
    's: AWS::EKS::Cluster Cluster is replaced (EncryptionConfig changed)',
  ]);
});

test('a node group that references a replaced role is replaced too', () => {
  const stack = (roleName: string) =>
    assembly({
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: roleName } },
      Nodes: {
        Type: 'AWS::EKS::Nodegroup',
        Properties: { ClusterName: 'c', NodeRole: { 'Fn::GetAtt': ['Role', 'Arn'] } },
      },
    });
  expect(reviewAssemblies(stack('a'), stack('b')).risks).toEqual([
    's: AWS::EKS::Nodegroup Nodes is replaced (NodeRole changed)',
  ]);
});

test('a manifest whose objects change is updated in place: the kubectl provider keeps its physical ID', () => {
  const before = assembly({ Database: manifest(cluster('orders')) });
  const after = assembly({
    Database: manifest(cluster('orders', { spec: { instances: [{ name: 'pg', replicas: 3 }] } })),
  });
  expect(reviewAssemblies(before, after).risks).toEqual([]);
});

test('a manifest moved to another kubectl provider is flagged: CloudFormation refuses a new ServiceToken', () => {
  const withToken = (token: string) =>
    assembly({
      Database: {
        ...manifest(cluster('orders')),
        Properties: { ...manifest(cluster('orders')).Properties, ServiceToken: token },
      },
    });
  expect(reviewAssemblies(withToken('arn:a'), withToken('arn:b')).risks).toEqual([
    's: Custom::AWSCDK-EKS-KubernetesResource Database cannot be updated (ServiceToken changed)',
  ]);
});

test('a mutable property of a stateful type is an ordinary update', () => {
  const before = assembly({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false } } });
  const after = assembly({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } } });
  const review = reviewAssemblies(before, after);
  expect(review.risks).toEqual([]);
  expect(review.stacks[0].resources[0].fields.map(formatChange)).toEqual([
    'Properties.EnableKeyRotation: false -> true',
  ]);
});

test('a re-IDed stateful resource is a deletion of the old one', () => {
  const before = assembly({ OldBucket: { Type: 'AWS::S3::Bucket' } });
  const after = assembly({ NewBucket: { Type: 'AWS::S3::Bucket' } });
  expect(reviewAssemblies(before, after).risks).toEqual([
    's: AWS::S3::Bucket OldBucket is deleted (renamed? NewBucket of the same type is added)',
  ]);
});

test('a removed resource of a stateless type is no risk', () => {
  const review = reviewAssemblies(assembly({ Role: { Type: 'AWS::IAM::Role' } }), assembly({}));
  expect(review.risks).toEqual([]);
  expect(review.stacks[0].resources.map((resource) => resource.change)).toEqual(['removed']);
});

test('a construct path change alone (Metadata) is no change', () => {
  const before = assembly({ Bucket: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'a/Bucket' } } });
  const after = assembly({ Bucket: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'b/Bucket' } } });
  expect(reviewAssemblies(before, after).stacks[0].change).toBe('unchanged');
});

// aws-eks-v2 KubernetesManifest: `prune` (default true) deletes objects that leave a manifest.
test('a PostgresCluster dropped from a manifest is flagged: the kubectl provider prunes it', () => {
  const before = assembly({ Database: manifest(cluster('orders'), cluster('billing')) });
  const after = assembly({ Database: manifest(cluster('orders')) });
  expect(reviewAssemblies(before, after).risks).toEqual([
    's: Custom::AWSCDK-EKS-KubernetesResource Database deletes PostgresCluster tenant-billing/billing',
  ]);
});

test('a changed reference inside a manifest shows as the token it points at', () => {
  const before = assembly({ Database: manifest(cluster('orders')) });
  const after = {
    s: {
      Resources: {
        Database: {
          ...before.s.Resources.Database,
          Properties: {
            Manifest: JSON.stringify([cluster('orders')]).replace(
              'TOKEN',
              'arn:aws:iam::111111111111:role/fixed',
            ),
          },
        },
      },
    },
  };
  const [object] = reviewAssemblies(before, after).stacks[0].resources[0].objects;
  expect(object.fields.map(formatChange)).toEqual([
    'metadata.annotations["example.com/role"]: Ref(Role) -> arn:aws:iam::111111111111:role/fixed',
  ]);
});

test('a storage decrease is caught when the PostgresCluster moves to another manifest resource', () => {
  const sized = (storage: string) =>
    cluster('orders', {
      spec: { instances: [{ name: 'pg', dataVolumeClaimSpec: { resources: { requests: { storage } } } }] },
    });
  const before = assembly({ Old: manifest(sized('100Gi')) });
  const after = assembly({ New: manifest(sized('0.05Ti')) });
  expect(reviewAssemblies(before, after).errors).toEqual([
    's: PostgresCluster tenant-orders/orders instance set pg: storage got 0.05Ti, expected 100Gi or more ' +
      '(the previous size): a PersistentVolumeClaim can grow but never shrink',
  ]);
});

test('a Helm release shows its changed values field by field', () => {
  const release = (tag: string): CloudFormationResource => ({
    Type: 'Custom::AWSCDK-EKS-HelmChart',
    Properties: {
      Chart: 'pgo',
      Values: { 'Fn::Join': ['', ['{"clusterName":"', { Ref: 'Cluster' }, `","image":{"tag":"${tag}"}}`]] },
    },
  });
  const review = reviewAssemblies(
    assembly({ Operator: release('v1') }),
    assembly({ Operator: release('v2') }),
  );
  expect(review.stacks[0].resources[0].fields.map(formatChange)).toEqual([
    'Properties.Values.image.tag: v1 -> v2',
  ]);
});
