/**
 * The ceilings an environment meets as it grows, and the configurations that pass them.
 * Sources: Elastic Load Balancing quotas ("Network Load Balancers per Region", 50; one network
 * interface per zone), Amazon VPC quotas ("Inbound or outbound rules per security group", 60)
 * and subnet sizing (5 reserved addresses), and the AWS Load Balancer Controller's one rule
 * per source security group (pkg/targetgroupbinding/networking_manager.go).
 */
import { environmentCeilings } from '../../lib/config/ceilings';
import { configWith, problemsOf } from '../util';

/** Adds tenants to the example until it has `count`. */
function withTenants(count: number) {
  return (doc: Record<string, any>) => {
    // Enough database and system nodes for every tenant (and its pgAdmin), so only the
    // ceilings under test can refuse them.
    doc.nodePools.database[0].instanceTypes = ['r7g.16xlarge'];
    doc.nodePools.database[0].maxSize = 99;
    doc.nodePools.system = {
      ...doc.nodePools.system,
      instanceTypes: ['m7g.2xlarge'],
      minSize: 6,
      maxSize: 9,
    };
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

test('with a raised load balancer quota, the load balancer subnets of a /20 VPC are the next ceiling', () => {
  // A /20 VPC's load balancer subnets are /26: 64 addresses less the 5 AWS reserves.
  expect(
    problemsOf((doc) => {
      withTenants(60)(doc);
      doc.network.vpcCidr = '10.40.0.0/20';
      doc.quotas = { networkLoadBalancersPerRegion: 100 };
    }),
  ).toEqual([
    expect.stringMatching(
      /^tenants: 60 tenants pass the ceiling "IPv4 addresses per load balancer subnet": they need 60, the limit is 59 /,
    ),
  ]);
});

test('a raised load balancer quota and a /16 VPC accept the tenants', () => {
  const config = configWith((doc) => {
    withTenants(60)(doc);
    doc.quotas = { networkLoadBalancersPerRegion: 100 };
  });
  expect(config.tenants).toHaveLength(60);
});

test('the node security group rules do not grow with tenants: their load balancers share one group', () => {
  const rules = (tenants: number) =>
    environmentCeilings({
      quotas: { networkLoadBalancersPerRegion: 50 },
      vpcPrefixLength: 16,
      zones: 3,
      nodePools: [{ instanceTypes: ['r7g.xlarge'], maxSize: 9 }],
      tenants,
    }).find((ceiling) => ceiling.name.startsWith('Inbound rules'))!;
  // EKS's own self-referencing rule, and one for the shared load balancer security group.
  expect(rules(1).used).toBe(2);
  expect(rules(50).used).toBe(2);
});

test('the quotas default to the AWS defaults', () => {
  expect(configWith(() => undefined).quotas).toEqual({ networkLoadBalancersPerRegion: 50 });
});

describe('IPv4 addresses per private subnet', () => {
  const subnetCeiling = (vpcPrefixLength: number, maxSize: number) =>
    environmentCeilings({
      quotas: { networkLoadBalancersPerRegion: 50 },
      vpcPrefixLength,
      zones: 3,
      nodePools: [{ instanceTypes: ['r7g.4xlarge'], maxSize }],
      tenants: 2,
    }).find((ceiling) => ceiling.name === 'IPv4 addresses per private subnet')!;

  test('a /20 VPC has 1019 addresses per private subnet (a /22, less the 5 AWS reserves)', () => {
    expect(subnetCeiling(20, 3).limit).toBe(1019);
  });

  test('counts every node full: 8 interfaces x 30 addresses for a 4xlarge', () => {
    // 9 nodes over 3 zones: 3 per zone x 240.
    expect(subnetCeiling(20, 9).used).toBe(3 * 240);
  });

  test('only stops scaling, not deployment, so it is no config error', () => {
    expect(subnetCeiling(20, 30).severity).toBe('warning');
    expect(subnetCeiling(20, 30).used).toBeGreaterThan(subnetCeiling(20, 30).limit);
  });
});
