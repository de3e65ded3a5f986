import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { awsManagedPolicyFinding } from './nag-findings';

/** The AWS-managed policies EKS requires on the node role of a managed node group. */
const NODE_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryReadOnly',
];

/** A Kubernetes taint put on every node of a pool. */
export interface NodePoolTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. */
  readonly value: string;
  /** What the taint does to pods that do not tolerate it. */
  readonly effect: eks.TaintEffect;
}

/** Properties of {@link NodePool}. */
export interface NodePoolProps {
  /** The cluster the nodes join. */
  readonly cluster: eks.Cluster;
  /** EC2 instance types, all of one CPU architecture. */
  readonly instanceTypes: string[];
  /** Fewest nodes in the pool (all zones together). */
  readonly minSize: number;
  /** Most nodes in the pool (all zones together). */
  readonly maxSize: number;
  /**
   * Nodes at creation (all zones together).
   * @default - minSize
   */
  readonly desiredSize?: number;
  /**
   * Make one node group per availability zone, each with an equal share of the sizes, so the
   * Cluster Autoscaler can add a node in the zone a pending pod's EBS volume is bound to. A
   * node group spanning zones lets the ASG pick the zone, which may not be the volume's
   * (cluster-autoscaler FAQ; EKS user guide, managed node groups).
   * @default - one node group across the private subnets of every zone
   */
  readonly availabilityZones?: string[];
  /** Root volume size of each node, in GiB. */
  readonly diskSizeGiB: number;
  /** Kubernetes labels on every node; pods select the pool with them. */
  readonly labels: Record<string, string>;
  /**
   * Taints on every node, so only pods that tolerate them are scheduled there.
   * @default - no taints
   */
  readonly taints?: NodePoolTaint[];
}

/**
 * Managed node groups in the cluster's private subnets, launched from a template that
 * requires IMDSv2 and encrypts the root volume: one group across every zone, or one per zone.
 *
 * Updates never force a node out: a node whose pods a PodDisruptionBudget protects stays
 * until they can move, so a drain that stalls fails the update instead of evicting a
 * tenant's last healthy instance.
 */
export class NodePool extends Construct {
  /** The managed node groups: one, or one per zone. */
  readonly nodegroups: eks.Nodegroup[];

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);

    const instanceTypes = props.instanceTypes.map((type) => new ec2.InstanceType(type));
    const architectures = new Set(instanceTypes.map((type) => type.architecture));
    if (architectures.size !== 1) {
      throw new Error(
        `NodePool ${id}: instance types ${props.instanceTypes.join(', ')} mix CPU architectures`,
      );
    }
    const arm = architectures.has(ec2.InstanceArchitecture.ARM_64);

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      // A hop limit of 1 keeps pods (which sit one network hop behind the node) away from the
      // node role's credentials; workloads get their own roles through EKS Pod Identity or IRSA.
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.diskSizeGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    const zones = props.availabilityZones;
    const groups = zones?.length ?? 1;
    const share = (size: number, name: string) => {
      if (size % groups !== 0) {
        throw new Error(`NodePool ${id}: ${name} ${size} is not a multiple of its ${groups} zones`);
      }
      return size / groups;
    };
    const sizes = {
      minSize: share(props.minSize, 'minSize'),
      maxSize: share(props.maxSize, 'maxSize'),
      desiredSize: share(props.desiredSize ?? props.minSize, 'desiredSize'),
    };
    const nodegroupProps = (subnets: ec2.SubnetSelection): eks.NodegroupProps => ({
      cluster: props.cluster,
      instanceTypes,
      amiType: arm
        ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD
        : eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      ...sizes,
      subnets,
      labels: props.labels,
      taints: props.taints,
      launchTemplateSpec: {
        id: launchTemplate.launchTemplateId!,
        version: launchTemplate.latestVersionNumber,
      },
      enableNodeAutoRepair: true,
      // Replace nodes a few at a time so PostgreSQL replicas and PodDisruptionBudgets keep quorum.
      maxUnavailable: 1,
      // EKS would otherwise terminate a node whose drain a PodDisruptionBudget blocks.
      forceUpdate: false,
    });
    this.nodegroups = zones
      ? zones.map(
          (zone) =>
            new eks.Nodegroup(
              this,
              `Nodegroup${zone.slice(-1).toUpperCase()}`,
              nodegroupProps({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [zone] }),
            ),
        )
      : [
          new eks.Nodegroup(
            this,
            'Nodegroup',
            nodegroupProps({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }),
          ),
        ];
    for (const nodegroup of this.nodegroups) {
      Validations.of(nodegroup.role).acknowledge(
        ...NODE_POLICIES.map((policy) => ({
          id: awsManagedPolicyFinding(policy),
          reason: `EKS documents ${policy} as required on the node role of a managed node group; AWS keeps it in step with the kubelet and VPC CNI.`,
        })),
      );
    }
  }
}
