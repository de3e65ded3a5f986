/**
 * The ceilings an environment meets as it grows, and the configurations that pass them.
 * Sources: Elastic Load Balancing quotas ("Network Load Balancers per Region", 50), Amazon VPC
 * quotas ("Inbound or outbound rules per security group", 60), and the AWS Load Balancer
 * Controller's one rule per source security group (pkg/targetgroupbinding/networking_manager.go).
 */
import { environmentCeilings } from '../../lib/config/ceilings';
import { configWith, problemsOf } from '../util';

/** Adds tenants to the example until it has `count`. */
function withTenants(count: number) {
  return (doc: Record<string, any>) => {
    // Enough database nodes for every tenant, so only the ceilings under test can refuse them.
    doc.nodePools.database.instanceTypes = ['r7g.16xlarge'];
    doc.nodePools.database.maxSize = 100;
    const template = doc.tenants[0];
    for (let i = doc.tenants.length; i < count; i++) {
      doc.tenants.push({ ...template, name: `tenant-${i}` });
    }
  };
}

test('50 tenants fit the default Network Load Balancer quota', () => {
  expect(configWith(withTenants(50)).tenants).toHaveLength(50);
});

test('a 51st tenant passes the Network Load Balancer quota: refused, naming the ceiling', () => {
  expect(problemsOf(withTenants(51))).toEqual([
    expect.stringMatching(
      /^tenants: 51 tenants pass the ceiling "Network Load Balancers per Region": they need 51, the limit is 50 \(.*quotas\.networkLoadBalancersPerRegion\)$/,
    ),
  ]);
});

test('with a raised load balancer quota, the node security group rules are the next ceiling', () => {
  expect(
    problemsOf((doc) => {
      withTenants(60)(doc);
      doc.quotas = { networkLoadBalancersPerRegion: 100 };
    }),
  ).toEqual([
    expect.stringMatching(
      /^tenants: 60 tenants pass the ceiling "Inbound rules per security group \(node security group\)": they need 61, the limit is 60 /,
    ),
  ]);
});

test('raising both quotas in the config accepts the tenants', () => {
  const config = configWith((doc) => {
    withTenants(60)(doc);
    doc.quotas = { networkLoadBalancersPerRegion: 100, inboundRulesPerSecurityGroup: 100 };
  });
  expect(config.quotas).toEqual({ networkLoadBalancersPerRegion: 100, inboundRulesPerSecurityGroup: 100 });
});

test('the quotas default to the AWS defaults', () => {
  expect(configWith(() => undefined).quotas).toEqual({
    networkLoadBalancersPerRegion: 50,
    inboundRulesPerSecurityGroup: 60,
  });
});

describe('IPv4 addresses per private subnet', () => {
  const subnetCeiling = (vpcPrefixLength: number, maxSize: number) =>
    environmentCeilings({
      quotas: { networkLoadBalancersPerRegion: 50, inboundRulesPerSecurityGroup: 60 },
      vpcPrefixLength,
      zones: 3,
      nodePools: [{ instanceTypes: ['r7g.4xlarge'], maxSize }],
      tenants: 2,
    }).find((ceiling) => ceiling.name === 'IPv4 addresses per private subnet')!;

  test('a /20 VPC has 1019 addresses per private subnet (a /22, less the 5 AWS reserves)', () => {
    expect(subnetCeiling(20, 3).limit).toBe(1019);
  });

  test('counts every node full (8 interfaces x 30 addresses for a 4xlarge) plus one interface per tenant NLB', () => {
    // 9 nodes over 3 zones: 3 per zone x 240, and 2 NLB interfaces.
    expect(subnetCeiling(20, 9).used).toBe(3 * 240 + 2);
  });

  test('only stops scaling, not deployment, so it is no config error', () => {
    expect(subnetCeiling(20, 30).severity).toBe('warning');
    expect(subnetCeiling(20, 30).used).toBeGreaterThan(subnetCeiling(20, 30).limit);
  });
});
