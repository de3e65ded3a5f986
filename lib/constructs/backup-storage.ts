import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { serviceAccountPrincipal } from './service-account-principal';

/** Path inside the bucket where pgBackRest keeps repository 1. */
export const BACKUP_REPOSITORY_PATH = '/pgbackrest/repo1';

/** Properties of {@link BackupStorage}. */
export interface BackupStorageProps {
  /** The cluster whose OIDC provider identifies the service accounts. */
  readonly cluster: eks.ICluster;
  /** Namespace of the tenant's pods. */
  readonly namespace: string;
  /** Kubernetes service accounts allowed to assume the role (PGO's instance and pgBackRest accounts). */
  readonly serviceAccounts: string[];
  /** Where S3 server access logs go. */
  readonly accessLogBucket: s3.IBucket;
  /**
   * Days to keep versions a backup expiry replaced or deleted.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
}

/**
 * A tenant's backup repository: an S3 bucket encrypted with the tenant's own key, and an
 * IAM role that only the tenant's PostgreSQL and pgBackRest service accounts can assume
 * (IRSA web identity), allowed exactly what pgBackRest needs on that bucket and key.
 *
 * Bucket and key are retained: removing a tenant from the app never deletes its backups.
 */
export class BackupStorage extends Construct {
  /** The backup bucket. */
  readonly bucket: s3.Bucket;
  /** The tenant's key, encrypting the bucket. */
  readonly key: kms.Key;
  /** The role pgBackRest uses. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BackupStorageProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the PostgreSQL backups of namespace ${props.namespace}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: `s3/${props.namespace}/`,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // pgBackRest expires backups itself; the versions that leaves behind go after a grace period.
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // The access log bucket grants S3 log delivery for the whole account once (AccessLogBucket),
    // so this bucket adds nothing to its policy, and adding a tenant leaves the platform unchanged.
    Annotations.of(this.bucket).acknowledgeWarning(
      '@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
      'log delivery is granted by the access log bucket itself',
    );

    this.role = new iam.Role(this, 'Role', {
      description: `pgBackRest of namespace ${props.namespace} (IRSA)`,
      assumedBy: serviceAccountPrincipal(
        this,
        'TrustConditions',
        props.cluster,
        props.namespace,
        props.serviceAccounts,
      ),
      maxSessionDuration: Duration.hours(1),
    });

    const repositoryObjects = this.bucket.arnForObjects(`${BACKUP_REPOSITORY_PATH.slice(1)}/*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [`${BACKUP_REPOSITORY_PATH.slice(1)}/*`, BACKUP_REPOSITORY_PATH.slice(1)],
          },
        },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [repositoryObjects],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.key.keyArn],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>${BACKUP_REPOSITORY_PATH}/*]`,
      reason:
        'pgBackRest names its backup and WAL objects itself; access is confined to the repository path of this ' +
        "tenant's own bucket.",
    });
  }
}
