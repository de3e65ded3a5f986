/** One set of chart properties for the tests that synthesize a tenant's chart on its own. */
import { Testing } from 'cdk8s';
import { TenantDatabaseChart, TenantDatabaseChartProps } from '../../k8s/tenant-database-chart';
import type { TenantConfig } from '../../lib/config/tenant-schema';

/** The example's network: load balancer subnets of VPC 10.40.0.0/16, Services 172.20.0.0/16. */
export const EXAMPLE_LOAD_BALANCER_CIDRS = ['10.40.12.0/22', '10.40.16.0/22', '10.40.20.0/22'];
/** The example's Service CIDR. */
export const EXAMPLE_SERVICE_CIDR = '172.20.0.0/16';

/** Chart properties with values of the shape the tenant stack passes (ARNs, IDs, CIDRs). */
export function tenantChartProps(
  tenant: TenantConfig,
  overrides: Partial<TenantDatabaseChartProps> = {},
): TenantDatabaseChartProps {
  return {
    tenant,
    images: {},
    imagePullSecretNames: [],
    region: 'eu-west-1',
    backupBucketName: `${tenant.name}-backups`,
    backupRepositoryPath: '/pgbackrest/repo1',
    backupRoleArn: `arn:aws:iam::111111111111:role/${tenant.name}-backup`,
    network: { loadBalancerCidrs: EXAMPLE_LOAD_BALANCER_CIDRS, serviceCidr: EXAMPLE_SERVICE_CIDR },
    loadBalancer: {
      securityGroupId: 'sg-0123456789abcdef0',
      readWriteTargetGroupArn:
        'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/rw/0123456789abcdef',
      readOnlyTargetGroupArn:
        'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/ro/0123456789abcdef',
    },
    backupPassphrase: {
      secretArn: `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${tenant.name}-cipher-AbCdEf`,
      readerRoleArn: `arn:aws:iam::111111111111:role/${tenant.name}-passphrase-reader`,
    },
    ...overrides,
  };
}

/** Every object of the tenant's chart, synthesized alone. */
export function synthTenantChart(
  tenant: TenantConfig,
  overrides: Partial<TenantDatabaseChartProps> = {},
): any[] {
  return Testing.synth(new TenantDatabaseChart(Testing.app(), 'tenant', tenantChartProps(tenant, overrides)));
}
