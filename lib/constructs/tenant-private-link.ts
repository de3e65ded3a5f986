import { Aws, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Port customers connect to for reads and writes (PgBouncer, which follows the primary). */
export const READ_WRITE_PORT = 5432;
/** Port customers connect to for reads from the replicas. */
export const READ_ONLY_PORT = 5433;
/**
 * Seconds a TCP connection may stay idle before the NLB drops it (listener attribute
 * `tcp.idle_timeout.seconds`, 60 to 6000 s; Elastic Load Balancing docs, "Update the TCP idle
 * timeout"). Kept at 350 s on purpose, the NLB's default and the idle timeout of NAT
 * gateways, so one figure holds on every AWS hop a client may cross; long-lived idle
 * connections stay open with TCP keepalives sent more often than this, by PgBouncer and
 * PostgreSQL on the server side and by the client (the onboarding document says so).
 */
export const NLB_TCP_IDLE_TIMEOUT_SECONDS = 350;

/** Port the pods listen on, behind both listeners. */
const POD_PORT = 5432;

/** Properties of {@link TenantPrivateLink}. */
export interface TenantPrivateLinkProps {
  /** The platform VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets the load balancer goes into: the platform's load balancer subnets, one per zone. */
  readonly subnets: ec2.ISubnet[];
  /** The security group every tenant load balancer of the environment shares. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Where load balancer access logs go. */
  readonly accessLogBucket: s3.IBucket;
  /** Prefix of this load balancer's access logs in the bucket. */
  readonly accessLogPrefix: string;
  /** Whether the tenant has replicas to serve the read-only port. */
  readonly readReplicas: boolean;
  /** AWS account ids or IAM ARNs allowed to connect. */
  readonly allowedPrincipals: string[];
  /** Whether each endpoint connection waits for the provider to accept it. */
  readonly acceptanceRequired: boolean;
  /**
   * Private DNS name customers' endpoints resolve, in a domain the provider owns.
   * @default - no private DNS name: customers use the endpoint's own DNS names
   */
  readonly privateDnsName?: string;
  /**
   * Other regions whose VPCs may connect.
   * @default - the service's own region only
   */
  readonly allowedRegions?: string[];
  /**
   * Prepare for `cdk destroy`: the endpoint service allows no principal (no new endpoint can
   * be created) and the load balancer loses its deletion protection.
   * @default false
   */
  readonly decommission?: boolean;
}

/**
 * The provider side of a tenant's PrivateLink: an internal Network Load Balancer in the
 * load balancer subnets of every zone, behind the environment's shared security group, with a
 * read-write listener and (when there are replicas) a read-only listener, IP target groups
 * that the AWS Load Balancer Controller fills with the tenant's pods, and a VPC endpoint
 * service that only the allowed principals can connect to.
 */
export class TenantPrivateLink extends Construct {
  /** The load balancer. */
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The load balancer's security group (shared by the environment); pod ingress rules name it. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Target group of the read-write port (PgBouncer pods). */
  readonly readWriteTargets: elbv2.NetworkTargetGroup;
  /** Target group of the read-only port (replica pods), when the tenant has replicas. */
  readonly readOnlyTargets?: elbv2.NetworkTargetGroup;
  /** The endpoint service; its name is the customer's contract. */
  readonly endpointService: ec2.VpcEndpointService;

  constructor(scope: Construct, id: string, props: TenantPrivateLinkProps) {
    super(scope, id);
    const decommission = props.decommission ?? false;

    // Rules live on the shared group (PlatformNetwork), never per tenant: see its comments.
    this.securityGroup = props.securityGroup;

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      // Only load balancers live in these subnets, so tenant NetworkPolicies can admit exactly them.
      vpcSubnets: { subnets: props.subnets },
      crossZoneEnabled: true,
      // Protected against a stray delete; a tenant being decommissioned drops the protection,
      // or the `cdk destroy` that follows fails on the load balancer.
      deletionProtection: !decommission,
      securityGroups: [this.securityGroup],
      // Who may connect over PrivateLink is decided by the endpoint service (allowed principals,
      // acceptance); PrivateLink traffic reaches the load balancer from its own addresses, so
      // security group rules cannot tell customers apart. With enforcement off, PrivateLink
      // traffic passes and the group needs no inbound rule, so nothing else in the VPC (another
      // tenant's pod, say) can reach the load balancer.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });
    // The platform bucket grants log delivery under nlb/ once, so this stack never edits its policy.
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', props.accessLogBucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', props.accessLogPrefix);

    this.readWriteTargets = this.addPort('ReadWrite', READ_WRITE_PORT, props.vpc);
    if (props.readReplicas) {
      this.readOnlyTargets = this.addPort('ReadOnly', READ_ONLY_PORT, props.vpc);
    }

    this.endpointService = new ec2.VpcEndpointService(this, 'EndpointService', {
      vpcEndpointServiceLoadBalancers: [this.loadBalancer],
      acceptanceRequired: props.acceptanceRequired,
      allowedRegions:
        props.allowedRegions && props.allowedRegions.length > 0 ? props.allowedRegions : undefined,
    });
    // The permissions resource is made here, at the path and logical ID the L2 would give it,
    // because the L2 makes none when no principal is allowed: removing the last principal would
    // delete the resource and leave withdrawing the permissions to CloudFormation's delete.
    // Always present, it is updated in place (AllowedPrincipals is not create-only in the
    // AWS::EC2::VPCEndpointServicePermissions schema), even to an empty list. Endpoints already
    // connected stay connected when their principal goes, until the provider rejects them
    // (docs/runbooks/change-access.md).
    new ec2.CfnVPCEndpointServicePermissions(this.endpointService, 'Permissions', {
      serviceId: this.endpointService.vpcEndpointServiceId,
      allowedPrincipals: decommission ? [] : props.allowedPrincipals.map(principalArn),
    });
    if (props.privateDnsName) {
      // The L2 has no property for it yet; CloudFormation sets it in place, and AWS then asks
      // for a TXT record proving the domain is the provider's (the tenant stack outputs it).
      this.cfnEndpointService.privateDnsName = props.privateDnsName;
    }
  }

  /** The endpoint service resource, for attributes the L2 does not expose. */
  get cfnEndpointService(): ec2.CfnVPCEndpointService {
    // The L2 does not register its L1 as the default child; find it by type.
    return this.endpointService.node.children.find(
      (child) => child instanceof ec2.CfnVPCEndpointService,
    ) as ec2.CfnVPCEndpointService;
  }

  /**
   * A TCP listener and an IP target group tuned for failover. Health checks every 10 s with
   * 2 checks to change state take a failed pod out within about 20 s; a 15 s deregistration
   * delay, with connections closed at its end, lets clients reconnect to the new primary
   * quickly (PgBouncer and replica pods hold no state a drain would protect).
   */
  private addPort(id: string, port: number, vpc: ec2.IVpc): elbv2.NetworkTargetGroup {
    const targets = new elbv2.NetworkTargetGroup(this, `${id}Targets`, {
      vpc,
      port: POD_PORT,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(15),
      connectionTermination: true,
      // Pods must see the load balancer's own address (in the load balancer subnets), which is
      // what their NetworkPolicies admit. Off is the default for IP targets; set so it stays off.
      preserveClientIp: false,
      healthCheck: {
        protocol: elbv2.Protocol.TCP,
        port: 'traffic-port',
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    this.loadBalancer.addListener(`${id}Listener`, {
      port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [targets],
      tcpIdleTimeout: Duration.seconds(NLB_TCP_IDLE_TIMEOUT_SECONDS),
    });
    return targets;
  }
}

/** An account id becomes its root principal ARN; ARNs stay as they are. */
export function principalArn(principal: string): string {
  return /^\d{12}$/.test(principal) ? `arn:${Aws.PARTITION}:iam::${principal}:root` : principal;
}
