import { RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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
 * The environment's VPC: public subnets for NAT gateways, private subnets for nodes, pods
 * and internal load balancers, flow logs of all traffic, and an S3 gateway endpoint so
 * image layers and backups to S3 do not pass through NAT.
 */
export class PlatformNetwork extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** The encrypted log group that receives the VPC's flow logs. */
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);

    const prefixLength = Number(props.vpcCidr.split('/')[1]);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr),
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
