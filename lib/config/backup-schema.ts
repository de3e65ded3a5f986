/**
 * The backup and restore settings of a tenant: an on-demand backup, an in-place point-in-time
 * restore, and a new tenant cloned from another tenant's pgBackRest repository (live, or
 * retained after its stack was destroyed). Each is a value the user writes in config; PGO acts
 * on it when the value changes (see k8s/backup-operations.ts).
 */
import { z } from 'zod';
import { dnsLabel } from './fields';
import { POSTGRES_VERSIONS } from './images-schema';

/**
 * The identifier of an on-demand backup or an in-place restore. PGO starts a new backup or
 * restore when the annotation value differs from the id in its status, and nothing when it is
 * the same (internal/controller/postgrescluster/pgbackrest.go `reconcileManualBackup`,
 * cluster.go `reconcileDataSource`), so deploying the same id again is a no-op.
 *
 * An annotation value may be any string (Kubernetes ValidateAnnotations only limits the total
 * size); this is narrower on purpose: the label-value syntax, so the id reads the same in
 * `kubectl get`, events and status, and cannot start with `~`, the prefix of PGO's own
 * bootstrap id (`~pgo-bootstrap-<cluster>`, cluster.go).
 */
export const OPERATION_ID_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

const operationId = (what: string) =>
  z.string().regex(OPERATION_ID_PATTERN, {
    message: `expected an id for the ${what} such as 2026-11-25-before-upgrade: letters, digits, "-", "_" and "." (starting and ending with a letter or digit), at most 63 characters`,
  });

/**
 * An RFC 3339 time with an explicit offset, e.g. `2026-11-25T09:30:00Z` or
 * `2026-11-25T10:30:00+01:00`. Never compared with the clock: synthesis must give the same
 * template whenever it runs. A target before the oldest backup is not caught here (see
 * docs/runbooks/restore-in-place.md).
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Why `value` is not an RFC 3339 time with an offset, or undefined when it is one. */
export function targetTimeProblem(value: string): string | undefined {
  const match = RFC3339.exec(value);
  if (!match) {
    return 'expected an RFC 3339 time with an offset, such as 2026-11-25T09:30:00Z or 2026-11-25T10:30:00+01:00';
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    return `expected a calendar date: ${match.slice(1, 4).join('-')} does not exist`;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return 'expected a time of day from 00:00:00 to 23:59:59';
  }
  if (match[8] !== 'Z' && (Number(match[10]) > 23 || Number(match[11]) > 59)) {
    return 'expected an offset from -23:59 to +23:59';
  }
  return undefined;
}

/** A point in time to recover to. */
export const targetTime = z.string().superRefine((value, ctx) => {
  const problem = targetTimeProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
  }
});
// For editors (config/schema.json); the loader also checks the calendar.
targetTime.register(z.globalRegistry, { pattern: RFC3339.source });

/**
 * The pgBackRest options of a point-in-time recovery to `time`. pgBackRest passes `--target`
 * to PostgreSQL's `recovery_target_time`, a timestamptz, so the offset is kept; PGO adds
 * `--target-action=promote` itself and refuses a user-set one (pgbackrest.go `reconcileRestoreJob`).
 * PGO joins the options into one shell command line, hence the quotes.
 */
export function recoveryTargetOptions(time: string): string[] {
  const timestamp = time.replace('T', ' ').replace(/Z$/, '+00:00');
  return ['--type=time', `--target="${timestamp}"`];
}

/** pgBackRest backup types (pgbackrest.org/command.html#command-backup, option `--type`). */
export const BACKUP_TYPES = ['full', 'diff', 'incr'] as const;

/** An on-demand backup, taken when its id changes. */
export const onDemandBackupSchema = z
  .strictObject({
    id: operationId('backup').meta({
      description: 'Change it to take a backup; deploying the same id again takes none.',
    }),
    type: z
      .enum(BACKUP_TYPES)
      .default('full')
      .meta({ description: 'pgBackRest backup type: full, diff (since the last full) or incr.' }),
  })
  .meta({ description: 'An on-demand backup, taken once per id (PGO manual backup).' });

/** An in-place point-in-time restore, started when its id changes. */
export const restoreSchema = z
  .strictObject({
    id: operationId('restore').meta({
      description: 'Change it to start a restore; deploying the same id again restores nothing.',
    }),
    targetTime: targetTime.meta({ description: 'Recover to this time (RFC 3339, with offset).' }),
  })
  .meta({
    description:
      'Restore this tenant in place to a point in time: every instance is stopped and the data directory rewritten (docs/runbooks/restore-in-place.md).',
  });

/** Where pgBackRest keeps a tenant's repository in its bucket (BackupStorage). */
export const DEFAULT_REPOSITORY_PATH = '/pgbackrest/repo1';

const bucketName = z.string().regex(/^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  message: 'expected an S3 bucket name: 3 to 63 lower-case letters, digits, "." and "-"',
});

const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
    { message: 'expected a KMS key ARN such as arn:aws:kms:eu-west-1:111111111111:key/<key id>' },
  );

/**
 * The complete ARN, with the six characters Secrets Manager appends: the reader's KMS grant is
 * conditioned on `kms:EncryptionContext:SecretARN`, which holds the complete ARN.
 */
const secretArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
    {
      message:
        'expected the complete ARN of a Secrets Manager secret, with its 6-character suffix (the BackupPassphraseSecret output)',
    },
  );

const repositoryPath = z.string().regex(/^(\/[A-Za-z0-9._-]+)+$/, {
  message: 'expected an absolute path inside the bucket such as /pgbackrest/repo1',
});

