import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { createEnvironmentStacks, EnvironmentStacks } from '../../lib/environment';
import { manifestsOf } from '../conformance/template-manifests';
import { configWith, exampleConfig, newApp } from '../util';

let stacks: EnvironmentStacks;
let orders: Template;
let ordersJson: any;

beforeAll(() => {
  stacks = createEnvironmentStacks(newApp(), exampleConfig());
  orders = Template.fromStack(stacks.tenants.orders);
  ordersJson = orders.toJSON();
});

const only = (type: string, prefix = '') => {
  const found = Object.entries(orders.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return { id: found[0][0], resource: found[0][1] as any };
};

describe('one stack per tenant', () => {
  test('each tenant of the config gets its own stack, named after the environment and tenant', () => {
    expect(Object.values(stacks.tenants).map((stack) => stack.stackName)).toEqual([
      'example-tenant-orders',
      'example-tenant-analytics',
    ]);
  });

  test('a tenant stack is deployed after the platform stack', () => {
    expect(stacks.tenants.orders.dependencies).toContain(stacks.platform);
  });

  test('tenant stacks are protected from deletion in production', () => {
    expect(stacks.tenants.orders.terminationProtection).toBe(true);
  });

  test('an environment without tenants has no tenant stacks', () => {
    const none = createEnvironmentStacks(
      newApp(),
      configWith((d) => (d.tenants = [])),
    );
    expect(none.tenants).toEqual({});
  });
});

describe('backup bucket', () => {
  test('is encrypted with the tenant key, versioned and closed to the public', () => {
    const key = only('AWS::KMS::Key');
    const { resource } = only('AWS::S3::Bucket');
    expect(resource.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key.id, 'Arn'] },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  test('and its key are retained when the stack or the tenant goes away', () => {
    expect(only('AWS::S3::Bucket').resource).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(only('AWS::KMS::Key').resource).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
  });

  test('denies any request not made over TLS', () => {
    const policy = only('AWS::S3::BucketPolicy').resource;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Principal: { AWS: '*' },
      }),
    );
  });

  test('expires old object versions and abandoned uploads', () => {
    expect(only('AWS::S3::Bucket').resource.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Status: 'Enabled',
      },
    ]);
  });

  test('logs its accesses to the platform access log bucket', () => {
    expect(only('AWS::S3::Bucket').resource.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { 'Fn::ImportValue': expect.stringMatching(/AccessLogsBucket/) },
      LogFilePrefix: 's3/tenant-orders/',
    });
  });
});

