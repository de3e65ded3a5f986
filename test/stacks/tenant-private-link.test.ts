import { Template } from 'aws-cdk-lib/assertions';
import { NLB_TCP_IDLE_TIMEOUT_SECONDS } from '../../lib/constructs/tenant-private-link';
import { createEnvironmentStacks } from '../../lib/environment';
import { describeToken, manifestsOf } from '../conformance/template-manifests';
import { configWith, exampleConfig, newApp, problemsOf } from '../util';

function tenantTemplate(config = exampleConfig(), tenant = 'orders'): Template {
  return Template.fromStack(createEnvironmentStacks(newApp(), config).tenants[tenant]);
}

let orders: Template;
beforeAll(() => {
  orders = tenantTemplate();
});

const ofType = (type: string, template = orders) =>
  Object.entries(template.findResources(type)) as [string, any][];
/** The property names whose values differ between two versions of a resource. */
const changedProperties = (before: any, after: any) =>
  Object.keys({ ...before.Properties, ...after.Properties }).filter(
    (key) => JSON.stringify(before.Properties[key]) !== JSON.stringify(after.Properties[key]),
  );
const attributes = (loadBalancer: any) =>
  Object.fromEntries(loadBalancer.Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));

describe('network load balancer', () => {
  test('is internal, in the load balancer subnets of all three zones', () => {
    const [[, loadBalancer]] = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(loadBalancer.Properties).toMatchObject({ Scheme: 'internal', Type: 'network' });
    const subnets = loadBalancer.Properties.Subnets.map((s: any) => s['Fn::ImportValue']);
    expect(subnets).toHaveLength(3);
    expect(subnets.every((name: string) => /LoadBalancersSubnet/.test(name))).toBe(true);
  });

  test('balances across zones, is protected from deletion and logs to the platform bucket', () => {
    const [[, loadBalancer]] = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(attributes(loadBalancer)).toEqual({
      'load_balancing.cross_zone.enabled': 'true',
      'deletion_protection.enabled': 'true',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': { 'Fn::ImportValue': expect.stringMatching(/AccessLogsBucket/) },
      'access_logs.s3.prefix': 'nlb/orders',
    });
  });

  test("uses the environment's shared security group and adds no rule of its own", () => {
    expect(ofType('AWS::EC2::SecurityGroup')).toEqual([]);
    expect(ofType('AWS::EC2::SecurityGroupIngress')).toEqual([]);
    expect(ofType('AWS::EC2::SecurityGroupEgress')).toEqual([]);
    const [[, loadBalancer]] = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(loadBalancer.Properties.SecurityGroups).toEqual([
      { 'Fn::ImportValue': expect.stringMatching(/NetworkLoadBalancerSecurityGroup/) },
    ]);
  });

  test('every tenant shares the same security group', () => {
    const groups = ['orders', 'analytics'].map(
      (name) =>
        ofType(
          'AWS::ElasticLoadBalancingV2::LoadBalancer',
          name === 'orders' ? orders : tenantTemplate(undefined, name),
        )[0][1].Properties.SecurityGroups,
    );
    expect(groups[1]).toEqual(groups[0]);
  });

  test('leaves PrivateLink admission to the endpoint service, not security group rules', () => {
    const [[, loadBalancer]] = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(loadBalancer.Properties.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic).toBe('off');
  });
});

