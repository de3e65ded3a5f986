import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, loadConsumerConfigFile } from '../../lib/config/load';
import { consumerConfigSchema } from '../../lib/config/consumer-schema';
import { createConsumerStack } from '../../lib/environment';
import { newApp } from '../util';

const EXAMPLE = path.join(__dirname, '..', '..', 'config', 'consumer.example.yaml');

function synth(edit: (doc: any) => void = () => undefined): Template {
  const doc = JSON.parse(JSON.stringify(loadConsumerConfigFile(EXAMPLE)));
  edit(doc);
  return Template.fromStack(createConsumerStack(newApp(), consumerConfigSchema.parse(doc)));
}

let template: Template;
beforeAll(() => {
  template = synth();
});

test('the example consumer synthesizes into the customer account and region', () => {
  const stack = createConsumerStack(newApp(), loadConsumerConfigFile(EXAMPLE));
  expect([stack.stackName, stack.account, stack.region]).toEqual([
    'acme-postgres-endpoints',
    '222222222222',
    'eu-west-1',
  ]);
});

test('creates an interface endpoint to the tenant service in the given VPC and subnets', () => {
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    VpcEndpointType: 'Interface',
    ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
    VpcId: 'vpc-0a1b2c3d4e5f60718',
    SubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712', 'subnet-0a1b2c3d4e5f60713'],
    PrivateDnsEnabled: false,
  });
});

test('admits the given client networks on 5432 and 5433 only, and opens nothing outbound', () => {
  const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
  expect(group.Properties.SecurityGroupIngress).toEqual([
    expect.objectContaining({ CidrIp: '10.60.0.0/16', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' }),
    expect.objectContaining({ CidrIp: '10.60.0.0/16', FromPort: 5433, ToPort: 5433, IpProtocol: 'tcp' }),
  ]);
  expect(group.Properties.SecurityGroupEgress).toEqual([
    expect.objectContaining({ CidrIp: '127.0.0.1/32', IpProtocol: '-1' }),
  ]);
});

test('opens only 5432 when the tenant has no replicas', () => {
  const single = synth((d) => (d.endpoints[0].readOnlyPort = false));
  const [group] = Object.values(single.findResources('AWS::EC2::SecurityGroup')) as any[];
  expect(group.Properties.SecurityGroupIngress.map((rule: any) => rule.FromPort)).toEqual([5432]);
});

test('uses private DNS when asked', () => {
  synth((d) => (d.endpoints[0].privateDns = true)).hasResourceProperties('AWS::EC2::VPCEndpoint', {
    PrivateDnsEnabled: true,
  });
});

test('outputs the endpoint id and its regional DNS name', () => {
  const outputs = template.toJSON().Outputs;
  const [dnsKey] = Object.keys(outputs).filter((key) => key.includes('DnsName'));
  expect(outputs[dnsKey].Value).toEqual({
    'Fn::Select': [
      1,
      {
        'Fn::Split': [
          ':',
          { 'Fn::Select': [0, { 'Fn::GetAtt': [expect.stringMatching(/^ordersEndpoint/), 'DnsEntries'] }] },
        ],
      },
    ],
  });
  expect(Object.keys(outputs).some((key) => key.includes('EndpointId'))).toBe(true);
});

describe('consumer configuration', () => {
  const problems = (edit: (doc: any) => void) => {
    const doc = JSON.parse(JSON.stringify(loadConsumerConfigFile(EXAMPLE)));
    edit(doc);
    const file = path.join(os.tmpdir(), `consumer-${process.pid}-${Math.random()}.yaml`);
    fs.writeFileSync(file, JSON.stringify(doc));
    try {
      loadConsumerConfigFile(file);
    } catch (error) {
      return (error as ConfigError).problems;
    }
    throw new Error('expected the consumer configuration to be rejected');
  };

  test('an endpoint service name that is not one', () => {
    expect(problems((d) => (d.endpoints[0].serviceName = 'vpce-svc-123'))).toEqual([
      expect.stringMatching(
        /^endpoints\[0\]\.serviceName: got "vpce-svc-123", expected an endpoint service name/,
      ),
    ]);
  });

  test('a client network of the whole internet', () => {
    expect(problems((d) => (d.endpoints[0].allowedCidrs = ['0.0.0.0/0']))).toEqual([
      'endpoints[0].allowedCidrs[0]: got "0.0.0.0/0", expected the networks of your clients, not the whole internet',
    ]);
  });

  test('no client network at all', () => {
    expect(problems((d) => (d.endpoints[0].allowedCidrs = []))).toEqual([
      'endpoints[0].allowedCidrs: got [], expected at least one CIDR: the endpoint admits nobody otherwise',
    ]);
  });

  test('a subnet id that is not one', () => {
    expect(problems((d) => (d.endpoints[0].subnetIds = ['private-a']))).toEqual([
      expect.stringMatching(/^endpoints\[0\]\.subnetIds\[0\]: got "private-a", expected a subnet id/),
    ]);
  });
});
