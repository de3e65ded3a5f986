/**
 * What a change can do to the resources that hold data or that customers depend on: the
 * types whose deletion or replacement loses data, and the properties whose change makes
 * CloudFormation replace (or refuse to update) a resource of those types.
 */

/**
 * Resource types whose replacement loses data or disrupts running databases: a changed
 * logical ID makes CloudFormation replace the resource (a new VPC, cluster, node group, key
 * or bucket; a new endpoint service name, which customers have configured; a deleted and
 * re-applied manifest or Helm release).
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'AWS::EC2::VPC',
  'AWS::EC2::VPCEndpointService',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::EKS::Cluster',
  'AWS::EKS::Nodegroup',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::SecretsManager::Secret',
  'Custom::AWSCDK-EKS-KubernetesResource',
  'Custom::AWSCDK-EKS-HelmChart',
];

/** Whether resources of `type` hold data or a contract, so that deleting or replacing one is a data-loss risk. */
export function isStatefulType(type: string): boolean {
  return STATEFUL_RESOURCE_TYPES.includes(type);
}

/** What CloudFormation does when a property of a stateful resource changes. */
export type ImmutableEffect = 'replacement' | 'update fails';

/**
 * Top-level properties of stateful types whose change CloudFormation documents as
 * "Update requires: Replacement" (the CloudFormation Template Reference, page of each type:
 * aws-resource-eks-nodegroup, aws-resource-s3-bucket, aws-resource-ec2-vpc,
 * aws-resource-elasticloadbalancingv2-loadbalancer, aws-resource-eks-cluster,
 * aws-resource-secretsmanager-secret, aws-resource-logs-loggroup). For AWS::KMS::Key the page
 * says instead that a change of KeySpec, KeyUsage, Origin or MultiRegion makes the update
 * fail, whatever the UpdateReplacePolicy. Only the properties this project sets or could
 * set are listed; a property missing here is reported as a plain modification.
 */
export const IMMUTABLE_PROPERTIES: Readonly<Record<string, Readonly<Record<string, ImmutableEffect>>>> = {
  'AWS::EKS::Nodegroup': {
    AmiType: 'replacement',
    CapacityType: 'replacement',
    ClusterName: 'replacement',
    DiskSize: 'replacement',
    InstanceTypes: 'replacement',
    NodeRole: 'replacement',
    NodegroupName: 'replacement',
    RemoteAccess: 'replacement',
    Subnets: 'replacement',
  },
  'AWS::S3::Bucket': { BucketName: 'replacement' },
  'AWS::EC2::VPC': {
    CidrBlock: 'replacement',
    Ipv4IpamPoolId: 'replacement',
    Ipv4NetmaskLength: 'replacement',
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    Name: 'replacement',
    Scheme: 'replacement',
    Type: 'replacement',
  },
  'AWS::EKS::Cluster': {
    Name: 'replacement',
    RoleArn: 'replacement',
    KubernetesNetworkConfig: 'replacement',
  },
  'AWS::SecretsManager::Secret': { Name: 'replacement' },
  'AWS::Logs::LogGroup': { LogGroupName: 'replacement' },
  'AWS::KMS::Key': {
    KeySpec: 'update fails',
    KeyUsage: 'update fails',
    Origin: 'update fails',
    MultiRegion: 'update fails',
  },
};

/** How a change of `property` of a `type` resource takes effect, or undefined for an ordinary update. */
export function immutableEffect(type: string, property: string): ImmutableEffect | undefined {
  return IMMUTABLE_PROPERTIES[type]?.[property];
}
