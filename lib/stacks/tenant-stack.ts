import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { cloneSourcePassphraseNames, passphraseNames } from '../../k8s/backup-passphrase-sync';
import type { TenantPgAdminSettings } from '../../k8s/pgadmin';
import type { WebUiRouteSettings } from '../../k8s/web-ui-ingress-chart';
import { TenantDatabaseChart, tenantNamespace, tenantServiceNames } from '../../k8s/tenant-database-chart';
import type { DatabaseImages, EnvironmentImages } from '../config/images-schema';
import type { TenantConfig } from '../config/tenant-schema';
import { LOAD_BALANCER_LOG_PREFIX } from '../constructs/access-log-bucket';
import { BackupPassphrase } from '../constructs/backup-passphrase';
import { BACKUP_REPOSITORY_PATH, BackupStorage } from '../constructs/backup-storage';
import { CloneSource, CloneSourceAccess } from '../constructs/clone-source-access';
import type { ExternalSecretsOperator } from '../constructs/external-secrets';
import type { PostgresOperator } from '../constructs/postgres-operator';
import { READ_ONLY_PORT, READ_WRITE_PORT, TenantPrivateLink } from '../constructs/tenant-private-link';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

/** Properties of {@link TenantStack}. */
export interface TenantStackProps extends EnvironmentStackProps {
  /** The tenant's validated configuration. */
  readonly tenant: TenantConfig;
  /** The environment's image settings; the tenant's own overrides win. */
  readonly environmentImages: EnvironmentImages;
  /** The cluster the tenant runs on. */
  readonly cluster: eks.ICluster;
  /** The operator; the tenant's resources are applied after it (they use its CRDs). */
  readonly postgresOperator: PostgresOperator;
  /** The Kubernetes Service range (`cluster.serviceCidr`), which ClusterIPs come from. */
  readonly serviceCidr: string;
  /** Where S3 server access logs of the backup bucket and load balancer access logs go. */
  readonly accessLogBucket: s3.IBucket;
  /** The platform VPC. */
  readonly vpc: ec2.IVpc;
  /** The platform's load balancer subnets, one per zone. */
  readonly loadBalancerSubnets: ec2.ISubnet[];
  /** Their CIDRs, as literals: the tenant's NetworkPolicies admit clients from these only. */
  readonly loadBalancerSubnetCidrs: string[];
  /** The security group every tenant load balancer shares. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** The AWS Load Balancer Controller; TargetGroupBindings are applied after it. */
  readonly loadBalancerController: Construct;
  /** External Secrets Operator; the passphrase's SecretStore and ExternalSecret are applied after it. */
  readonly externalSecrets: ExternalSecretsOperator;
  /** The platform CA's ClusterIssuer; the tenant's Certificates are applied after it. */
  readonly platformCa: Construct;
  /** The tenant's pgAdmin (README, pgAdmin). @default - no pgAdmin */
  readonly pgAdmin?: TenantPgAdminSettings;
  /**
   * The repository the tenant is cloned from (`cloneFrom`), resolved by the environment.
   * @default - not a clone
   */
  readonly cloneSource?: CloneSource;
  /**
   * The route of its pgAdmin on the web UI ALB (README, Reaching the web UIs).
   * @default - none: pgAdmin is reached with kubectl port-forward
   */
  readonly pgAdminRoute?: WebUiRouteSettings;
}

/**
 * Names of the exports of a tenant stack's retained backup resources, which a tenant cloned
 * from it imports. Exported by every tenant stack, whether cloned from or not, so adding or
 * removing a clone never changes the source stack; CloudFormation refuses to delete the source
 * stack while a clone still imports them (docs/runbooks/restore-to-new-tenant.md).
 */
export function backupExportNames(stackName: string): {
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  readonly passphraseSecretArn: string;
} {
  return {
    bucketName: `${stackName}-BackupBucket`,
    kmsKeyArn: `${stackName}-BackupKeyArn`,
    passphraseSecretArn: `${stackName}-BackupPassphraseSecret`,
  };
}

