import * as path from 'path';
import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsCliLayer } from 'aws-cdk-lib/lambda-layer-awscli';
import { Construct } from 'constructs';
import { awsSolutionsRule } from './nag-findings';

/** The resource type CloudFormation shows for {@link ChartCrds}. */
export const CHART_CRDS_RESOURCE_TYPE = 'Custom::ChartCrds';

/** Properties of {@link ChartCrds}. */
export interface ChartCrdsProps {
  /** The cluster to apply the CRDs to; its kubectl handler's role (cluster admin) applies them. */
  readonly cluster: eks.Cluster;
  /** OCI chart repository, including the chart name (`oci://registry/path/chart`). */
  readonly repository: string;
  /** Chart version: a new version applies its CRDs. */
  readonly version: string;
  /** The kubectl/helm layer of the cluster's Kubernetes version. */
  readonly kubectlLayer: lambda.ILayerVersion;
  /** The key that encrypts the function's log group. */
  readonly logKey: kms.IKey;
}

/**
 * The CRDs of a Helm chart's `crds/` folder, applied server-side (`kubectl apply --server-side
 * --force-conflicts`) whenever the chart version changes. Helm installs `crds/` on the first
 * install and never upgrades it (Helm docs, "Custom Resource Definitions"; PGO's upgrade guide
 * tells users to run this same kubectl command before `helm upgrade`). Make the Helm release
 * depend on this resource, so the new CRDs are served before the new operator starts.
 *
 * Why a function of its own: PGO's PostgresCluster CRD is 2.9 MB, far beyond what the kubectl
 * handler takes inline (a 256 KB request, a 1 MB template), and a CRD-only chart of our own
 * would store the CRD in Helm's release Secret, capped at 1 MB. The function pulls the chart
 * from its registry at deploy time, as the kubectl handler does for the release itself, so no
 * copy of the CRDs enters the project or the template. On delete it leaves the CRDs in place:
 * deleting a CRD deletes every object of its kind, every database.
 */
export class ChartCrds extends Construct {
  /** The custom resource; depend on it. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ChartCrdsProps) {
    super(scope, id);
    const chart = props.repository.split('/').pop()!;
    if (!props.repository.startsWith('oci://') || !chart) {
      throw new Error(`ChartCrds ${id}: repository ${props.repository} is not an oci:// chart reference`);
    }
    const kubectlRole = props.cluster.kubectlProvider?.role;
    if (!kubectlRole) {
      throw new Error(`ChartCrds ${id}: the cluster has no kubectl handler role to apply CRDs with`);
    }
    const handler = new lambda.Function(this, 'Handler', {
      description: `Applies the CRDs of Helm chart ${chart} server-side before its release is upgraded`,
      runtime: lambda.Runtime.PYTHON_3_13,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'chart-crds-handler')),
      layers: [props.kubectlLayer, new AwsCliLayer(this, 'AwsCliLayer')],
      // Same identity and network as the kubectl handler: an EKS access entry already makes it
      // cluster admin, and the private API endpoint is reachable from the cluster's subnets.
      role: kubectlRole,
      vpc: props.cluster.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.cluster.clusterSecurityGroup],
      memorySize: 1024,
      timeout: Duration.minutes(10),
      logGroup: new logs.LogGroup(this, 'Logs', {
        encryptionKey: props.logKey,
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });
    Validations.of(handler).acknowledge({
      id: awsSolutionsRule('L1'),
      reason:
        'Python 3.13 is the runtime aws-eks-v2 runs its own kubectl handler on with the same kubectl and AWS CLI ' +
        'layers; it moves with that handler when aws-cdk-lib is upgraded.',
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: handler.functionArn,
      resourceType: CHART_CRDS_RESOURCE_TYPE,
      properties: {
        ClusterName: props.cluster.clusterName,
        Repository: props.repository,
        Chart: chart,
        Version: props.version,
      },
    });
    // On a new cluster the kubectl role is admin only once its access entry exists: wait for
    // the barrier aws-eks-v2's own Kubernetes resources wait for.
    this.resource.node.addDependency(props.cluster.node.findChild('KubectlReadyBarrier'));
  }
}
