import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of {@link PodIdentityRole}. */
export interface PodIdentityRoleProps {
  /** The cluster whose Pod Identity agent hands out the role's credentials. */
  readonly cluster: eks.Cluster;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccount: string;
  /** What the role is for, in its IAM description. */
  readonly purpose: string;
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity, as the cluster
 * autoscaler's: only the Pod Identity service may assume it, and the association names the
 * one service account. Pods read credentials from the node's Pod Identity agent
 * (169.254.170.23), so they need no route to STS. A pod started before its association
 * exists runs without credentials until it restarts: charts depend on {@link association}.
 */
export class PodIdentityRole extends Construct {
  /** The role. */
  readonly role: iam.Role;
  /** The association of the role with the service account. */
  readonly association: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description: `${props.purpose} (${props.namespace}/${props.serviceAccount}), through EKS Pod Identity`,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.cluster.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
    this.association.node.addDependency(props.cluster.eksPodIdentityAgent!);
  }
}
