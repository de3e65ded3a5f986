import { CfnJson } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The IRSA principal of Kubernetes service accounts: web identities from the cluster's OIDC
 * provider, for the STS audience, whose subject is one of `namespace:serviceAccounts`.
 *
 * The issuer is only known at deploy time, so the condition keys are built by CloudFormation
 * (a `CfnJson` named `id` under `scope`).
 */
export function serviceAccountPrincipal(
  scope: Construct,
  id: string,
  cluster: eks.ICluster,
  namespace: string,
  serviceAccounts: string[],
): iam.IPrincipal {
  const provider = cluster.openIdConnectProvider;
  const issuer = provider.openIdConnectProviderIssuer;
  const conditions = new CfnJson(scope, id, {
    value: {
      [`${issuer}:aud`]: 'sts.amazonaws.com',
      [`${issuer}:sub`]: serviceAccounts.map((name) => `system:serviceaccount:${namespace}:${name}`),
    },
  });
  return new iam.OpenIdConnectPrincipal(provider).withConditions({ StringEquals: conditions });
}
