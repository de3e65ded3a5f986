/**
 * The per-environment ceilings a platform team meets as it adds tenants: AWS quotas, and the
 * addresses in each private subnet. Validation compares a configuration against each one, so
 * a team learns which ceiling it would pass before a deployment fails half way.
 */
import { z } from 'zod';

/** AWS's default quotas (Elastic Load Balancing and Amazon VPC quota pages). */
const DEFAULT_QUOTAS = { networkLoadBalancersPerRegion: 50, inboundRulesPerSecurityGroup: 60 } as const;

/** AWS quotas the environment's account has, where they were raised above the defaults. */
export const quotasSchema = z
  .strictObject({
    networkLoadBalancersPerRegion: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_QUOTAS.networkLoadBalancersPerRegion)
      .meta({
        description:
          'Elastic Load Balancing quota "Network Load Balancers per Region" (default 50). Each tenant has one; other load balancers of the account in the region count too.',
      }),
  })
  .default({ networkLoadBalancersPerRegion: DEFAULT_QUOTAS.networkLoadBalancersPerRegion })
  .meta({ description: 'AWS quotas of the account, if raised above the defaults.' });

/** The quotas of a validated configuration. */
export type QuotasConfig = z.output<typeof quotasSchema>;

/** What a configuration needs of one ceiling, and how much there is. */
export interface Ceiling {
  /** Name of the ceiling, as AWS or this README calls it. */
  readonly name: string;
  /** How much the configuration uses at most. */
  readonly used: number;
  /** The ceiling. */
  readonly limit: number;
  /** Where the ceiling comes from, and what to do when it is reached. */
  readonly source: string;
  /**
   * `error` when passing it makes a deployment fail, so validation refuses the config;
   * `warning` when it may not (it only stops the cluster growing to its maximum size, or
   * depends on resources outside the config), so validation only reports it.
   */
  readonly severity: 'error' | 'warning';
}

/**
 * Inbound rules of the EKS cluster security group before any tenant: its self-referencing
 * rule (Amazon EKS User Guide, "View Amazon EKS security group requirements for clusters").
 */
const CLUSTER_SECURITY_GROUP_BASE_RULES = 1;

/**
 * Inbound rules the tenants' load balancers add to the node (cluster) security group. The AWS
 * Load Balancer Controller writes one rule per source security group and protocol, merging
 * the ports of every TargetGroupBinding from that group (aws-load-balancer-controller,
 * pkg/targetgroupbinding/networking_manager.go, computeRestrictedIngressPermissionsPerSG).
 * Every tenant load balancer shares one security group (PlatformNetwork), so one rule, for
 * any number of tenants.
 */
const LOAD_BALANCER_INBOUND_RULES = 1;

/**
 * IPv4 addresses a node can take from its subnet when every network interface it can attach
 * is full, by instance size: (network interfaces) x (IPv4 addresses per interface) of the
 * current general-purpose, compute and memory families (m5-m8, c5-c8, r5-r8, with or without
 * g/i/a; Amazon EC2 User Guide, "Maximum IP addresses per network interface"). The VPC CNI
 * keeps a whole spare interface per node (WARM_ENI_TARGET=1), so a busy node reaches it.
 */
const ADDRESSES_PER_NODE_BY_SIZE: Record<string, number> = {
  medium: 2 * 4,
  large: 3 * 10,
  xlarge: 4 * 15,
  '2xlarge': 4 * 15,
  '4xlarge': 8 * 30,
  '8xlarge': 8 * 30,
  '12xlarge': 8 * 30,
  '16xlarge': 15 * 50,
  '24xlarge': 15 * 50,
  '32xlarge': 15 * 50,
  '48xlarge': 15 * 50,
  metal: 15 * 50,
};
/** For a size not in the table: the largest, so the estimate errs on the safe side. */
const ADDRESSES_PER_NODE_UNKNOWN = 15 * 50;

/** Addresses AWS reserves in every subnet (Amazon VPC User Guide, "Subnet CIDR blocks"). */
const RESERVED_ADDRESSES_PER_SUBNET = 5;

/** Each zone's private subnet is a quarter of the VPC, its load balancer subnet a 64th (PlatformNetwork). */
const PRIVATE_SUBNET_PREFIX_OFFSET = 2;
const LOAD_BALANCER_SUBNET_PREFIX_OFFSET = 6;

/** The parts of a configuration the ceilings depend on; the loader passes a validated one. */
export interface CeilingInput {
  readonly quotas: QuotasConfig;
  readonly vpcPrefixLength: number;
  readonly zones: number;
  readonly nodePools: readonly { readonly instanceTypes: readonly string[]; readonly maxSize: number }[];
  readonly tenants: number;
}

