/**
 * What a tenant's backup settings become in its PostgresCluster: the annotations that start an
 * on-demand backup or an in-place restore, the `manual` and `restore` sections they use, and
 * the data source of a tenant cloned from another tenant's repository.
 */
import type { BackupsSpec, PgBackRestDataSource, PostgresInstanceSetSpec } from './postgres-cluster';
import { recoveryTargetOptions } from '../lib/config/backup-schema';
import type { TenantConfig } from '../lib/config/tenant-schema';

/** The repository every tenant backs up to (one S3 repository per tenant). */
export const BACKUP_REPO = 'repo1';

/**
 * PGO's annotations on a PostgresCluster (internal/naming/annotations.go): a new value of
 * `pgbackrest-backup` runs the `manual` backup once; a new value of `pgbackrest-restore` with
 * `restore.enabled` restores the cluster in place.
 */
export const BACKUP_ANNOTATION = 'postgres-operator.crunchydata.com/pgbackrest-backup';
export const RESTORE_ANNOTATION = 'postgres-operator.crunchydata.com/pgbackrest-restore';

/**
 * The pgBackRest stanza PGO creates in every repository (internal/pgbackrest/config.go
 * `DefaultStanzaName`), so the stanza of any tenant's repository.
 */
export const PGO_STANZA = 'db';

/** The annotations that start the tenant's on-demand backup and in-place restore, if any. */
export function backupOperationAnnotations(tenant: TenantConfig): Record<string, string> {
  return {
    ...(tenant.backups.onDemand ? { [BACKUP_ANNOTATION]: tenant.backups.onDemand.id } : {}),
    ...(tenant.restore ? { [RESTORE_ANNOTATION]: tenant.restore.id } : {}),
  };
}

/**
 * The `manual` and `restore` sections of `spec.backups.pgbackrest`. `manual` is always there, so
 * an on-demand backup can also be started by hand (`kubectl annotate`); `restore` only while
 * the config asks for one: with `enabled` and an annotation PGO has not seen, it stops every
 * instance and rewrites the data directory (pgbackrest.go `prepareForRestore`).
 */
export function backupOperationSpec(
  tenant: TenantConfig,
): Pick<BackupsSpec['pgbackrest'], 'manual' | 'restore'> {
  return {
    manual: { repoName: BACKUP_REPO, options: [`--type=${tenant.backups.onDemand?.type ?? 'full'}`] },
    ...(tenant.restore
      ? {
          restore: {
            enabled: true,
            repoName: BACKUP_REPO,
            options: recoveryTargetOptions(tenant.restore.targetTime),
          },
        }
      : {}),
  };
}

/**
 * pgBackRest expiry of the tenant's repository: `retention-full` counts full backups (each
 * expiry also removes the differential and incremental backups and the WAL that depend on
 * it); `retention-diff` counts differential backups, which otherwise live as long as their
 * full backup (pgbackrest.org/configuration.html, section Repository, options repo-retention-*).
 */
export function retentionSettings(tenant: TenantConfig): Record<string, string> {
  const { fullRetention, differentialRetention } = tenant.backups;
  return {
    [`${BACKUP_REPO}-retention-full`]: String(fullRetention),
    [`${BACKUP_REPO}-retention-full-type`]: 'count',
    ...(differentialRetention !== undefined
      ? { [`${BACKUP_REPO}-retention-diff`]: String(differentialRetention) }
      : {}),
  };
}

/** The data volume claim of an instance set: the requested size, and the auto-grow ceiling if any. */
export function dataVolumeClaim(
  tenant: TenantConfig,
  storageClassName: string,
): PostgresInstanceSetSpec['dataVolumeClaimSpec'] {
  return {
    storageClassName,
    accessModes: ['ReadWriteOnce'],
    resources: {
      requests: { storage: tenant.storage },
      // PGO grows the claim towards the limit as it fills, with the AutoGrowVolumes feature gate
      // on (internal/controller/postgrescluster/autogrow.go `setVolumeSize`; PostgresOperator).
      ...(tenant.storageLimit ? { limits: { storage: tenant.storageLimit } } : {}),
    },
  };
}

/** The repository a new tenant is cloned from, as the tenant's chart needs it. */
export interface CloneSourceRepository {
  /** The source's backup bucket. */
  readonly bucketName: string;
  /** Path of the pgBackRest repository in it. */
  readonly repositoryPath: string;
  /** The Secret (in this tenant's namespace) holding the source's cipher passphrase as `cipher.conf`. */
  readonly cipherSecretName: string;
  /** The AWS region of the bucket. */
  readonly region: string;
}

/**
 * `spec.dataSource.pgbackrest` of a cloned tenant: the source's S3 repository, read with this
 * tenant's own role (the restore Job runs as the `<cluster>-instance` service account, which
 * carries the IRSA annotation: pgbackrest.go `generateRestoreJobIntent`), and decrypted with
 * the source's passphrase. PGO reads it once, to bootstrap a cluster that has no data yet
 * (cluster.go `reconcileDataSource`).
 *
 * A cloud data source rather than `dataSource.postgresCluster` (which also crosses
 * namespaces: `clusterNamespace`, pgbackrest.go `copyRestoreConfiguration`): it needs no
 * running source cluster, so the same path restores from a destroyed tenant's retained
 * bucket, and the source's passphrase reaches the restore Job alone, never next to this
 * tenant's own `repo1-cipher-pass` in the same conf.d (pgbackrest config.go `AddConfigToRestorePod`).
 */
export function cloneDataSource(
  tenant: TenantConfig,
  source: CloneSourceRepository,
  placement: Pick<PgBackRestDataSource, 'affinity' | 'tolerations' | 'resources'>,
): { pgbackrest: PgBackRestDataSource } {
  const targetTime = tenant.cloneFrom?.targetTime;
  return {
    pgbackrest: {
      stanza: PGO_STANZA,
      repo: {
        name: BACKUP_REPO,
        s3: {
          bucket: source.bucketName,
          endpoint: `s3.${source.region}.amazonaws.com`,
          region: source.region,
        },
      },
      global: {
        [`${BACKUP_REPO}-path`]: source.repositoryPath,
        [`${BACKUP_REPO}-s3-key-type`]: 'web-id',
        [`${BACKUP_REPO}-cipher-type`]: 'aes-256-cbc',
      },
      configuration: [{ secret: { name: source.cipherSecretName } }],
      options: targetTime ? recoveryTargetOptions(targetTime) : undefined,
      ...placement,
    },
  };
}