describe('listeners and target groups', () => {
  const listenerTargets = (template = orders) =>
    Object.fromEntries(
      ofType('AWS::ElasticLoadBalancingV2::Listener', template).map(([, l]) => [
        l.Properties.Port,
        l.Properties.DefaultActions[0].TargetGroupArn.Ref,
      ]),
    );

  test('5432 goes to the read-write targets and 5433 to the read-only targets, over TCP', () => {
    expect(listenerTargets()).toEqual({
      5432: expect.stringMatching(/^PrivateLinkReadWriteTargets/),
      5433: expect.stringMatching(/^PrivateLinkReadOnlyTargets/),
    });
    for (const [, listener] of ofType('AWS::ElasticLoadBalancingV2::Listener')) {
      expect(listener.Properties.Protocol).toBe('TCP');
    }
  });

  test('every listener drops idle connections after the one documented timeout, within the NLB range', () => {
    // ELB docs "Update the TCP idle timeout": listener attribute tcp.idle_timeout.seconds, 60-6000 s.
    expect(NLB_TCP_IDLE_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(60);
    expect(NLB_TCP_IDLE_TIMEOUT_SECONDS).toBeLessThanOrEqual(6000);
    const timeouts = ofType('AWS::ElasticLoadBalancingV2::Listener').map(
      ([, listener]) => listener.Properties.ListenerAttributes,
    );
    expect(timeouts).toEqual([
      [{ Key: 'tcp.idle_timeout.seconds', Value: String(NLB_TCP_IDLE_TIMEOUT_SECONDS) }],
      [{ Key: 'tcp.idle_timeout.seconds', Value: String(NLB_TCP_IDLE_TIMEOUT_SECONDS) }],
    ]);
  });

  test('target groups take pod IPs on 5432, checked on the traffic port, tuned for fast failover', () => {
    const groups = ofType('AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(groups).toHaveLength(2);
    for (const [, group] of groups) {
      expect(group.Properties).toMatchObject({
        TargetType: 'ip',
        Protocol: 'TCP',
        Port: 5432,
        HealthCheckProtocol: 'TCP',
        HealthCheckPort: 'traffic-port',
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
      });
      // Pods see the load balancer's own address, which their NetworkPolicies admit.
      expect(group.Properties.TargetGroupAttributes).toContainEqual({
        Key: 'preserve_client_ip.enabled',
        Value: 'false',
      });
      expect(group.Properties.TargetGroupAttributes).toEqual(
        expect.arrayContaining([
          { Key: 'deregistration_delay.timeout_seconds', Value: '15' },
          { Key: 'deregistration_delay.connection_termination.enabled', Value: 'true' },
        ]),
      );
    }
  });

  test('a tenant without replicas has no read-only port', () => {
    const single = tenantTemplate(
      configWith((d) => {
        d.stage = 'staging'; // production refuses a single instance
        d.tenants[0].replicas = 1;
        d.tenants[0].pgBouncerReplicas = 1;
        d.tenants[0].highlyAvailable = false;
      }),
    );
    expect(Object.keys(listenerTargets(single))).toEqual(['5432']);
    expect(ofType('AWS::ElasticLoadBalancingV2::TargetGroup', single)).toHaveLength(1);
  });
});

describe('TargetGroupBindings', () => {
  let bindings: any[];
  beforeAll(() => {
    const withImports: typeof describeToken = (value) =>
      value && typeof value === 'object' && 'Fn::ImportValue' in value
        ? `ImportValue(${(value as any)['Fn::ImportValue']})`
        : describeToken(value);
    bindings = manifestsOf(orders.toJSON(), withImports)[0].objects.filter(
      (o) => o.kind === 'TargetGroupBinding',
    );
  });

  test('bind the PgBouncer Service to the read-write target group and the replica Service to the read-only one', () => {
    const byService = Object.fromEntries(
      bindings.map((b) => [b.spec.serviceRef.name, b.spec.targetGroupARN]),
    );
    expect(byService).toEqual({
      'orders-pgbouncer': expect.stringMatching(/^Ref\(PrivateLinkReadWriteTargets[0-9A-F]+\)$/),
      'orders-replicas': expect.stringMatching(/^Ref\(PrivateLinkReadOnlyTargets[0-9A-F]+\)$/),
    });
  });

  test('never bind the primary Service, whose endpoints are not pods', () => {
    expect(bindings.map((b) => b.spec.serviceRef.name)).not.toContain('orders-primary');
  });

  test('register pod IPs on port 5432 and let only the shared load balancer security group reach them', () => {
    for (const binding of bindings) {
      expect(binding.metadata.namespace).toBe('tenant-orders');
      expect(binding.spec).toMatchObject({ targetType: 'ip', serviceRef: { port: 5432 } });
      expect(binding.spec.networking).toEqual({
        ingress: [
          {
            from: [
              {
                securityGroup: {
                  groupID: expect.stringMatching(/^ImportValue\(.*NetworkLoadBalancerSecurityGroup.*\)$/),
                },
              },
            ],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      });
    }
  });

  test('are applied after the AWS Load Balancer Controller is installed', () => {
    const stacks = createEnvironmentStacks(newApp(), exampleConfig());
    expect(stacks.tenants.orders.database.node.dependencies).toContain(stacks.platform.cluster.albController);
  });
});

describe('endpoint service', () => {
  test('fronts the load balancer and requires acceptance by default', () => {
    const [[, service]] = ofType('AWS::EC2::VPCEndpointService');
    expect(service.Properties).toMatchObject({
      AcceptanceRequired: true,
      NetworkLoadBalancerArns: [{ Ref: expect.stringMatching(/^PrivateLinkLoadBalancer/) }],
    });
  });

  test('allows exactly the configured principals, account ids as their root ARN', () => {
    const [[, permissions]] = ofType('AWS::EC2::VPCEndpointServicePermissions');
    expect(permissions.Properties.AllowedPrincipals).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] },
    ]);
    const analytics = tenantTemplate(exampleConfig(), 'analytics');
    const [[, analyticsPermissions]] = ofType('AWS::EC2::VPCEndpointServicePermissions', analytics);
    expect(analyticsPermissions.Properties.AllowedPrincipals).toEqual([
      'arn:aws:iam::333333333333:role/analytics-network',
    ]);
  });

  test('serves other regions only when configured', () => {
    expect(ofType('AWS::EC2::VPCEndpointService')[0][1].Properties.SupportedRegions).toBeUndefined();
    const crossRegion = tenantTemplate(
      configWith((d) => (d.tenants[0].privateLink.allowedRegions = ['eu-central-1'])),
    );
    expect(ofType('AWS::EC2::VPCEndpointService', crossRegion)[0][1].Properties.SupportedRegions).toEqual([
      'eu-central-1',
    ]);
  });

  test('is updated in place, never replaced, when principals or acceptance change', () => {
    const changed = tenantTemplate(
      configWith((d) => {
        d.tenants[0].privateLink.allowedPrincipals = ['444444444444', 'arn:aws:iam::555555555555:role/app'];
        d.tenants[0].privateLink.acceptanceRequired = false;
      }),
    );
    const [[beforeId, before]] = ofType('AWS::EC2::VPCEndpointService');
    const [[afterId, after]] = ofType('AWS::EC2::VPCEndpointService', changed);
    // Same logical ID: CloudFormation updates the resource rather than creating a new one.
    expect(afterId).toBe(beforeId);
    // Only AcceptanceRequired differs, which CloudFormation updates without replacement;
    // principals live in a separate permissions resource that points at the same service.
    const changedKeys = changedProperties(before, after);
    expect(changedKeys).toEqual(['AcceptanceRequired']);
    const [[permissionsBeforeId]] = ofType('AWS::EC2::VPCEndpointServicePermissions');
    const [[permissionsAfterId, permissionsAfter]] = ofType(
      'AWS::EC2::VPCEndpointServicePermissions',
      changed,
    );
    expect(permissionsAfterId).toBe(permissionsBeforeId);
    expect(permissionsAfter.Properties.ServiceId).toEqual({ Ref: beforeId });
  });

  test('has a private DNS name only when configured, and outputs the TXT record that verifies it', () => {
    expect(ofType('AWS::EC2::VPCEndpointService')[0][1].Properties.PrivateDnsName).toBeUndefined();
    expect(orders.toJSON().Outputs.PrivateDnsVerificationRecord).toBeUndefined();
    const analytics = tenantTemplate(exampleConfig(), 'analytics');
    const [[serviceId, service]] = ofType('AWS::EC2::VPCEndpointService', analytics);
    expect(service.Properties.PrivateDnsName).toBe('analytics.db.example.com');
    const outputs = analytics.toJSON().Outputs;
    expect(outputs.PrivateDnsName.Value).toBe('analytics.db.example.com');
    expect(outputs.PrivateDnsVerificationRecord.Value).toEqual({
      'Fn::Join': [
        '',
        [
          { 'Fn::GetAtt': [serviceId, 'PrivateDnsNameConfiguration.Name'] },
          ' TXT ',
          { 'Fn::GetAtt': [serviceId, 'PrivateDnsNameConfiguration.Value'] },
        ],
      ],
    });
  });

  test('adding a private DNS name keeps the same endpoint service', () => {
    const named = tenantTemplate(
      configWith((d) => (d.tenants[0].privateLink.privateDnsName = 'orders.db.example.com')),
    );
    const [[beforeId, before]] = ofType('AWS::EC2::VPCEndpointService');
    const [[afterId, after]] = ofType('AWS::EC2::VPCEndpointService', named);
    expect(afterId).toBe(beforeId);
    const changedKeys = changedProperties(before, after);
    expect(changedKeys).toEqual(['PrivateDnsName']);
  });

  test('its name is an output, with the ports', () => {
    const outputs = orders.toJSON().Outputs;
    expect(outputs.EndpointServiceName.Value).toEqual({
      'Fn::Join': [
        '.',
        [
          'com.amazonaws.vpce',
          { Ref: 'AWS::Region' },
          { Ref: expect.stringMatching(/^PrivateLinkEndpointService/) },
        ],
      ],
    });
    expect(outputs.Ports.Value).toBe('5432 read-write, 5433 read-only');
  });
});

