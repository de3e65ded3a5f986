/** The schema of one entry of `tenants:`: a highly available PostgreSQL cluster. */
import { z } from 'zod';
import { cloneFromSchema, onDemandBackupSchema, restoreSchema } from './backup-schema';
import { cronProblem } from './cron';
import { awsRegion, dnsLabel } from './fields';
import { databaseImagesSchema, POSTGRES_VERSIONS } from './images-schema';
import { parameterProblems } from './postgres-parameter-rules';
import { parseQuantity, QUANTITY_PATTERN } from './quantity';
import type { InstanceSize } from '../../k8s/postgres-parameters';

/**
 * Longest tenant name. Names are built from it (`<name>-pgbouncer`, `<name>-replicas`, the
 * namespace `tenant-<name>`, AWS load balancer and target group names of at most 32
 * characters with a suffix), so the limit keeps every derived name valid.
 */
export const TENANT_NAME_MAX_LENGTH = 20;

/** A quantity between `min` and `max` base units, described with `example`. */
function quantity(kind: string, example: string, min: number, max: number, range: string) {
  const schema = z.string().superRefine((value, ctx) => {
    const parsed = parseQuantity(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a Kubernetes ${kind} quantity such as ${example}` });
    } else if (parsed < min || parsed > max) {
      ctx.addIssue({ code: 'custom', message: `expected ${range}` });
    }
  });
  // The pattern is for editors (config/schema.json); the range stays the loader's check.
  return schema.meta({ pattern: QUANTITY_PATTERN.source });
}

const cronSchedule = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: `expected a cron schedule: ${problem}` });
  }
});

const postgresIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
  message: 'expected a PostgreSQL identifier: lower-case letters, digits and "_", at most 63 characters',
});

/**
 * PGO names a Secret after each user, so user names follow Kubernetes naming (the CRD's own
 * pattern); `postgres` is the superuser, whose credentials no application should hold.
 */
const userName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message:
      'expected lower-case letters, digits and "-" (PGO names a Secret after the user), at most 63 characters',
  })
  .max(63, { message: 'expected at most 63 characters' })
  .refine((name) => name !== 'postgres', {
    message: 'expected an application user: postgres is the superuser and is not handed out',
  });

/**
 * Who may connect to a tenant's endpoint service: an AWS account id or an IAM principal ARN.
 * `*` is refused: it would let any AWS account in the world request a connection.
 */
const allowedPrincipal = z.string().superRefine((value, ctx) => {
  if (value.includes('*')) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a specific account id or IAM ARN: a wildcard would let any AWS account request a connection to the database',
    });
  } else if (
    !/^\d{12}$/.test(value) &&
    !/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@\-/]+|user\/[\w+=,.@\-/]+)$/.test(value)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a 12-digit AWS account id or an IAM ARN such as arn:aws:iam::123456789012:role/app',
    });
  }
});
// For editors (config/schema.json); the loader's messages say which of the two was meant.
allowedPrincipal.register(z.globalRegistry, {
  pattern: '^(\\d{12}|arn:aws(-cn|-us-gov)?:iam::\\d{12}:(root|role/[\\w+=,.@\\-/]+|user/[\\w+=,.@\\-/]+))$',
});

const GiB = 2 ** 30;

const postgresMajor = z.union(
  POSTGRES_VERSIONS.map((version) => z.literal(version)),
  { error: `expected one of ${POSTGRES_VERSIONS.join(', ')} (the PostgreSQL majors the platform runs)` },
);

/** The largest gp3 volume (Amazon EBS User Guide, "Amazon EBS volume types"): 16 TiB. */
export const MAX_VOLUME_BYTES = 16 * 2 ** 40;

/** One tenant: a highly available PostgreSQL cluster of its own. */
export const tenantSchema = z
  .strictObject({
    name: dnsLabel(TENANT_NAME_MAX_LENGTH).meta({
      description: 'Tenant name, unique in the environment; names its stack, namespace and cluster.',
    }),
    postgresVersion: postgresMajor
      .default(17)
      .meta({ description: `PostgreSQL major version: ${POSTGRES_VERSIONS.join(', ')}.` }),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(2)
      .meta({ description: 'PostgreSQL instances: one primary, the rest streaming replicas.' }),
    highlyAvailable: z.boolean().default(true).meta({
      description:
        'Set to false to allow a single instance and a single PgBouncer (no failover); refused in production.',
    }),
    cpu: quantity('CPU', '2 or 500m', 0.25, 64, 'from 250m to 64 CPUs').meta({
      description: 'CPU for each PostgreSQL instance (request and limit).',
    }),
    memory: quantity('memory', '8Gi', GiB, 512 * GiB, 'from 1Gi to 512Gi').meta({
      description: 'Memory for each PostgreSQL instance (request and limit); sizes the parameter defaults.',
    }),
    storage: quantity(
      'storage',
      '100Gi',
      10 * GiB,
      MAX_VOLUME_BYTES,
      'from 10Gi to 16Ti (the largest gp3 volume)',
    ).meta({
      description: 'Data volume size of each instance; can be raised later, never lowered.',
    }),
    storageLimit: quantity(
      'storage',
      '200Gi',
      10 * GiB,
      MAX_VOLUME_BYTES,
      'at most 16Ti (the largest gp3 volume)',
    )
      .optional()
      .meta({
        description:
          'Let PGO grow the data volumes as they fill, up to this size (above storage); grown volumes never shrink.',
      }),
    backups: z
      .strictObject({
        fullSchedule: cronSchedule.default('0 1 * * 0').meta({ description: 'Full backups (cron, UTC).' }),
        differentialSchedule: cronSchedule
          .default('0 1 * * 1-6')
          .meta({ description: 'Differential backups (cron, UTC).' }),
        fullRetention: z
          .number()
          .int()
          .min(1)
          .max(52)
          .default(4)
          .meta({ description: 'Full backups to keep; older ones and their WAL are expired.' }),
        differentialRetention: z.number().int().min(1).max(365).optional().meta({
          description:
            'Differential backups to keep (pgBackRest repo1-retention-diff); default: kept until their full backup expires.',
        }),
        onDemand: onDemandBackupSchema.optional(),
      })
      .default({ fullSchedule: '0 1 * * 0', differentialSchedule: '0 1 * * 1-6', fullRetention: 4 }),
    pgBouncerReplicas: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(2)
      .meta({ description: 'PgBouncer pods, spread across zones.' }),
    users: z
      .array(
        z.strictObject({
          name: userName.meta({
            description:
              'Role name (lower-case letters, digits, "-"); PGO generates its password into a Secret.',
          }),
          databases: z
            .array(postgresIdentifier)
            .default([])
            .meta({ description: 'Databases created for and owned by this user.' }),
        }),
      )
      .max(64, { message: 'expected at most 64 users (PGO limit)' })
      .default([])
      .meta({ description: 'Users and their databases. Names only: passwords never appear in config.' }),
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .meta({
        description:
          "PostgreSQL parameter overrides over the sized defaults, checked against the tenant's PostgreSQL major and the memory budget.",
      }),
    privateLink: z
      .strictObject({
        allowedPrincipals: allowedPrincipal
          .array()
          .default([])
          .meta({ description: 'AWS account ids or IAM ARNs allowed to create endpoints to this tenant.' }),
        acceptanceRequired: z
          .boolean()
          .default(true)
          .meta({ description: 'Each endpoint connection waits for the provider to accept it.' }),
        privateDnsName: z
          .string()
          .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
            message: 'expected a DNS name you own, such as orders.db.example.com',
          })
          .optional()
          .meta({
            description:
              'Private DNS name for the service, in a domain you own; AWS verifies ownership with a TXT record (see outputs).',
          }),
        allowedRegions: z
          .array(awsRegion)
          .default([])
          .meta({ description: 'Other regions whose VPCs may connect (cross-region PrivateLink).' }),
      })
      .default({ allowedPrincipals: [], acceptanceRequired: true, allowedRegions: [] })
      .meta({ description: 'Who can reach the tenant over AWS PrivateLink.' }),
    decommission: z
      .boolean({ error: 'expected true (prepare the tenant for cdk destroy) or false' })
      .default(false)
      .meta({
        description:
          'Prepare the tenant for cdk destroy: nobody may connect, load balancer deletion protection off; the database keeps running and bucket, key and passphrase are retained.',
      }),
    paused: z
      .boolean({ error: 'expected true (PGO holds every change to the cluster) or false' })
      .default(false)
      .meta({
        description:
          'Hold PGO rollouts for this cluster (spec.paused), e.g. while the operator is upgraded (docs/runbooks/upgrade-operator.md).',
      }),
    upgrade: z
      .strictObject({
        from: postgresMajor.meta({ description: 'The major version the tenant runs: its postgresVersion.' }),
        to: postgresMajor.meta({ description: 'The major version pg_upgrade moves the data to.' }),
      })
      .optional()
      .meta({
        description:
          'Start a major version upgrade (PGO PGUpgrade): the cluster shuts down and pg_upgrade runs. Finish it by setting postgresVersion to `to` and removing this key (docs/runbooks/major-upgrade.md).',
      }),

    restore: restoreSchema.optional(),
    cloneFrom: cloneFromSchema.optional(),
    images: databaseImagesSchema
      .optional()
      .meta({ description: 'Image overrides for this tenant only (default: the environment images).' }),
  })
  .superRefine(
    (tenant, ctx) => {
      if (tenant.highlyAvailable !== false) {
        if (typeof tenant.replicas === 'number' && tenant.replicas < 2) {
          ctx.addIssue({
            code: 'custom',
            path: ['replicas'],
            message:
              'expected at least 2 for a highly available cluster (set highlyAvailable: false to run one instance)',
          });
        }
        if (typeof tenant.pgBouncerReplicas === 'number' && tenant.pgBouncerReplicas < 2) {
          ctx.addIssue({
            code: 'custom',
            path: ['pgBouncerReplicas'],
            message:
              'expected at least 2 for a highly available cluster (set highlyAvailable: false to run one)',
          });
        }
      }
      checkStorageLimit(tenant, ctx);
      const parameters = tenant.parameters && typeof tenant.parameters === 'object' ? tenant.parameters : {};
      const badNames = Object.keys(parameters).filter(
        (name) => !/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/.test(name),
      );
      for (const name of badNames) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message:
            'expected a PostgreSQL parameter name: lower-case letters, digits and "_" (extension.name allowed)',
        });
      }
      const size = instanceSize(tenant);
      if (badNames.length === 0 && size && POSTGRES_VERSIONS.includes(tenant.postgresVersion)) {
        for (const problem of parameterProblems(tenant.postgresVersion, size, parameters)) {
          ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
        }
      }
      const seen = new Set<string>();
      (Array.isArray(tenant.users) ? tenant.users : []).forEach((user, index) => {
        const name = user?.name;
        if (typeof name !== 'string') {
          return;
        }
        if (seen.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['users', index, 'name'],
            message: 'expected each user once',
          });
        }
        seen.add(name);
      });
    },
    { when: () => true },
  );

/**
 * The auto-grow ceiling must be above the requested size: PGO uses the limit as the request
 * when the request is larger (PGO internal/controller/postgrescluster/autogrow.go
 * `setVolumeSize`), and a limit equal to the request leaves nothing to grow into.
 */
function checkStorageLimit(
  tenant: { storage?: unknown; storageLimit?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (typeof tenant.storage !== 'string' || typeof tenant.storageLimit !== 'string') {
    return;
  }
  const [storage, limit] = [tenant.storage, tenant.storageLimit].map(parseQuantity);
  if (storage !== undefined && limit !== undefined && limit <= storage) {
    ctx.addIssue({
      code: 'custom',
      path: ['storageLimit'],
      message: `expected more than storage (${tenant.storage}): the volumes grow from storage up to storageLimit`,
    });
  }
}

/**
 * What a tenant's instances are sized from, or undefined while the fields it needs are invalid.
 * PgBouncer keeps pools per database: the configured ones and `postgres`.
 */
export function instanceSize(tenant: {
  memory?: unknown;
  cpu?: unknown;
  storage?: unknown;
  pgBouncerReplicas?: unknown;
  users?: unknown;
}): InstanceSize | undefined {
  const [memoryBytes, cpus, storageBytes] = [tenant.memory, tenant.cpu, tenant.storage].map((q) =>
    typeof q === 'string' ? parseQuantity(q) : undefined,
  );
  const users = Array.isArray(tenant.users) ? tenant.users : [];
  const databases = new Set(users.flatMap((user) => (Array.isArray(user?.databases) ? user.databases : [])));
  const pgBouncerReplicas = typeof tenant.pgBouncerReplicas === 'number' ? tenant.pgBouncerReplicas : 2;
  const accepted = (value: number | undefined, min: number, max: number) =>
    value !== undefined && value >= min && value <= max;
  if (!accepted(memoryBytes, GiB, 512 * GiB) || !accepted(cpus, 0.25, 64) || storageBytes === undefined) {
    return undefined;
  }
  if (!Number.isInteger(pgBouncerReplicas) || pgBouncerReplicas < 1 || pgBouncerReplicas > 9) {
    return undefined;
  }
  return {
    memoryBytes: memoryBytes!,
    cpus: cpus!,
    storageBytes,
    pgBouncerReplicas,
    databases: databases.size + 1,
  };
}

/** A validated tenant entry. */
export type TenantConfig = z.output<typeof tenantSchema>;
