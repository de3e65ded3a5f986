/**
 * Adding a tenant must not touch the platform stack: a change there redeploys the shared
 * platform for every new customer, and a bucket policy listing each tenant would reach S3's
 * 20 KB policy limit near 200 tenants.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { createEnvironmentStacks } from '../../lib/environment';
import { configWith, newApp } from '../util';

const EXTRA_TENANT = {
  name: 'billing',
  cpu: '2',
  memory: '8Gi',
  storage: '100Gi',
  users: [{ name: 'billing-app', databases: ['billing'] }],
  privateLink: { allowedPrincipals: ['444444444444'] },
};

function platformTemplate(extraTenants: number): Record<string, unknown> {
  const config = configWith((doc) => {
    for (let i = 0; i < extraTenants; i++) {
      doc.tenants.push({ ...EXTRA_TENANT, name: `${EXTRA_TENANT.name}${i}` });
    }
  });
  return Template.fromStack(createEnvironmentStacks(newApp(), config).platform).toJSON();
}

test('adding a tenant leaves the platform template unchanged', () => {
  expect(platformTemplate(1)).toEqual(platformTemplate(0));
});

test('the access log bucket grants S3 server access log delivery once, to buckets of this account', () => {
  const policies = Template.fromJSON(platformTemplate(0)).findResources('AWS::S3::BucketPolicy');
  const statements = Object.values(policies).flatMap(
    (policy: any) => policy.Properties.PolicyDocument.Statement as any[],
  );
  const s3Logging = statements.filter(
    (statement) => statement.Principal?.Service === 'logging.s3.amazonaws.com',
  );
  expect(s3Logging).toEqual([
    expect.objectContaining({
      Action: 's3:PutObject',
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
      Resource: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AccessLogsBucket/), 'Arn'] }, '/s3/*']],
      },
    }),
  ]);
});
