import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { EksAddonName } from '../config/versions';
import { awsManagedPolicyFinding } from './nag-findings';

/** Properties of {@link ClusterAddons}. */
export interface ClusterAddonsProps {
  /** The cluster to install the add-ons on. */
  readonly cluster: eks.Cluster;
  /**
   * The node groups. Networking add-ons are installed before them (a node is not Ready
   * without a CNI); add-ons that run Deployments are installed after them.
   */
  readonly nodeGroups: Construct[];
  /**
   * Versions to pin, by add-on name.
   * @default - the version EKS offers by default for the cluster's Kubernetes version
   */
  readonly versions?: Partial<Record<EksAddonName, string>>;
}

/**
 * The EKS managed add-ons every environment runs: VPC CNI with NetworkPolicy enforcement,
 * kube-proxy, the Pod Identity agent, CoreDNS, and the EBS CSI driver with its own IAM role
 * (through EKS Pod Identity) and the customer-managed key that encrypts database volumes.
 */
export class ClusterAddons extends Construct {
  /** The key the EBS CSI driver encrypts persistent volumes with. */
  readonly volumeKey: kms.Key;
  /** The EBS CSI driver add-on; storage classes that use it should depend on it. */
  readonly ebsCsiDriver: eks.Addon;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const { cluster } = props;
    const versions = props.versions ?? {};
    const addon = (name: EksAddonName, constructId: string, configurationValues?: Record<string, unknown>) =>
      new eks.Addon(this, constructId, {
        cluster,
        addonName: name,
        addonVersion: versions[name],
        configurationValues,
        // Removing an add-on from this app must not pull the network or storage out from under
        // running databases.
        preserveOnDelete: true,
      });

    // Without enableNetworkPolicy the VPC CNI ignores NetworkPolicy objects, and tenant
    // isolation would exist only on paper.
    const vpcCni = addon('vpc-cni', 'VpcCni', { enableNetworkPolicy: 'true' });
    const kubeProxy = addon('kube-proxy', 'KubeProxy');
    // The cluster owns this add-on (service accounts with Pod Identity reuse it); its version
    // and deletion behaviour are set here like the others'.
    const podIdentityAgent = cluster.eksPodIdentityAgent!;
    const podIdentityResource = podIdentityAgent.node.defaultChild as eks.CfnAddon;
    podIdentityResource.preserveOnDelete = true;
    podIdentityResource.addonVersion = versions['eks-pod-identity-agent'];
    for (const nodeGroup of props.nodeGroups) {
      nodeGroup.node.addDependency(vpcCni, kubeProxy, podIdentityAgent);
    }

    const coreDns = addon('coredns', 'CoreDns');
    coreDns.node.addDependency(...props.nodeGroups);

    this.volumeKey = new kms.Key(this, 'VolumeKey', {
      description: 'Encrypts EBS volumes of persistent volume claims (database storage)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const ebsCsiRole = new iam.Role(this, 'EbsCsiDriverRole', {
      description: 'EBS CSI driver controller (kube-system/ebs-csi-controller-sa), through EKS Pod Identity',
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy')],
    });
    Validations.of(ebsCsiRole).acknowledge({
      id: awsManagedPolicyFinding('service-role/AmazonEBSCSIDriverPolicy'),
      reason:
        'AWS maintains this policy for the EBS CSI driver and updates it with the EC2 calls new driver versions make; ' +
        'its write actions are conditioned on volumes and snapshots tagged by the driver.',
    });
    // The key permissions EBS needs to create and attach encrypted volumes for the driver;
    // grants only for AWS resources (the volumes), as the EBS CSI documentation prescribes.
    ebsCsiRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: [this.volumeKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    this.volumeKey.grant(
      ebsCsiRole,
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:DescribeKey',
    );
    this.ebsCsiDriver = addon('aws-ebs-csi-driver', 'EbsCsiDriver');
    const association = new eks.CfnPodIdentityAssociation(this, 'EbsCsiDriverPodIdentity', {
      clusterName: cluster.clusterName,
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      roleArn: ebsCsiRole.roleArn,
    });
    association.node.addDependency(podIdentityAgent);
    this.ebsCsiDriver.node.addDependency(association, ...props.nodeGroups);
  }
}
