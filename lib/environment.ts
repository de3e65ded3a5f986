import { Fn, Stage, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EnvironmentConfig } from './config/schema';
import type { ConsumerConfig } from './config/consumer-schema';
import { ConsumerStack } from './stacks/consumer-stack';
import { PlatformStack } from './stacks/platform-stack';
import { backupExportNames, TenantStack } from './stacks/tenant-stack';
import type { TenantConfig } from './config/tenant-schema';
import { BACKUP_REPOSITORY_PATH } from './constructs/backup-storage';
import type { CloneSource } from './constructs/clone-source-access';

/** The stacks of one environment. */
export interface EnvironmentStacks {
  /** The network, cluster and shared services. */
  readonly platform: PlatformStack;
  /** One stack per tenant, by tenant name. */
  readonly tenants: Record<string, TenantStack>;
}

/**
 * Creates every stack of one environment from its validated configuration, with the
 * environment's tags. `bin/app.ts` and the tests both build the app through this.
 */
export function createEnvironmentStacks(scope: Stage, config: EnvironmentConfig): EnvironmentStacks {
  const env = { account: config.account, region: config.region };
  const platform = new PlatformStack(scope, `${config.name}-platform`, {
    env,
    availabilityZones: config.availabilityZones,
    config,
    description: `Private PostgreSQL platform ${config.name}: network, EKS cluster, node pools and add-ons`,
    terminationProtection: config.stage === 'production',
  });

  const tenants: Record<string, TenantStack> = {};
  for (const tenant of config.tenants) {
    tenants[tenant.name] = new TenantStack(scope, tenantStackName(config.name, tenant.name), {
      env,
      availabilityZones: config.availabilityZones,
      description: `Private PostgreSQL platform ${config.name}: tenant ${tenant.name}`,
      // A tenant being decommissioned is about to be destroyed on purpose.
      terminationProtection: config.stage === 'production' && !tenant.decommission,
      tenant,
      environmentImages: config.images,
      cluster: platform.cluster,
      postgresOperator: platform.postgresOperator,
      serviceCidr: config.cluster.serviceCidr,
      accessLogBucket: platform.accessLogBucket,
      vpc: platform.network.vpc,
      loadBalancerSubnets: platform.network.loadBalancerSubnets,
      loadBalancerSubnetCidrs: platform.network.loadBalancerSubnetCidrs,
      loadBalancerSecurityGroup: platform.network.loadBalancerSecurityGroup,
      loadBalancerController: platform.cluster.albController!,
      externalSecrets: platform.externalSecrets,
      platformCa: platform.platformCa,
      pgAdmin: config.pgAdmin.enabled
        ? {
            users: config.pgAdmin.users,
            storageSize: config.pgAdmin.storageSize,
            image: config.images.pgadmin,
            vpcCidr: config.network.vpcCidr,
          }
        : undefined,
      cloneSource: cloneSourceOf(tenant, (name) => tenantStackName(config.name, name)),
      pgAdminRoute: config.pgAdmin.enabled
        ? platform.webUiAccess?.tenantPgAdminRoute(tenant.name)
        : undefined,
    });
  }
  for (const tenant of config.tenants) {
    if (tenant.cloneFrom?.tenant) {
      // The clone imports the source's exports: deploy the source first.
      tenants[tenant.name].addStackDependency(tenants[tenant.cloneFrom.tenant]);
    }
  }

  for (const [key, value] of Object.entries(config.tags)) {
    Tags.of(scope).add(key, value);
  }
  Tags.of(scope).add('postgres-platform/environment', config.name);
  return { platform, tenants };
}

/** The stack name of a tenant. */
function tenantStackName(environment: string, tenant: string): string {
  return `${environment}-tenant-${tenant}`;
}

/**
 * The repository a tenant is cloned from: a live tenant's retained resources through its
 * stack's exports, or a destroyed tenant's by the names and ARNs in config.
 */
function cloneSourceOf(tenant: TenantConfig, stackName: (tenant: string) => string): CloneSource | undefined {
  const clone = tenant.cloneFrom;
  if (clone?.retained) {
    const { bucketName, kmsKeyArn, passphraseSecretArn, repoPath } = clone.retained;
    return { bucketName, kmsKeyArn, passphraseSecretArn, repositoryPath: repoPath };
  }
  if (clone?.tenant) {
    const exports = backupExportNames(stackName(clone.tenant));
    return {
      bucketName: Fn.importValue(exports.bucketName),
      kmsKeyArn: Fn.importValue(exports.kmsKeyArn),
      passphraseSecretArn: Fn.importValue(exports.passphraseSecretArn),
      repositoryPath: BACKUP_REPOSITORY_PATH,
    };
  }
  return undefined;
}

/**
 * Registers the compliance checks every synthesis of the app runs: cdk-nag's AwsSolutions
 * pack. Any finding not acknowledged (with a reason) at the construct that causes it fails
 * synthesis, so nothing reaches `cdk deploy` unreviewed.
 */
export function addComplianceChecks(scope: Stage): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope));
}

/** Creates the customer-side stack of a consumer configuration. */
export function createConsumerStack(scope: Stage, config: ConsumerConfig): ConsumerStack {
  return new ConsumerStack(scope, `${config.name}-postgres-endpoints`, {
    env: { account: config.account, region: config.region },
    description: 'Interface endpoints to private PostgreSQL databases over AWS PrivateLink',
    config,
  });
}
