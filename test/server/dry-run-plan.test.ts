import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  appliedObjects,
  helmReleases,
  KINDS_WITHOUT_CRD,
  loadAssembly,
  planKinds,
  planNamespaces,
  type AppliedObject,
} from './dry-run-plan';

const object = (apiVersion: string, kind: string, name: string, namespace?: string): AppliedObject => ({
  source: 'example-tenant-orders/Database',
  object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
});

const externalSecret = object('external-secrets.io/v1', 'ExternalSecret', 'passphrase', 'tenant-orders');
const cluster = object('postgres-operator.crunchydata.com/v1', 'PostgresCluster', 'orders', 'tenant-orders');
const servedKinds = new Set([
  'postgres-operator.crunchydata.com/v1 PostgresCluster',
  'v1 Namespace',
  'v1 ConfigMap',
]);
const served = (apiVersion: string, kind: string) => servedKinds.has(`${apiVersion} ${kind}`);

describe('kinds the server does not serve', () => {
  test('a listed kind is skipped with its reason, not dry-run', () => {
    const plan = planKinds([cluster, externalSecret], served);
    expect([plan.apply, plan.skipped.map(({ entry, objects }) => [entry.kind, objects])]).toEqual([
      [cluster],
      [['ExternalSecret', [externalSecret]]],
    ]);
  });

  test('every listed kind says why it is skipped', () => {
    expect(KINDS_WITHOUT_CRD.filter((entry) => entry.reason.length < 40)).toEqual([]);
  });

  test('a kind neither served nor listed is reported, so a mistyped apiVersion fails the run', () => {
    const plan = planKinds(
      [object('postgres-operator.crunchydata.com/v2', 'PostgresCluster', 'orders')],
      served,
    );
    expect([plan.apply, plan.unknown]).toEqual([
      [],
      ['postgres-operator.crunchydata.com/v2 PostgresCluster'],
    ]);
  });

  test('a listed kind the server serves is dry-run, and its entry reported obsolete', () => {
    const plan = planKinds([externalSecret], () => true);
    expect([plan.apply, plan.obsolete.map((entry) => entry.kind)]).toEqual([
      [externalSecret],
      ['ExternalSecret'],
    ]);
  });
});

describe('namespaces', () => {
  const namespace = object('v1', 'Namespace', 'tenant-orders');
  const release = { source: 'example-platform/Pgo', release: 'pgo', namespace: 'postgres-operator' };

  test("the manifests' Namespace objects are the ones applied before the dry-run", () => {
    expect(planNamespaces([namespace, cluster], [release]).fromManifests).toEqual([namespace]);
  });

  test('a namespace only a Helm release creates is created, once', () => {
    expect(planNamespaces([], [release, { ...release, release: 'other' }]).fromHelm).toEqual([release]);
  });

  test('a namespace nothing creates is reported with the manifests that use it', () => {
    const stray = object('v1', 'ConfigMap', 'settings', 'tenant-typo');
    expect(planNamespaces([namespace, cluster, stray], [release]).missing).toEqual([
      { namespace: 'tenant-typo', sources: ['example-tenant-orders/Database'] },
    ]);
  });

  test('the system namespaces exist in every cluster', () => {
    const system = object('v1', 'ServiceAccount', 'aws-load-balancer-controller', 'kube-system');
    expect(planNamespaces([system], []).missing).toEqual([]);
  });
});

describe('a synthesized assembly', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
    const manifest = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'TOKEN' } }];
    const [before, after] = JSON.stringify(manifest).split('TOKEN');
    const template = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'tenant-orders' } },
        Manifest: {
          Type: 'Custom::AWSCDK-EKS-KubernetesResource',
          Properties: { Manifest: { 'Fn::Join': ['', [before, { Ref: 'Bucket' }, after]] } },
        },
        Chart: {
          Type: 'Custom::AWSCDK-EKS-HelmChart',
          Properties: { Release: 'pgo', Chart: 'pgo', Namespace: 'postgres-operator' },
        },
      },
    };
    fs.writeFileSync(path.join(directory, 'tenant.template.json'), JSON.stringify(template));
    fs.writeFileSync(
      path.join(directory, 'manifest.json'),
      JSON.stringify({
        artifacts: {
          tenant: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://111111111111/eu-west-1',
            properties: { templateFile: 'tenant.template.json' },
          },
          'tenant.assets': { type: 'cdk:asset-manifest' },
        },
      }),
    );
  });

  test('yields each object of each manifest, its tokens rendered', () => {
    expect(appliedObjects(loadAssembly(directory))).toEqual([
      {
        source: 'tenant/Manifest',
        object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-orders' } },
      },
    ]);
  });

  test('yields each Helm release with its namespace', () => {
    expect(helmReleases(loadAssembly(directory))).toEqual([
      { source: 'tenant/Chart', release: 'pgo', namespace: 'postgres-operator' },
    ]);
  });

  test('without a manifest says to synthesize first', () => {
    expect(() => loadAssembly(path.join(directory, 'absent'))).toThrow(/synthesize first/);
  });
});
