import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of {@link AlertTopicPublisher}. */
export interface AlertTopicPublisherProps {
  /** The cluster Alertmanager runs in. */
  readonly cluster: eks.Cluster;
  /** Namespace and name of Alertmanager's service account. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** ARN of the SNS topic alerts are published to (`monitoring.alertmanager.receiver.topicArn`). */
  readonly topicArn: string;
}

/**
 * The AWS identity of Alertmanager's SNS receiver: a role that may `sns:Publish` to the one
 * configured topic and nothing else, given to Alertmanager's service account through EKS Pod
 * Identity. Alertmanager signs SNS requests with the AWS SDK's default credential chain
 * (`sigv4` without keys in its SNS configuration), which reads Pod Identity's container
 * credentials. A topic encrypted with a customer-managed KMS key also needs that key's policy
 * to let this role use it (README, Monitoring and alerting).
 */
export class AlertTopicPublisher extends Construct {
  /** The role the Alertmanager pods assume. */
  readonly role: iam.Role;
  /** The association of the role with the service account; Alertmanager must start after it. */
  readonly association: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: AlertTopicPublisherProps) {
    super(scope, id);
    const { namespace, name } = props.serviceAccount;
    this.role = new iam.Role(this, 'Role', {
      description: `Alertmanager (${namespace}/${name}) publishing alerts to SNS, through EKS Pod Identity`,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishAlerts',
        actions: ['sns:Publish'],
        resources: [props.topicArn],
      }),
    );
    this.association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: props.cluster.clusterName,
      namespace,
      serviceAccount: name,
      roleArn: this.role.roleArn,
    });
    this.association.node.addDependency(props.cluster.eksPodIdentityAgent!);
  }
}
