import { CfnElement, CfnJson, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { awsSolutionsRule } from './nag-findings';

/** Namespace and name of the autoscaler's service account. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'cluster-autoscaler' };

/**
 * Requests and limits of the autoscaler's one container: the sizes the autoscaler FAQ gives
 * for clusters of this size, requests equal to limits. The system pool capacity rule reads them.
 */
export const CLUSTER_AUTOSCALER_RESOURCES = {
  requests: { cpu: '100m', memory: '600Mi' },
  limits: { cpu: '100m', memory: '600Mi' },
};

/** Properties of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerProps {
  /** The cluster whose managed node groups the autoscaler scales. */
  readonly cluster: eks.Cluster;
  /** Helm repository URL. */
  readonly repository: string;
  /** Chart name. */
  readonly chart: string;
  /** Chart version. */
  readonly version: string;
  /** Autoscaler image tag; its minor version must match the cluster's Kubernetes version. */
  readonly imageTag: string;
  /** Node label (key and value) of the pool the autoscaler runs on. */
  readonly nodeSelector: { readonly key: string; readonly value: string };
}

/**
 * The Kubernetes Cluster Autoscaler: adds a node when a pod cannot be scheduled and removes
 * nodes left idle, within each node group's minSize and maxSize.
 *
 * It discovers the managed node groups by the tags EKS puts on their Auto Scaling groups
 * (`k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster name>`), keeps
 * similar groups (the database pool's one group per zone) the same size, and may change
 * only the Auto Scaling groups tagged for this cluster. Its AWS credentials come from EKS
 * Pod Identity.
 */
export class ClusterAutoscaler extends Construct {
  /** The Helm release; it waits for the autoscaler to run, so it needs nodes first. */
  readonly chart: eks.HelmChart;
  /** The role the autoscaler's pods assume. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const { cluster } = props;
    const stack = Stack.of(this);

    // EKS Pod Identity, as for the EBS CSI driver: a role only the Pod Identity service can
    // assume, associated with the chart's service account. No IRSA annotation on the account:
    // with one, the IRSA webhook would inject web identity credentials this role does not trust,
    // and the SDK tries those first.
    const role = new iam.Role(this, 'Role', {
      description: `Cluster Autoscaler (${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace}/${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name}), through EKS Pod Identity`,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    this.role = role;
    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
      roleArn: role.roleArn,
    });
    association.node.addDependency(cluster.eksPodIdentityAgent!);

    // The documented policy (cluster-autoscaler/cloudprovider/aws/README.md), narrowed: reads
    // anywhere (describe calls take no resource), changes only to this cluster's groups.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeScalingTargets',
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeThisClustersNodegroups',
        actions: ['eks:DescribeNodegroup'],
        resources: [
          stack.formatArn({
            service: 'eks',
            resource: 'nodegroup',
            resourceName: `${cluster.clusterName}/*/*`,
          }),
        ],
      }),
    );
    // The tag key holds the cluster name, a deploy-time value: CfnJson resolves it into a key.
    const ownedByThisCluster = new CfnJson(this, 'OwnedByClusterCondition', {
      value: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster.clusterName}`]: 'owned' },
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ScaleThisClustersGroups',
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: ['*'],
        conditions: { StringEquals: ownedByThisCluster },
      }),
    );
    // cdk-nag names a pseudo parameter or a resource attribute by its placeholder.
    const shown = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const clusterId = stack.getLogicalId(cluster.node.defaultChild as CfnElement);
    const nodegroupArn =
      `arn:${shown(stack.partition, '<AWS::Partition>')}:eks:${shown(stack.region, '<AWS::Region>')}:` +
      `${shown(stack.account, '<AWS::AccountId>')}:nodegroup/<${clusterId}>/*/*`;
    Validations.of(role).acknowledge(
      {
        id: `${awsSolutionsRule('IAM5')}[Resource::*]`,
        reason:
          'Auto Scaling and EC2 describe calls do not support resource-level permissions, so they take "*"; ' +
          'SetDesiredCapacity and TerminateInstanceInAutoScalingGroup also take "*" but only with the condition ' +
          'that the group is tagged k8s.io/cluster-autoscaler/<this cluster>=owned, which EKS sets on its node groups.',
      },
      {
        id: `${awsSolutionsRule('IAM5')}[Resource::${nodegroupArn}]`,
        reason:
          "eks:DescribeNodegroup (labels and taints of a group scaled from zero) is limited to this cluster's " +
          'node groups; their names and IDs are generated by EKS, hence the wildcards after the cluster name.',
      },
    );

    this.chart = cluster.addHelmChart('ClusterAutoscaler', {
      repository: props.repository,
      chart: props.chart,
      version: props.version,
      release: 'cluster-autoscaler',
      namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
      wait: true,
      timeout: Duration.minutes(10),
      values: {
        cloudProvider: 'aws',
        awsRegion: stack.region,
        fullnameOverride: 'cluster-autoscaler',
        image: { tag: props.imageTag },
        autoDiscovery: {
          clusterName: cluster.clusterName,
          tags: ['k8s.io/cluster-autoscaler/enabled', `k8s.io/cluster-autoscaler/${cluster.clusterName}`],
        },
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name } },
        extraArgs: {
          // The database pool is one node group per zone: keep them the same size, so a zone's
          // loss leaves the others able to take its pods.
          'balance-similar-node-groups': true,
          // EKS labels each node with its node group's name, which differs between the zones.
          'balancing-ignore-label': 'eks.amazonaws.com/nodegroup',
          expander: 'least-waste',
          // PostgreSQL pods mount emptyDir volumes (/tmp, /dev/shm): never drain a node to save
          // cost while one runs there (the autoscaler's default, kept explicit).
          'skip-nodes-with-local-storage': true,
        },
        nodeSelector: { [props.nodeSelector.key]: props.nodeSelector.value },
        priorityClassName: 'system-cluster-critical',
        resources: CLUSTER_AUTOSCALER_RESOURCES,
      },
    });
    // The pods must find their association when they start, or they run without credentials.
    this.chart.node.addDependency(association, role);
  }
}