describe('configuration', () => {
  test('a wildcard principal is refused, with the reason', () => {
    expect(problemsOf((d) => (d.tenants[0].privateLink.allowedPrincipals = ['*']))).toEqual([
      'tenants[0].privateLink.allowedPrincipals[0]: got "*", expected a specific account id or IAM ARN: a wildcard would let any AWS account request a connection to the database',
    ]);
  });

  test('a private DNS name that is not a domain name is refused', () => {
    expect(problemsOf((d) => (d.tenants[0].privateLink.privateDnsName = 'orders_db'))).toEqual([
      'tenants[0].privateLink.privateDnsName: got "orders_db", expected a DNS name you own, such as orders.db.example.com',
    ]);
  });

  test('a principal that is neither an account id nor an IAM ARN is refused', () => {
    expect(problemsOf((d) => (d.tenants[0].privateLink.allowedPrincipals = ['customer-account']))).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.privateLink\.allowedPrincipals\[0\]: got "customer-account", expected a 12-digit AWS account id/,
      ),
    ]);
  });
});

test('the platform access log bucket accepts load balancer logs under nlb/ from this account only', () => {
  const platform = Template.fromStack(createEnvironmentStacks(newApp(), exampleConfig()).platform);
  const [[, policy]] = Object.entries(platform.findResources('AWS::S3::BucketPolicy')) as [string, any][];
  expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
    expect.objectContaining({
      Action: 's3:PutObject',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': '111111111111' },
      },
      Resource: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AccessLogsBucket/), 'Arn'] }, '/nlb/*']],
      },
    }),
  );
});