/** The bucket, key and passphrase a destroyed tenant's stack left behind (retained). */
export const retainedRepositorySchema = z
  .strictObject({
    bucketName: bucketName.meta({ description: 'The retained backup bucket (the BackupBucket output).' }),
    kmsKeyArn: kmsKeyArn.meta({ description: 'ARN of the retained KMS key that encrypts the bucket.' }),
    passphraseSecretArn: secretArn.meta({
      description: 'Complete ARN of the retained passphrase secret (the BackupPassphraseSecret output).',
    }),
    repoPath: repositoryPath
      .default(DEFAULT_REPOSITORY_PATH)
      .meta({ description: 'Path of the pgBackRest repository in the bucket.' }),
    postgresVersion: z
      .union(POSTGRES_VERSIONS.map((version) => z.literal(version)))
      .meta({ description: "PostgreSQL major of the destroyed tenant; must equal this tenant's." }),
  })
  .meta({ description: "A decommissioned tenant's retained repository." });

/** The repository a new tenant is cloned from. */
export const cloneFromSchema = z
  .strictObject({
    tenant: dnsLabel(63)
      .optional()
      .meta({ description: 'A tenant of this environment whose repository to clone.' }),
    retained: retainedRepositorySchema.optional(),
    targetTime: targetTime
      .optional()
      .meta({ description: 'Recover to this time (RFC 3339, with offset); default: the end of the WAL.' }),
  })
  .refine((clone) => (clone.tenant === undefined) !== (clone.retained === undefined), {
    message: 'expected exactly one of tenant (a live tenant) or retained (a destroyed tenant)',
  })
  .meta({
    description:
      'Create this NEW tenant from the backups of another (docs/runbooks/restore-to-new-tenant.md). Never add it to an existing tenant.',
  });

/** A validated `cloneFrom`. */
export type CloneFromConfig = z.output<typeof cloneFromSchema>;

/** What {@link checkCloneSources} reads of a possibly invalid configuration. */
interface CloneInputs {
  readonly account?: unknown;
  readonly region?: unknown;
  readonly tenants?: unknown;
}

interface TenantInputs {
  readonly name?: unknown;
  readonly postgresVersion?: unknown;
  readonly restore?: unknown;
  readonly cloneFrom?: {
    readonly tenant?: unknown;
    readonly retained?: { kmsKeyArn?: unknown; passphraseSecretArn?: unknown; postgresVersion?: unknown };
  };
}

/**
 * The cross-tenant rules of `cloneFrom`: the source exists and is another tenant on the same
 * PostgreSQL major (a restored data directory only starts under the major that wrote it), and
 * a retained key and secret are in the environment's account and region, where the grants
 * this stack writes apply.
 */
export function checkCloneSources(config: CloneInputs, ctx: z.RefinementCtx): void {
  const tenants = (Array.isArray(config.tenants) ? config.tenants : []) as (TenantInputs | undefined)[];
  // PostgreSQL majors as written; the default (17) is the schema's, applied after refinement.
  const majorOf = (tenant: TenantInputs | undefined) => tenant?.postgresVersion ?? 17;
  tenants.forEach((tenant, index) => {
    const clone = tenant?.cloneFrom;
    if (!clone || typeof clone !== 'object') {
      return;
    }
    const path = ['tenants', index, 'cloneFrom'];
    if (tenant?.restore !== undefined) {
      // With a data source in the spec, PGO re-clones when the restore annotation goes away
      // (cluster.go reconcileDataSource: the bootstrap id differs from the restore id in status).
      ctx.addIssue({
        code: 'custom',
        path: [...path],
        message:
          'expected no cloneFrom next to restore: remove cloneFrom once the clone runs, then restore in place',
      });
    }
    if (typeof clone.tenant === 'string') {
      const source = tenants.find((other) => other?.name === clone.tenant);
      if (clone.tenant === tenant?.name) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'tenant'],
          message:
            'expected another tenant: a tenant cannot be cloned from itself (use restore to go back in time)',
        });
      } else if (!source) {
        const names = tenants.map((other) => other?.name).filter((name) => typeof name === 'string');
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'tenant'],
          message: `expected a tenant of this environment (${names.join(', ')}); for a destroyed tenant use retained`,
        });
      } else if (majorOf(source) !== majorOf(tenant)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'tenant'],
          message: `expected a tenant on PostgreSQL ${String(majorOf(tenant))} like this one (${clone.tenant} runs ${String(majorOf(source))}): a restored data directory only starts under the major that wrote it`,
        });
      }
    }
    const retained = clone.retained;
    if (retained && typeof retained === 'object') {
      if (retained.postgresVersion !== undefined && retained.postgresVersion !== majorOf(tenant)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'retained', 'postgresVersion'],
          message: `expected ${String(majorOf(tenant))}, this tenant's PostgreSQL major: a restored data directory only starts under the major that wrote it`,
        });
      }
      for (const key of ['kmsKeyArn', 'passphraseSecretArn'] as const) {
        const arn = retained[key];
        const wellFormed = (key === 'kmsKeyArn' ? kmsKeyArn : secretArn).safeParse(arn).success;
        if (wellFormed && typeof config.account === 'string' && typeof config.region === 'string') {
          const [, , , region, account] = (arn as string).split(':');
          if (account !== config.account || region !== config.region) {
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'retained', key],
              message: `expected an ARN in account ${config.account} and region ${config.region}, the environment's: the grants this tenant gets apply there only`,
            });
          }
        }
      }
    }
  });
}
