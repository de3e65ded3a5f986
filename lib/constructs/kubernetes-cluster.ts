import { CfnCondition, CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { awsManagedPolicyFinding, awsSolutionsRule } from './nag-findings';

/** Properties of {@link KubernetesCluster}. */
export interface KubernetesClusterProps {
  /** The VPC; the control plane and the kubectl handler use its private subnets. */
  readonly vpc: ec2.IVpc;
  /** The EKS Kubernetes version. */
  readonly version: eks.KubernetesVersion;
  /** The kubectl/helm layer matching `version`. */
  readonly kubectlLayer: lambda.ILayerVersion;
  /**
   * CIDRs allowed to reach a public API endpoint.
   * @default - the endpoint is private: reachable only from inside the VPC
   */
  readonly publicAccessCidrs?: string[];
  /**
   * IAM role ARNs granted cluster-admin through EKS access entries.
   * @default - no administrators besides the deployment's own kubectl handler
   */
  readonly adminRoleArns?: string[];
  /** CIDR of Kubernetes Service IPs. */
  readonly serviceIpv4Cidr: string;
  /** The key that encrypts the kubectl handler's log groups. */
  readonly logKey: kms.IKey;
  /** The AWS Load Balancer Controller version to install. */
  readonly albControllerVersion: eks.AlbControllerVersion;
}

/**
 * The EKS control plane of an environment: Kubernetes secrets envelope-encrypted with a
 * customer-managed key, every control-plane log type sent to CloudWatch Logs, access through
 * EKS access entries only, a kubectl handler inside the VPC, and the AWS Load Balancer
 * Controller that later binds load balancer target groups to pods.
 *
 * Compute is added separately ({@link NodePool}); the EKS-bootstrapped add-ons are turned off
 * so that {@link ClusterAddons} installs them as managed add-ons, in order.
 */
export class KubernetesCluster extends Construct {
  /** The EKS cluster. */
  readonly cluster: eks.Cluster;
  /** The key that envelope-encrypts Kubernetes secrets. */
  readonly secretsKey: kms.Key;

  constructor(scope: Construct, id: string, props: KubernetesClusterProps) {
    super(scope, id);

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Envelope encryption of Kubernetes secrets',
      enableKeyRotation: true,
      // Secrets in etcd cannot be read without this key: it must outlive any mistake.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const publicCidrs = props.publicAccessCidrs ?? [];
    this.cluster = new eks.Cluster(this, 'Cluster', {
      version: props.version,
      vpc: props.vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess:
        publicCidrs.length > 0
          ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicCidrs)
          : eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: this.secretsKey,
      serviceIpv4Cidr: props.serviceIpv4Cidr,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      // Admins are listed in the config; the CloudFormation role does not become one silently.
      bootstrapClusterCreatorAdminPermissions: false,
      bootstrapSelfManagedAddons: false,
      kubectlProviderOptions: { kubectlLayer: props.kubectlLayer },
      albController: { version: props.albControllerVersion },
      outputConfigCommand: false,
    });

    // The kubectl handler logs every manifest it applies: keep those logs encrypted like the rest.
    const kubectlProvider = this.cluster.node.findChild('KubectlProvider');
    for (const logGroup of kubectlProvider.node.findAll().filter((c) => c instanceof logs.CfnLogGroup)) {
      (logGroup as logs.CfnLogGroup).kmsKeyId = props.logKey.keyArn;
    }

    this.acknowledgeLibraryFindings();

    for (const arn of props.adminRoleArns ?? []) {
      // The ID follows the role, not its position, so reordering the list changes nothing.
      this.cluster.grantAccess(`Admin ${arn.replace(/\//g, ' ')}`, arn, [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', {
          accessScopeType: eks.AccessScopeType.CLUSTER,
        }),
      ]);
    }
  }

  /** Findings on resources that aws-eks-v2 creates in full, with why each is accepted. */
  private acknowledgeLibraryFindings(): void {
    Validations.of(this.cluster.role).acknowledge({
      id: awsManagedPolicyFinding('AmazonEKSClusterPolicy'),
      reason:
        'EKS requires AmazonEKSClusterPolicy on the cluster service role; AWS maintains it with the control plane.',
    });
    Validations.of(this.cluster.node.defaultChild!).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason:
        'aws-eks-v2 sets EncryptionConfig.Resources to ["secrets"]; CloudFormation marks the property deprecated ' +
        'but still applies it, and secrets are the only resource EKS envelope-encrypts.',
    });
    const kubectlProvider = this.cluster.node.findChild('KubectlProvider');
    const stack = Stack.of(this);
    const handler = kubectlProvider.node.findChild('Handler');
    const handlerLogicalId = stack.getLogicalId(handler.node.defaultChild as CfnElement);
    const ecrPublicCondition = handler.node
      .findAll()
      .find((child) => child instanceof CfnCondition) as CfnCondition;
    const lambdaExecution = [
      'service-role/AWSLambdaBasicExecutionRole',
      'service-role/AWSLambdaVPCAccessExecutionRole',
    ];
    const libraryRoleReason =
      'The kubectl handler and its custom resource framework are created in full by aws-eks-v2, with the Lambda ' +
      'execution policies (logs, VPC network interfaces) and read-only ECR access for the handler layers.';
    Validations.of(kubectlProvider).acknowledge(
      ...[...lambdaExecution, 'AmazonEC2ContainerRegistryReadOnly'].map((policy) => ({
        id: awsManagedPolicyFinding(policy),
        reason: libraryRoleReason,
      })),
      {
        // ECR Public read-only access, attached only in regions where ECR Public exists.
        id: awsManagedPolicyFinding('AmazonElasticContainerRegistryPublicReadOnly').replace(
          /Policy::.*\]$/,
          `Policy::{"Fn::If":["${stack.getLogicalId(ecrPublicCondition)}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]`,
        ),
        reason: libraryRoleReason,
      },
      {
        id: `${awsSolutionsRule('IAM5')}[Resource::<${handlerLogicalId}.Arn>:*]`,
        reason:
          'The custom resource framework may invoke any version of the kubectl handler (<handler ARN>:*); ' +
          'the wildcard is confined to that one function.',
      },
      {
        id: awsSolutionsRule('L1'),
        reason:
          'The kubectl handler runtime is chosen by aws-eks-v2 to match its kubectl and AWS CLI layers; ' +
          'it moves forward when aws-cdk-lib is upgraded.',
      },
    );
    const albControllerWildcards = [
      '*',
      'arn:<AWS::Partition>:ec2:*:*:security-group/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/app/*/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/net/*/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/app/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/net/*/*',
      'arn:<AWS::Partition>:elasticloadbalancing:*:*:targetgroup/*/*',
    ];
    Validations.of(this.cluster.albController!).acknowledge(
      ...albControllerWildcards.map((resource) => ({
        id: `${awsSolutionsRule('IAM5')}[Resource::${resource}]`,
        reason:
          'The AWS Load Balancer Controller IAM policy is the one its project publishes for this version (shipped by ' +
          'aws-cdk-lib); the controller creates and tags load balancers, target groups and security groups whose names ' +
          'it cannot know in advance, and its mutating actions are conditioned on the elbv2.k8s.aws/cluster tag.',
      })),
    );
  }
}
