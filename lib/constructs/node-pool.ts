import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { awsManagedPolicyFinding } from './nag-findings';

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
  /** Fewest nodes. */
  readonly minSize: number;
  /** Most nodes. */
  readonly maxSize: number;
  /**
   * Nodes at creation.
   * @default - minSize
   */
  readonly desiredSize?: number;
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
 * A managed node group spread over the cluster's private subnets in every availability zone,
 * launched from a template that requires IMDSv2 and encrypts the root volume.
 */
export class NodePool extends Construct {
  /** The managed node group. */
  readonly nodegroup: eks.Nodegroup;

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

    this.nodegroup = new eks.Nodegroup(this, 'Nodegroup', {
      cluster: props.cluster,
      instanceTypes,
      amiType: arm
        ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD
        : eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredSize: props.desiredSize ?? props.minSize,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      labels: props.labels,
      taints: props.taints,
      launchTemplateSpec: {
        id: launchTemplate.launchTemplateId!,
        version: launchTemplate.latestVersionNumber,
      },
      enableNodeAutoRepair: true,
      // Replace nodes a few at a time so PostgreSQL replicas and PodDisruptionBudgets keep quorum.
      maxUnavailable: 1,
    });
    Validations.of(this.nodegroup.role).acknowledge(
      ...['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(
        (policy) => ({
          id: awsManagedPolicyFinding(policy),
          reason: `EKS documents ${policy} as required on the node role of a managed node group; AWS keeps it in step with the kubelet and VPC CNI.`,
        }),
      ),
    );
  }
}