/** Every ceiling of an environment, with what the configuration needs of it. */
export function environmentCeilings(input: CeilingInput): Ceiling[] {
  const { quotas, tenants } = input;
  return [
    {
      name: 'Network Load Balancers per Region',
      used: tenants,
      limit: quotas.networkLoadBalancersPerRegion,
      source:
        'one internal NLB per tenant; Elastic Load Balancing quota, adjustable: raise it in Service Quotas, then set quotas.networkLoadBalancersPerRegion',
      severity: 'error',
    },
    {
      name: 'Inbound rules per security group (node security group)',
      used: CLUSTER_SECURITY_GROUP_BASE_RULES + LOAD_BALANCER_INBOUND_RULES,
      limit: DEFAULT_QUOTAS.inboundRulesPerSecurityGroup,
      source:
        'the tenant load balancers share one security group, so the AWS Load Balancer Controller adds one rule for all of them; Amazon VPC quota',
      severity: 'error',
    },
    {
      name: 'IPv4 addresses per load balancer subnet',
      used: tenants,
      limit: subnetAddresses(input.vpcPrefixLength + LOAD_BALANCER_SUBNET_PREFIX_OFFSET),
      source:
        "each tenant NLB has one network interface in each zone's load balancer subnet, a 64th of network.vpcCidr; a larger network.vpcCidr raises it",
      severity: 'error',
    },
    {
      name: 'IPv4 addresses per private subnet',
      used: addressesPerZone(input),
      limit: subnetAddresses(input.vpcPrefixLength + PRIVATE_SUBNET_PREFIX_OFFSET),
      source:
        'pods take VPC addresses (VPC CNI); worst case with every node of both pools at maxSize and full; a larger network.vpcCidr raises it',
      severity: 'warning',
    },
  ];
}

/** Worst-case addresses taken in one zone's private subnet: nodes and their pods. */
function addressesPerZone(input: CeilingInput): number {
  return input.nodePools.reduce((sum, pool) => {
    const perNode = Math.max(...pool.instanceTypes.map(addressesPerNode));
    return sum + Math.ceil(pool.maxSize / input.zones) * perNode;
  }, 0);
}

/** Usable addresses of a subnet with this prefix length. */
function subnetAddresses(prefixLength: number): number {
  return 2 ** (32 - prefixLength) - RESERVED_ADDRESSES_PER_SUBNET;
}

function addressesPerNode(instanceType: string): number {
  const size = instanceType.split('.')[1] ?? '';
  return ADDRESSES_PER_NODE_BY_SIZE[size] ?? ADDRESSES_PER_NODE_UNKNOWN;
}

/** The ceilings of a configuration that may be partly invalid, or undefined if it lacks what they need. */
export function ceilingsOfDocument(config: unknown): Ceiling[] | undefined {
  const doc = config as {
    quotas?: Partial<QuotasConfig>;
    network?: { vpcCidr?: unknown };
    availabilityZones?: unknown;
    nodePools?: Record<string, unknown>;
    tenants?: unknown;
  };
  const prefix = /^[\d.]+\/(\d+)$/.exec(String(doc.network?.vpcCidr))?.[1];
  // The database pools are a list, the system pool a single mapping.
  const pools = Object.values(doc.nodePools ?? {}).flatMap(
    (pool) =>
      (Array.isArray(pool) ? pool : [pool]) as ({ instanceTypes?: unknown; maxSize?: unknown } | undefined)[],
  );
  const wellFormed = pools.every(
    (pool) =>
      Array.isArray(pool?.instanceTypes) &&
      pool.instanceTypes.length > 0 &&
      pool.instanceTypes.every((type) => typeof type === 'string') &&
      typeof pool.maxSize === 'number',
  );
  // A VPC size outside /16 to /20 is reported by its own check; its subnets are not counted.
  const sizeAccepted = prefix !== undefined && Number(prefix) >= 16 && Number(prefix) <= 20;
  if (!sizeAccepted || !wellFormed || !Array.isArray(doc.tenants)) {
    return undefined;
  }
  return environmentCeilings({
    quotas: {
      networkLoadBalancersPerRegion: quotaOf(
        doc.quotas?.networkLoadBalancersPerRegion,
        'networkLoadBalancersPerRegion',
      ),
    },
    vpcPrefixLength: Number(prefix),
    zones:
      Array.isArray(doc.availabilityZones) && doc.availabilityZones.length > 0
        ? doc.availabilityZones.length
        : 3,
    nodePools: pools as { instanceTypes: string[]; maxSize: number }[],
    tenants: doc.tenants.length,
  });
}

/** A declared quota, or the default when it is missing or malformed (its own check reports that). */
function quotaOf(value: unknown, name: keyof QuotasConfig): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : DEFAULT_QUOTAS[name];
}

/**
 * The cross-field rule: a configuration that passes a ceiling which stops deployment is
 * refused, naming the ceiling. Ceilings that only stop scaling are left to `npm run validate`,
 * which prints every ceiling with its headroom.
 */
export function checkCeilings(config: unknown, ctx: z.RefinementCtx): void {
  const tenants = (config as { tenants?: unknown[] }).tenants?.length ?? 0;
  for (const ceiling of ceilingsOfDocument(config) ?? []) {
    if (ceiling.severity === 'error' && ceiling.used > ceiling.limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants'],
        message: ceilingProblem(ceiling, tenants),
        params: { ceiling: true },
      });
    }
  }
}

/** A ceiling as one line: `Network Load Balancers per Region: 2 of 50 (...)`. */
export function describeCeiling(ceiling: Ceiling): string {
  return `${ceiling.name}: ${ceiling.used} of ${ceiling.limit} (${ceiling.source})`;
}

/** The problem a ceiling that stops deployment reports when the configuration passes it. */
export function ceilingProblem(ceiling: Ceiling, tenants: number): string {
  return `${tenants} tenants pass the ceiling "${ceiling.name}": they need ${ceiling.used}, the limit is ${ceiling.limit} (${ceiling.source})`;
}
