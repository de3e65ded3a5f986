/**
 * The configuration document of one environment: its schema, defaults and cross-field rules.
 *
 * Messages say what is allowed ("expected ..."); the loader prefixes each with the key path
 * and the value it received, so every error reads `path: got X, expected Y`.
 */
import { z } from 'zod';
import { checkTenantAvailability } from './availability';
import { checkDatabaseCapacity } from './capacity';
import { cidrsOverlap, Ipv4Cidr, parseIpv4Cidr } from './cidr';
import { DEFAULT_KUBERNETES_VERSION, EKS_ADDONS, KUBERNETES_RELEASES } from './versions';
import { awsAccountId, awsRegion, dnsLabel, ipv4Cidr } from './fields';
import { environmentImagesSchema } from './images-schema';
import { checkMajorUpgrades } from './major-upgrade';
import { checkBackupAlertAge, monitoringSchema } from './monitoring-schema';
import { databasePoolsSchema, nodePoolSchema } from './node-pools';
import { pgAdminSchema } from './pgadmin-schema';
import { tenantSchema } from './tenant-schema';
import { checkCloneSources } from './backup-schema';
import { webUiSchema } from './web-ui-schema';
import { checkCeilings, quotasSchema } from './ceilings';
import { checkSystemCapacity } from './system-capacity';

/** Stages change how strict some rules are: only `development` may run without cluster admins. */
export const STAGES = ['production', 'staging', 'development'] as const;

/** Retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const iamRoleArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/, {
  message: 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admins',
});

const environmentShape = z.strictObject({
  name: dnsLabel(20).meta({
    description: 'Environment name; prefixes every stack name (`<name>-platform`).',
  }),
  stage: z.enum(STAGES).default('production').meta({
    description: 'production, staging or development. Only development may have no cluster admins.',
  }),
  account: awsAccountId.meta({ description: 'The AWS account id to deploy into, quoted.' }),
  region: awsRegion.meta({ description: 'The AWS region to deploy into.' }),
  availabilityZones: z
    .array(z.string().meta({ pattern: '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}[a-z]$' }))
    .length(3, { message: 'expected exactly 3 availability zones' })
    .meta({
      description:
        'The three availability zones of the region to use, e.g. [eu-west-1a, eu-west-1b, eu-west-1c].',
    }),
  network: z.strictObject({
    vpcCidr: ipv4Cidr.meta({ description: 'IPv4 CIDR of the VPC, a private range from /16 to /20.' }),
    natGateways: z.number().int().min(1).max(3).default(3).meta({
      description: 'NAT gateways; 3 gives each AZ its own, so losing one AZ keeps egress in the others.',
    }),
    flowLogRetentionDays: z
      .union(LOG_RETENTION_DAYS.map((days) => z.literal(days)))
      .default(365)
      .meta({ description: 'Days to keep VPC flow logs in CloudWatch Logs.' }),
  }),
  cluster: z
    .strictObject({
      kubernetesVersion: z
        .string()
        .default(DEFAULT_KUBERNETES_VERSION)
        .meta({
          description: `Kubernetes minor version. Supported: ${Object.keys(KUBERNETES_RELEASES).join(', ')}.`,
        }),
      endpointAccess: z
        .enum(['private', 'public-and-private'])
        .default('private')
        .meta({ description: 'Kubernetes API endpoint: private (VPC only) or public-and-private.' }),
      publicAccessCidrs: z.array(ipv4Cidr).default([]).meta({
        description: 'With public-and-private: the only CIDRs allowed to reach the public endpoint.',
      }),
      adminRoleArns: z
        .array(iamRoleArn)
        .default([])
        .meta({ description: 'IAM roles granted cluster-admin through EKS access entries.' }),
      serviceCidr: ipv4Cidr.default('172.20.0.0/16').meta({
        description: 'CIDR for Kubernetes Service IPs; must not overlap the VPC. Fixed at cluster creation.',
      }),
      addonVersions: z
        .partialRecord(
          z.enum(EKS_ADDONS),
          z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
            message: 'expected an EKS add-on version such as v1.19.0-eksbuild.1',
          }),
        )
        .default({})
        .meta({
          description: 'Pin EKS add-on versions; unset add-ons get the EKS default for the cluster version.',
        }),
    })
    .default({
      kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
      endpointAccess: 'private',
      publicAccessCidrs: [],
      adminRoleArns: [],
      serviceCidr: '172.20.0.0/16',
      addonVersions: {},
    }),
  nodePools: z.strictObject({
    system: nodePoolSchema.meta({ description: 'Nodes for operators, controllers and monitoring.' }),
    database: databasePoolsSchema,
  }),
  images: environmentImagesSchema.default({ pullSecretNames: [] }).meta({
    description: 'Image overrides for the operator and every tenant (default: the images PGO names).',
  }),
  tags: z
    .record(
      z
        .string()
        .min(1)
        .max(128)
        .refine((key) => !key.toLowerCase().startsWith('aws:'), {
          message: 'expected a tag key that does not start with "aws:" (reserved by AWS)',
        }),
      z.string().max(256),
    )
    .default({})
    .meta({ description: 'Tags applied to every resource of the environment.' }),
  quotas: quotasSchema,
  monitoring: monitoringSchema,
  pgAdmin: pgAdminSchema.meta({
    description:
      "Optional: a pgAdmin in every tenant namespace that discovers the tenant's cluster (README, pgAdmin).",
  }),
  webUis: webUiSchema,
  tenants: z
    .array(tenantSchema)
    .default([])
    .meta({ description: 'The tenants of this environment, one PostgreSQL cluster and stack each.' }),
});

/** The schema of `config/<env>.yaml`. */
export const environmentConfigSchema = environmentShape.superRefine(checkEnvironment, { when: () => true });