/**
 * One tenant: its backup storage and identity in AWS, and its PostgreSQL cluster in
 * Kubernetes. A stack per tenant, so `cdk diff` and `cdk deploy` can target one tenant and a
 * mistake in one cannot touch another.
 */
export class TenantStack extends EnvironmentStack {
  /** Backup bucket, key and role. */
  readonly backup: BackupStorage;
  /** The backup passphrase in Secrets Manager, and the role that syncs it into the namespace. */
  readonly passphrase: BackupPassphrase;
  /** Load balancer, target groups and endpoint service. */
  readonly privateLink: TenantPrivateLink;
  /** The manifest that applies the tenant's Kubernetes objects. */
  readonly database: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id, props);
    const { tenant } = props;
    const namespace = tenantNamespace(tenant.name);
    const names = tenantServiceNames(tenant.name);

    this.backup = new BackupStorage(this, 'Backup', {
      cluster: props.cluster,
      namespace,
      serviceAccounts: names.serviceAccounts,
      accessLogBucket: props.accessLogBucket,
    });

    this.passphrase = new BackupPassphrase(this, 'BackupPassphrase', {
      cluster: props.cluster,
      namespace,
      readerServiceAccount: passphraseNames(tenant.name).reader,
      key: this.backup.key,
    });

    this.privateLink = new TenantPrivateLink(this, 'PrivateLink', {
      vpc: props.vpc,
      subnets: props.loadBalancerSubnets,
      securityGroup: props.loadBalancerSecurityGroup,
      accessLogBucket: props.accessLogBucket,
      accessLogPrefix: `${LOAD_BALANCER_LOG_PREFIX}/${tenant.name}`,
      readReplicas: tenant.replicas > 1,
      allowedPrincipals: tenant.privateLink.allowedPrincipals,
      acceptanceRequired: tenant.privateLink.acceptanceRequired,
      allowedRegions: tenant.privateLink.allowedRegions,
      privateDnsName: tenant.privateLink.privateDnsName,
      decommission: tenant.decommission,
    });

    const cloneAccess = props.cloneSource
      ? new CloneSourceAccess(this, 'CloneSource', {
          cluster: props.cluster,
          namespace,
          backupRole: this.backup.role,
          source: props.cloneSource,
          readerServiceAccount: cloneSourcePassphraseNames(tenant.name).reader,
        })
      : undefined;

    const images = mergeImages(props.environmentImages, tenant.images);
    const chart = new TenantDatabaseChart(new cdk8s.App(), 'tenant', {
      tenant,
      images,
      imagePullSecretNames: props.environmentImages.pullSecretNames,
      region: this.region,
      backupBucketName: this.backup.bucket.bucketName,
      backupRepositoryPath: BACKUP_REPOSITORY_PATH,
      backupRoleArn: this.backup.role.roleArn,
      network: { loadBalancerCidrs: props.loadBalancerSubnetCidrs, serviceCidr: props.serviceCidr },
      loadBalancer: {
        securityGroupId: this.privateLink.securityGroup.securityGroupId,
        readWriteTargetGroupArn: this.privateLink.readWriteTargets.targetGroupArn,
        readOnlyTargetGroupArn: this.privateLink.readOnlyTargets?.targetGroupArn,
      },
      backupPassphrase: {
        secretArn: this.passphrase.secret.secretArn,
        readerRoleArn: this.passphrase.readerRole.roleArn,
      },
      pgAdmin: props.pgAdmin,
      cloneSource:
        props.cloneSource && cloneAccess
          ? {
              bucketName: props.cloneSource.bucketName,
              repositoryPath: props.cloneSource.repositoryPath,
              passphraseSecretArn: props.cloneSource.passphraseSecretArn,
              passphraseReaderRoleArn: cloneAccess.passphraseReaderRole.roleArn,
            }
          : undefined,
      pgAdminRoute: props.pgAdminRoute,
    });
    this.database = new eks.KubernetesManifest(this, 'Database', {
      cluster: props.cluster,
      manifest: chart.toJson(),
      // `kubectl apply` on create too: a namespace or Secret that already exists (made by hand,
      // e.g. a registry pull Secret's namespace, or left by an earlier stack) is adopted instead
      // of failing `kubectl create` and rolling the stack back (aws-eks-v2 KubernetesManifest
      // `overwrite`; custom-resource-handlers aws-eks-v2 kubectl-handler apply).
      overwrite: true,
      // Deleting this resource runs `kubectl delete` on its objects, the PostgresCluster and its
      // volumes with them (custom-resource-handlers aws-eks-v2 kubectl-handler apply, Delete).
      // Retained, a renamed logical ID or a destroyed stack leaves the database running; only
      // a tenant being decommissioned lets the destroy that follows delete it.
      removalPolicy: tenant.decommission ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.database.node.addDependency(
      props.postgresOperator.chart,
      props.loadBalancerController,
      props.externalSecrets.chart,
      props.platformCa,
    );

    new CfnOutput(this, 'Namespace', { description: 'Kubernetes namespace of the tenant', value: namespace });
    new CfnOutput(this, 'PgBouncerService', {
      description: 'Read-write Service (PgBouncer, routes to the primary)',
      value: names.pgBouncer,
    });
    new CfnOutput(this, 'EndpointServiceName', {
      description: 'VPC endpoint service customers create their interface endpoint to',
      value: this.privateLink.endpointService.vpcEndpointServiceName,
    });
    new CfnOutput(this, 'EndpointServiceId', {
      description: 'Id of the endpoint service, for aws ec2 describe- and reject-vpc-endpoint-connections',
      value: this.privateLink.endpointService.vpcEndpointServiceId,
    });
    if (tenant.privateLink.privateDnsName) {
      const service = this.privateLink.cfnEndpointService;
      new CfnOutput(this, 'PrivateDnsName', {
        description: 'Private DNS name of the endpoint service',
        value: tenant.privateLink.privateDnsName,
      });
      new CfnOutput(this, 'PrivateDnsVerificationRecord', {
        description: 'Create this TXT record in the public zone of the domain, then start the verification',
        value: `${service.attrPrivateDnsNameConfigurationName} TXT ${service.attrPrivateDnsNameConfigurationValue}`,
      });
    }
    new CfnOutput(this, 'Ports', {
      description: 'Read-write port, and read-only port when the tenant has replicas',
      value:
        tenant.replicas > 1
          ? `${READ_WRITE_PORT} read-write, ${READ_ONLY_PORT} read-only`
          : `${READ_WRITE_PORT} read-write`,
    });
    const exportNames = backupExportNames(this.stackName);
    new CfnOutput(this, 'BackupBucket', {
      description: 'pgBackRest repository bucket',
      value: this.backup.bucket.bucketName,
      exportName: exportNames.bucketName,
    });
    new CfnOutput(this, 'BackupKeyArn', {
      description: 'ARN of the KMS key encrypting the backups and the passphrase (retained)',
      value: this.backup.key.keyArn,
      exportName: exportNames.kmsKeyArn,
    });
    new CfnOutput(this, 'BackupPassphraseSecret', {
      description: 'ARN of the Secrets Manager secret holding the pgBackRest cipher passphrase (retained)',
      value: this.passphrase.secret.secretArn,
      exportName: exportNames.passphraseSecretArn,
    });
  }
}

/** The tenant's images: the environment's defaults, overridden by the tenant's own. */
function mergeImages(environment: EnvironmentImages, tenant: DatabaseImages | undefined): DatabaseImages {
  return {
    postgres: { ...environment.postgres, ...tenant?.postgres },
    pgbackrest: tenant?.pgbackrest ?? environment.pgbackrest,
    pgbouncer: tenant?.pgbouncer ?? environment.pgbouncer,
    exporter: tenant?.exporter ?? environment.exporter,
    pgbouncerExporter: tenant?.pgbouncerExporter ?? environment.pgbouncerExporter,
    upgrade: tenant?.upgrade ?? environment.upgrade,
  };
}
