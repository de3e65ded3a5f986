/**
 * A tenant cloned from another tenant's repository, or from the retained repository of a
 * destroyed tenant, gets read access to exactly that repository: the IAM grants are pinned
 * statement by statement, so a wider grant fails a test.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addComplianceChecks, createEnvironmentStacks, EnvironmentStacks } from '../../lib/environment';
import { RETAINED, withBackupOperations } from '../fixtures/backup-operations';
import { configWith, exampleConfig, newApp } from '../util';
import { resourceChanges } from './template-changes';

let stacks: EnvironmentStacks;
let copy: Template;
let legacy: Template;

beforeAll(() => {
  stacks = createEnvironmentStacks(newApp(), configWith(withBackupOperations));
  copy = Template.fromStack(stacks.tenants['orders-copy']);
  legacy = Template.fromStack(stacks.tenants['legacy-copy']);
});

const importOf = (name: string) => ({ 'Fn::ImportValue': `example-tenant-orders-${name}` });
/** The statements of the policies whose logical ID starts with `prefix`. */
const statementsOf = (template: Template, prefix: string) =>
  Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]: [string, any]) => policy.Properties.PolicyDocument.Statement);
const policyRoles = (template: Template, prefix: string) =>
  Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, policy]: [string, any]) => policy.Properties.Roles);
const logicalId = (stack: Stack, path: string) =>
  stack.getLogicalId(
    stack.node.findChild(path.split('/')[0]).node.findChild(path.split('/')[1]).node.defaultChild as any,
  );

describe('from a live tenant', () => {
  test("lets the clone's backup role list, get and decrypt the source repository, nothing else", () => {
    const bucketArn = { 'Fn::Join': ['', ['arn:aws:s3:::', importOf('BackupBucket')]] };
    expect(statementsOf(copy, 'CloneSourceReadSourceRepository')).toEqual([
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['pgbackrest/repo1/*', 'pgbackrest/repo1'] } },
        Effect: 'Allow',
        Resource: bucketArn,
      },
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:aws:s3:::', importOf('BackupBucket'), '/pgbackrest/repo1/*']] },
      },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: importOf('BackupKeyArn') },
    ]);
  });

  test("attaches those reads to the clone's backup role, which PGO's restore Job runs as", () => {
    const stack = stacks.tenants['orders-copy'];
    expect(policyRoles(copy, 'CloneSourceReadSourceRepository')).toEqual([
      [{ Ref: logicalId(stack, 'Backup/Role') }],
    ]);
  });

  test("lets a separate reader role read the source's passphrase, decrypting through Secrets Manager only", () => {
    expect(statementsOf(copy, 'CloneSourcePassphraseReaderRole')).toEqual([
      {
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: importOf('BackupPassphraseSecret'),
      },
      {
        Action: 'kms:Decrypt',
        Condition: {
          StringEquals: {
            'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
            'kms:EncryptionContext:SecretARN': importOf('BackupPassphraseSecret'),
          },
        },
        Effect: 'Allow',
        Resource: importOf('BackupKeyArn'),
      },
    ]);
  });

  test('the passphrase reader role is assumable by the clone reader service account only', () => {
    const roles = Object.entries(copy.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('CloneSourcePassphraseReaderRole'),
    );
    expect(roles).toHaveLength(1);
    const trust = JSON.stringify(roles[0][1]);
    expect(trust).toContain('CloneSourceTrustConditions');
    const conditions = Object.values(copy.findResources('Custom::AWSCDKCfnJson')).map((r: any) =>
      JSON.stringify(r.Properties.Value),
    );
    expect(conditions.filter((c) => c.includes('clone-source-cipher-reader'))).toEqual([
      expect.stringContaining(
        'system:serviceaccount:tenant-orders-copy:orders-copy-clone-source-cipher-reader',
      ),
    ]);
  });

  test("leaves the clone's own backup grants as they are", () => {
    const own = (template: Template) => statementsOf(template, 'BackupRoleDefaultPolicy');
    const orders = Template.fromStack(createEnvironmentStacks(newApp(), exampleConfig()).tenants.orders);
    expect(JSON.stringify(own(copy))).toEqual(JSON.stringify(own(orders)));
  });

  test('is deployed after its source, whose exports it imports', () => {
    expect(stacks.tenants['orders-copy'].dependencies).toContain(stacks.tenants.orders);
  });

  test('every tenant stack exports its retained bucket, key and passphrase for clones', () => {
    const outputs = Template.fromStack(stacks.tenants.orders).toJSON().Outputs;
    expect(
      ['BackupBucket', 'BackupKeyArn', 'BackupPassphraseSecret'].map((name) => outputs[name].Export.Name),
    ).toEqual([
      'example-tenant-orders-BackupBucket',
      'example-tenant-orders-BackupKeyArn',
      'example-tenant-orders-BackupPassphraseSecret',
    ]);
  });

  test('adding a clone leaves the source stack unchanged', () => {
    const before = Template.fromStack(
      createEnvironmentStacks(newApp(), exampleConfig()).tenants.analytics,
    ).toJSON();
    const withClone = createEnvironmentStacks(
      newApp(),
      configWith((doc) =>
        doc.tenants.push({ ...doc.tenants[1], name: 'analytics-copy', cloneFrom: { tenant: 'analytics' } }),
      ),
    );
    expect(resourceChanges(before, Template.fromStack(withClone.tenants.analytics).toJSON())).toEqual({
      added: [],
      removed: [],
      modified: [],
    });
  });
});

describe('from a destroyed tenant', () => {
  test('grants reads on the retained bucket and key named in config', () => {
    expect(statementsOf(legacy, 'CloneSourceReadSourceRepository')).toEqual([
      expect.objectContaining({ Action: 's3:ListBucket', Resource: `arn:aws:s3:::${RETAINED.bucketName}` }),
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: `arn:aws:s3:::${RETAINED.bucketName}/pgbackrest/repo1/*`,
      },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: RETAINED.kmsKeyArn },
    ]);
  });

  test('grants the read of the retained passphrase secret only', () => {
    expect(statementsOf(legacy, 'CloneSourcePassphraseReaderRole')).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: RETAINED.passphraseSecretArn },
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Resource: RETAINED.kmsKeyArn,
        Condition: {
          StringEquals: expect.objectContaining({
            'kms:EncryptionContext:SecretARN': RETAINED.passphraseSecretArn,
          }),
        },
      }),
    ]);
  });

  test('depends on no other tenant stack', () => {
    expect(stacks.tenants['legacy-copy'].dependencies).toEqual([stacks.platform]);
  });
});

test('a tenant that is not a clone has no clone grants', () => {
  const orders = Template.fromStack(stacks.tenants.orders);
  expect(statementsOf(orders, 'CloneSource')).toEqual([]);
  expect(
    Object.keys(orders.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('CloneSource')),
  ).toEqual([]);
});

test('an app with clones and restores passes the compliance checks every synthesis runs', () => {
  const app = newApp();
  addComplianceChecks(app);
  createEnvironmentStacks(app, configWith(withBackupOperations));
  expect(() => app.synth()).not.toThrow();
});