/** A validated environment configuration, defaults applied. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
export type { DatabasePoolConfig, NodePoolConfig } from './node-pools';

type Ctx = z.RefinementCtx;
type Parsed = z.output<typeof environmentShape>;

/**
 * Cross-field rules. They run even when single fields failed (so one run reports every
 * problem), which means the payload may be partly invalid: each rule first checks that the
 * fields it compares have the right shape, and leaves malformed ones to their own checks.
 */
function checkEnvironment(raw: Parsed, ctx: Ctx): void {
  const config = raw as DeepPartial<Parsed>;
  checkAvailabilityZones(config, ctx);
  checkNetwork(config, ctx);
  checkCluster(config, ctx);
  checkDatabaseCapacity(config, ctx);
  checkTenantAvailability(config, ctx);
  checkSystemCapacity(config, ctx);
  checkCeilings(config, ctx);
  checkBackupAlertAge(config, ctx);
  checkMajorUpgrades(config, ctx);
  checkCloneSources(config, ctx);
  const seen = new Map<string, number>();
  (Array.isArray(config.tenants) ? config.tenants : []).forEach((tenant, index) => {
    const name = tenant?.name;
    if (typeof name !== 'string') {
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', index, 'name'],
        message: `expected a unique tenant name (tenants[${first}] has it already)`,
      });
    } else {
      seen.set(name, index);
    }
  });
}

type DeepPartial<T> = T extends (infer E)[]
  ? (DeepPartial<E> | undefined)[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function checkAvailabilityZones(config: DeepPartial<Parsed>, ctx: Ctx): void {
  const region = config.region;
  const zones = config.availabilityZones;
  if (typeof region !== 'string' || !/^[a-z0-9-]+$/.test(region) || !Array.isArray(zones)) {
    return;
  }
  const zonePattern = new RegExp(`^${region}[a-z]$`);
  zones.forEach((zone, index) => {
    if (typeof zone !== 'string' || !zonePattern.test(zone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['availabilityZones', index],
        message: `expected a zone of region ${region}, such as ${region}a`,
      });
    } else if (zones.indexOf(zone) !== index) {
      ctx.addIssue({
        code: 'custom',
        path: ['availabilityZones', index],
        message: 'expected each zone once',
      });
    }
  });
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map(
  (range) => parseIpv4Cidr(range) as Ipv4Cidr,
);

function withinRanges(cidr: Ipv4Cidr, ranges: Ipv4Cidr[]): boolean {
  return ranges.some((range) => cidr.prefixLength >= range.prefixLength && cidrsOverlap(cidr, range));
}

/** Parses a CIDR field, or returns undefined when it is missing or malformed (reported elsewhere). */
function cidrField(value: unknown): Ipv4Cidr | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const parsed = parseIpv4Cidr(value);
  return typeof parsed === 'string' ? undefined : parsed;
}

function checkNetwork(config: DeepPartial<Parsed>, ctx: Ctx): void {
  const vpc = cidrField(config.network?.vpcCidr);
  if (vpc && (vpc.prefixLength < 16 || vpc.prefixLength > 20)) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'vpcCidr'],
      message: 'expected a prefix length from /16 to /20 (VPC limits, and room for pods in three AZs)',
    });
  } else if (vpc && !withinRanges(vpc, PRIVATE_RANGES)) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'vpcCidr'],
      message: 'expected a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)',
    });
  }
  const services = cidrField(config.cluster?.serviceCidr);
  if (!services) {
    return;
  }
  if (
    services.prefixLength < 12 ||
    services.prefixLength > 24 ||
    !withinRanges(services, PRIVATE_RANGES.slice(0, 3))
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'serviceCidr'],
      message:
        'expected a block from /12 to /24 within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (EKS rule)',
    });
  } else if (vpc && cidrsOverlap(vpc, services)) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'serviceCidr'],
      message: `expected a block that does not overlap network.vpcCidr (${config.network?.vpcCidr})`,
    });
  }
}

function checkCluster(config: DeepPartial<Parsed>, ctx: Ctx): void {
  const cluster = config.cluster;
  if (!cluster) {
    return;
  }
  const version = cluster.kubernetesVersion;
  if (typeof version === 'string' && !(version in KUBERNETES_RELEASES)) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'kubernetesVersion'],
      message: `expected one of ${Object.keys(KUBERNETES_RELEASES).join(', ')} (versions with a kubectl layer installed)`,
    });
  }
  const publicCidrs = Array.isArray(cluster.publicAccessCidrs) ? cluster.publicAccessCidrs : [];
  if (cluster.endpointAccess === 'private' && publicCidrs.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'publicAccessCidrs'],
      message:
        'expected no CIDRs while endpointAccess is private (set endpointAccess: public-and-private to use them)',
    });
  }
  if (cluster.endpointAccess === 'public-and-private') {
    if (publicCidrs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster', 'publicAccessCidrs'],
        message: 'expected at least one CIDR: a public endpoint is only opened to listed networks',
      });
    }
    publicCidrs.forEach((text, index) => {
      const cidr = cidrField(text);
      if (cidr && cidr.prefixLength < 8) {
        ctx.addIssue({
          code: 'custom',
          path: ['cluster', 'publicAccessCidrs', index],
          message:
            'expected a network of /8 or smaller: the API endpoint is never opened to the whole internet',
        });
      }
    });
  }
  const stage = config.stage ?? 'production';
  const admins = cluster.adminRoleArns;
  if (stage !== 'development' && Array.isArray(admins) && admins.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'adminRoleArns'],
      message: `expected at least one IAM role in a ${stage} environment, or nobody can operate the cluster`,
    });
  }
}
