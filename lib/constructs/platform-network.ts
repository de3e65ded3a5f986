import { RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cidrsOverlap, formatIpv4Cidr, toIpv4Cidr } from '../config/cidr';

/** Name of the subnet group that holds only the tenants' internal Network Load Balancers. */
export const LOAD_BALANCER_SUBNET_GROUP = 'LoadBalancers';
/** Port the load balancers reach the database pods on. */
const POD_PORT = 5432;

/** Properties of {@link PlatformNetwork}. */
export interface PlatformNetworkProps {
  /** IPv4 CIDR of the VPC, from /16 to /20. */
  readonly vpcCidr: string;
  /** The availability zones to span; subnets are created in each. */
  readonly availabilityZones: string[];
  /**
   * NAT gateways, one per AZ at most.
   * @default - one per availability zone
   */
  readonly natGateways?: number;
  /** The key that encrypts the flow log group. */
  readonly logKey: kms.IKey;
  /**
   * How long VPC flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The environment's VPC: public subnets for NAT gateways, private subnets for nodes and pods,
 * small isolated subnets that hold only the tenants' internal load balancers, flow logs of
 * all traffic, and an S3 gateway endpoint so image layers and backups to S3 do not pass
 * through NAT.
 *
 * The load balancer subnets exist so that a NetworkPolicy can tell a load balancer from a
 * pod: both take VPC addresses, but only load balancers live in these CIDRs.
 */
export class PlatformNetwork extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** The encrypted log group that receives the VPC's flow logs. */
  readonly flowLogGroup: logs.LogGroup;
  /** The subnets of the tenants' load balancers, one per zone. */
  readonly loadBalancerSubnets: ec2.ISubnet[];
  /** Their CIDRs (literals): the only sources a tenant's NetworkPolicies admit clients from. */
  readonly loadBalancerSubnetCidrs: string[];
  /**
   * The one security group of every tenant load balancer. The AWS Load Balancer Controller
   * opens the pods' security group to it once per port, so the rule count stays the same
   * however many tenants there are.
   */
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);

    const prefixLength = Number(props.vpcCidr.split('/')[1]);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new AppendedSubnetAddresses(props.vpcCidr, LOAD_BALANCER_SUBNET_GROUP),
      availabilityZones: props.availabilityZones,
      natGateways: props.natGateways ?? props.availabilityZones.length,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // Public subnets hold only NAT gateways: small.
        {
          name: 'Public',
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: prefixLength + 6,
          mapPublicIpOnLaunch: false,
        },
        // Pods take VPC addresses (VPC CNI), so private subnets get most of the space.
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: prefixLength + 2 },
        // Load balancers only: isolated (a load balancer needs no route out), a 64th of the VPC
        // each (/22 of a /16, /26 of a /20: room for the default quota of 50 NLBs per Region).
        // Last, and placed in unused space, so the subnets above keep their CIDRs.
        {
          name: LOAD_BALANCER_SUBNET_GROUP,
          subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: prefixLength + 6,
        },
      ],
    });
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason:
        'Availability zones come from the environment configuration, which checks they belong to the region, ' +
        'so synthesis needs no account lookups and the zones of a running VPC never shift.',
    });
    // Subnet discovery tags of the AWS Load Balancer Controller: internal load balancers go to
    // private subnets. Nothing here asks for an internet-facing one.
    for (const subnet of this.vpc.privateSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    }

    this.loadBalancerSubnets = this.vpc.selectSubnets({
      subnetGroupName: LOAD_BALANCER_SUBNET_GROUP,
    }).subnets;
    this.loadBalancerSubnetCidrs = this.loadBalancerSubnets.map((subnet) => subnet.ipv4CidrBlock);

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Tenant database load balancers: PrivateLink in, PostgreSQL to the pods',
      allowAllOutbound: false,
    });
    // No inbound rule: customers arrive over PrivateLink, which the load balancers do not filter
    // (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic off, see TenantPrivateLink), and
    // nothing inside the VPC is meant to connect. Health checks are outbound traffic.
    // Outbound: client traffic and health checks to the pods, which live in the private subnets.
    for (const subnet of this.vpc.privateSubnets) {
      this.loadBalancerSecurityGroup.addEgressRule(
        ec2.Peer.ipv4(subnet.ipv4CidrBlock),
        ec2.Port.tcp(POD_PORT),
        `PostgreSQL and health checks to the pods in ${subnet.availabilityZone}`,
      );
    }

    this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      encryptionKey: props.logKey,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}

/**
 * `IpAddresses.cidr` for every subnet group but `appendedGroup`, whose subnets go into the
 * first free blocks of their size. `IpAddresses.cidr` allocates in order and would place a
 * new last group after the private subnets, past the end of the VPC; filling the unused space
 * instead lets a group be added without moving a single existing subnet.
 */
class AppendedSubnetAddresses implements ec2.IIpAddresses {
  private readonly base: ec2.IIpAddresses;

  constructor(
    private readonly vpcCidr: string,
    private readonly appendedGroup: string,
  ) {
    this.base = ec2.IpAddresses.cidr(vpcCidr);
  }

  allocateVpcCidr(): ec2.VpcIpamOptions {
    return this.base.allocateVpcCidr();
  }

  allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    const isAppended = (subnet: ec2.RequestedSubnet) => subnet.configuration.name === this.appendedGroup;
    const others = input.requestedSubnets.filter((subnet) => !isAppended(subnet));
    const allocated = this.base.allocateSubnetsCidr({ ...input, requestedSubnets: others }).allocatedSubnets;
    const taken = allocated.map((subnet) => toIpv4Cidr(subnet.cidr));
    const vpc = toIpv4Cidr(this.vpcCidr);
    const cidrs = new Map<ec2.RequestedSubnet, string>();
    input.requestedSubnets.forEach((subnet, index) => {
      if (!isAppended(subnet)) {
        cidrs.set(subnet, allocated[others.indexOf(subnet)].cidr);
        return;
      }
      const prefixLength = subnet.configuration.cidrMask!;
      const size = 2 ** (32 - prefixLength);
      for (let network = vpc.network; network < vpc.network + 2 ** (32 - vpc.prefixLength); network += size) {
        const candidate = { network, prefixLength };
        if (!taken.some((block) => cidrsOverlap(block, candidate))) {
          taken.push(candidate);
          cidrs.set(subnet, formatIpv4Cidr(candidate));
          return;
        }
      }
      throw new Error(
        `network.vpcCidr: got ${this.vpcCidr}, expected room for subnet ${index + 1} of ${this.appendedGroup} (/${prefixLength})`,
      );
    });
    return { allocatedSubnets: input.requestedSubnets.map((subnet) => ({ cidr: cidrs.get(subnet)! })) };
  }
}