describe('backup role', () => {
  test("only the tenant's PGO instance and pgBackRest service accounts can assume it, through IRSA", () => {
    const role = only('AWS::IAM::Role', 'BackupRole').resource;
    const [statement] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Principal.Federated).toEqual({
      'Fn::ImportValue': expect.stringMatching(/OidcProvider/),
    });
    const conditions = only('Custom::AWSCDKCfnJson', 'BackupTrustConditions').resource.Properties.Value;
    const rendered = JSON.stringify(conditions);
    expect(rendered).toContain('system:serviceaccount:tenant-orders:orders-instance');
    expect(rendered).toContain('system:serviceaccount:tenant-orders:orders-pgbackrest');
    expect(rendered).toContain('sts.amazonaws.com');
    expect(rendered.match(/system:serviceaccount:/g)).toHaveLength(2);
  });

  test('may use only the repository path of its own bucket and its own key', () => {
    const bucket = only('AWS::S3::Bucket').id;
    const key = only('AWS::KMS::Key').id;
    const statements = only('AWS::IAM::Policy', 'BackupRole').resource.Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['pgbackrest/repo1/*', 'pgbackrest/repo1'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
      },
      {
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/pgbackrest/repo1/*']] },
      },
      {
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [key, 'Arn'] },
      },
    ]);
  });

  test('no static access key exists anywhere', () => {
    expect(orders.findResources('AWS::IAM::AccessKey')).toEqual({});
    expect(orders.findResources('AWS::IAM::User')).toEqual({});
  });
});

describe('database manifest', () => {
  test('is applied after the operator chart, whose CRDs it uses', () => {
    const dependencies = stacks.tenants.orders.dependencies.map((stack) => stack.stackName);
    expect(dependencies).toEqual(['example-platform']);
    const manifest = stacks.tenants.orders.database;
    expect(manifest.node.dependencies).toContain(stacks.platform.postgresOperator.chart);
  });

  test("is applied after the platform CA's ClusterIssuer, which signs its Certificates", () => {
    expect(stacks.tenants.orders.database.node.dependencies).toContain(stacks.platform.platformCa);
  });

  test('is created with kubectl apply, so an existing namespace is adopted instead of rolling the stack back', () => {
    // The aws-eks-v2 kubectl handler runs `kubectl create` on Create, which fails on any object
    // that already exists, unless the resource's Overwrite property is "true"; then it runs
    // `kubectl apply`. Read that rule from the handler this aws-cdk-lib ships.
    const handler = fs.readFileSync(
      path.join(
        path.dirname(require.resolve('aws-cdk-lib')),
        'custom-resource-handlers/dist/aws-eks-v2/kubectl-handler/apply/__init__.py',
      ),
      'utf8',
    );
    expect(handler).toContain("overwrite     = props.get('Overwrite', 'false').lower() == 'true'");
    expect(handler).toMatch(/if overwrite:\s+kubectl\('apply', manifest_file/);
    expect(handler).toMatch(/else:[^]*?kubectl\('create', manifest_file/);

    const createVerb = (properties: any) =>
      String(properties.Overwrite ?? 'false').toLowerCase() === 'true' ? 'apply' : 'create';
    const [manifest] = manifestsOf(ordersJson);
    const properties = ordersJson.Resources[manifest.logicalId].Properties;
    expect(createVerb(properties)).toBe('apply');
    expect(manifest.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'tenant-orders' } });
  });

  test('carries the bucket name and role ARN as CloudFormation references, not copies', () => {
    const [manifest] = manifestsOf(ordersJson);
    const raw = JSON.stringify(ordersJson.Resources[manifest.logicalId].Properties.Manifest);
    expect(raw).toContain(`{"Ref":"${only('AWS::S3::Bucket').id}"}`);
    expect(raw).toContain(`{"Fn::GetAtt":["${only('AWS::IAM::Role', 'BackupRole').id}","Arn"]}`);
  });
});

describe('network wiring', () => {
  const policy = (name: string) =>
    manifestsOf(ordersJson)[0].objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata?.name === name,
    ) as any;

  test("clients are admitted from the platform's load balancer subnets, as literal CIDRs", () => {
    expect(policy('allow-clients-to-pgbouncer').spec.ingress[0].from).toEqual(
      stacks.platform.network.loadBalancerSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    );
    expect(stacks.platform.network.loadBalancerSubnetCidrs).toEqual([
      '10.40.12.0/22',
      '10.40.16.0/22',
      '10.40.20.0/22',
    ]);
  });

  test('the Service range and the Kubernetes API address follow cluster.serviceCidr', () => {
    const config = configWith((d) => (d.cluster.serviceCidr = '10.100.0.0/16'));
    const json = Template.fromStack(createEnvironmentStacks(newApp(), config).tenants.orders).toJSON();
    const policies = manifestsOf(json)[0].objects.filter((o) => o.kind === 'NetworkPolicy') as any[];
    const egressOf = (name: string) => policies.find((p) => p.metadata.name === name).spec.egress[0].to;
    expect(egressOf('allow-pgbouncer-to-primary')).toEqual([{ ipBlock: { cidr: '10.100.0.0/16' } }]);
    expect(egressOf('allow-kubernetes-api')).toEqual([{ ipBlock: { cidr: '10.100.0.1/32' } }]);
  });
});
