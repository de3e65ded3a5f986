/**
 * What a change can do to the resources that hold data or that customers depend on: the
 * types whose deletion or replacement loses data, and the properties whose change makes
 * CloudFormation refuse the update. The review command and the safety suite
 * (test/safety/) read the same list.
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

/**
 * Properties CloudFormation refuses to change: the update fails, whatever the
 * UpdateReplacePolicy. Replacements are not listed here: @aws-cdk/cloudformation-diff knows
 * them from the CloudFormation resource specification (lib/review/resource-impact.ts).
 * - AWS::KMS::Key (CloudFormation Template Reference, aws-resource-kms-key): a change of
 *   KeySpec, KeyUsage, Origin or MultiRegion "fails, regardless of the value of the
 *   UpdateReplacePolicy attribute".
 * - Custom resources (aws-resource-cloudformation-customresource, ServiceToken: "Updates
 *   aren't supported"): a new kubectl provider function cannot take over an existing manifest
 *   or Helm release.
 */
export const UPDATE_FAILS_ON: Readonly<Record<string, readonly string[]>> = {
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'Origin', 'MultiRegion'],
  'AWS::CloudFormation::CustomResource': ['ServiceToken'],
};

/** Whether CloudFormation refuses a change of `property` on a resource of `type`. */
export function updateFailsOn(type: string, property: string): boolean {
  const key = type.startsWith('Custom::') ? 'AWS::CloudFormation::CustomResource' : type;
  return UPDATE_FAILS_ON[key]?.includes(property) ?? false;
}
