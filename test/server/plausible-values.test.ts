import { renderTokens } from '../conformance/template-manifests';
import { environmentOf, plausibleValues, type SynthesizedStack } from './plausible-values';

const tenant: SynthesizedStack = {
  stackName: 'example-tenant-orders',
  account: '111111111111',
  region: 'eu-west-1',
  template: {
    Parameters: {
      BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/v' },
    },
    Resources: {
      BackupBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      BackupRole: { Type: 'AWS::IAM::Role', Properties: {} },
      NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'backup', Path: '/tenants/' } },
      ReadWriteTargets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
      PrivateLinkSecurityGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: {} },
      Certificate: { Type: 'AWS::CertificateManager::Certificate', Properties: {} },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Cluster: {
        Type: 'AWS::EKS::Cluster',
        Properties: { KubernetesNetworkConfig: { ServiceIpv4Cidr: '10.200.0.0/16' } },
      },
      Provider: { Type: 'Custom::Provider', Properties: {} },
    },
  },
};
const platform: SynthesizedStack = {
  stackName: 'example-platform',
  account: '111111111111',
  region: 'eu-west-1',
  template: {
    Resources: { Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: 'example' } } },
    Outputs: {
      ExportClusterName: { Value: { Ref: 'Cluster' }, Export: { Name: 'example-platform:ClusterName' } },
    },
  },
};
const render = (intrinsic: unknown) => renderTokens(intrinsic, plausibleValues(tenant, [platform, tenant]));

// Shapes from the AWS documentation: S3 "Bucket naming rules", IAM "IAM identifiers" (ARNs),
// Elastic Load Balancing "Target groups" (name: at most 32 characters), EC2 resource IDs.
describe('plausible values for CloudFormation tokens', () => {
  test('a bucket Ref is a valid S3 bucket name', () => {
    expect(render({ Ref: 'BackupBucket' })).toMatch(/^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/);
  });

  test("a role's Arn is an IAM role ARN in the stack's account", () => {
    expect(render({ 'Fn::GetAtt': ['BackupRole', 'Arn'] })).toMatch(
      /^arn:aws:iam::111111111111:role\/[\w+=,.@-]{1,64}$/,
    );
  });

  test("a role's Arn keeps the name and path the template sets", () => {
    expect(render({ 'Fn::GetAtt': 'NamedRole.Arn' })).toBe('arn:aws:iam::111111111111:role/tenants/backup');
  });

  test("a target group Ref is a target group ARN in the stack's region, its name at most 32 characters", () => {
    expect(render({ Ref: 'ReadWriteTargets' })).toMatch(
      /^arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
    );
  });

  test("a certificate Ref is an ACM certificate ARN in the stack's region", () => {
    expect(render({ Ref: 'Certificate' })).toMatch(
      /^arn:aws:acm:eu-west-1:111111111111:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test("a security group's GroupId is an EC2 security group ID", () => {
    expect(render({ 'Fn::GetAtt': ['PrivateLinkSecurityGroup', 'GroupId'] })).toMatch(/^sg-[0-9a-f]{17}$/);
  });

  test('an attribute that echoes a literal property is that property', () => {
    expect(render({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })).toBe('10.0.0.0/16');
  });

  test('a dotted attribute that echoes a nested literal property is that property', () => {
    expect(render({ 'Fn::GetAtt': ['Cluster', 'KubernetesNetworkConfig.ServiceIpv4Cidr'] })).toBe(
      '10.200.0.0/16',
    );
  });

  test('the same token renders the same value in every place, different resources differently', () => {
    const joined = render({
      'Fn::Join': [' ', [{ Ref: 'BackupRole' }, { Ref: 'BackupRole' }, { Ref: 'NamedRole' }]],
    });
    const [first, second, third] = joined.split(' ');
    expect([first === second, first === third]).toEqual([true, false]);
  });

  test('an ImportValue renders the exporting stack output', () => {
    expect(render({ 'Fn::ImportValue': 'example-platform:ClusterName' })).toBe('example');
  });

  test('a Sub renders pseudo parameters and resources and keeps ${!Literal} literal', () => {
    expect(render({ 'Fn::Sub': '${AWS::Region}/${Vpc.CidrBlock}/${!Keep}' })).toBe(
      'eu-west-1/10.0.0.0/16/${Keep}',
    );
  });

  test('a resource type without an entry fails, naming where to add one', () => {
    expect(() => render({ 'Fn::GetAtt': ['Provider', 'Value'] })).toThrow(
      /example-tenant-orders: no plausible value for GetAtt\(Provider\.Value\) of type Custom::Provider; add one in test\/server\/plausible-values\.ts/,
    );
  });

  test('a parameter that is not a plain string fails rather than rendering its default', () => {
    expect(() => render({ Ref: 'BootstrapVersion' })).toThrow(/Ref\(BootstrapVersion\), a parameter of type/);
  });

  test('an environment-agnostic stack gets a placeholder account and region', () => {
    expect(environmentOf('aws://unknown-account/unknown-region')).toEqual({
      account: '123456789012',
      region: 'eu-west-1',
    });
  });
});
