/**
 * Finding IDs for cdk-nag acknowledgments, so each acknowledgment names exactly the finding
 * it accepts and a new finding of the same rule still fails synthesis.
 */

/** The AwsSolutions-IAM4 finding for one AWS-managed policy, e.g. `service-role/AmazonEBSCSIDriverPolicy`. */
export function awsManagedPolicyFinding(policyName: string): string {
  return `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`;
}

/** An AwsSolutions rule as a whole, e.g. `L1`, for resources a library creates in full. */
export function awsSolutionsRule(rule: string): string {
  return `AwsSolutions::AwsSolutions-${rule}`;
}
