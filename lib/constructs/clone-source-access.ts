import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { awsSolutionsRule } from './nag-findings';
import { serviceAccountPrincipal } from './service-account-principal';

/** The pgBackRest repository another tenant left: its bucket, key and passphrase. */
export interface CloneSource {
  /** Name of the source's backup bucket. */
  readonly bucketName: string;
  /** ARN of the KMS key encrypting that bucket and the passphrase secret. */
  readonly kmsKeyArn: string;
  /** Complete ARN of the Secrets Manager secret holding the source's cipher passphrase. */
  readonly passphraseSecretArn: string;
  /** Path of the pgBackRest repository in the bucket, e.g. `/pgbackrest/repo1`. */
  readonly repositoryPath: string;
}

/** Properties of {@link CloneSourceAccess}. */
export interface CloneSourceAccessProps {
  /** The cluster whose OIDC provider identifies the passphrase reader service account. */
  readonly cluster: eks.ICluster;
  /** The new tenant's namespace. */
  readonly namespace: string;
  /** The new tenant's pgBackRest role (IRSA); PGO's restore Job runs with it. */
  readonly backupRole: iam.IRole;
  /** The repository to read. */
  readonly source: CloneSource;
  /** The service account ESO reads the source's passphrase as. */
  readonly readerServiceAccount: string;
}

/**
 * Read-only access of a new tenant to the repository it is cloned from. The tenant's backup
 * role may list the repository path, get its objects and decrypt them with the source key,
 * nothing more: no write or delete, no other path, no other key use. A separate reader role,
 * assumable by one service account of the new namespace, may read the source's passphrase
 * secret, and decrypt with the source key only through Secrets Manager for that secret.
 *
 * The grants are identity policies: in the same account, a KMS key policy that trusts the
 * account (the CDK default of BackupStorage's key) and a bucket policy that does not deny
 * (BackupStorage denies only non-TLS requests) let them apply.
 */
export class CloneSourceAccess extends Construct {
  /** The role External Secrets Operator assumes to read the source's passphrase. */
  readonly passphraseReaderRole: iam.Role;

  constructor(scope: Construct, id: string, props: CloneSourceAccessProps) {
    super(scope, id);
    const { source } = props;
    const prefix = source.repositoryPath.replace(/^\//, '');
    const bucketArn = `arn:${Stack.of(this).partition}:s3:::${source.bucketName}`;

    const policy = new iam.Policy(this, 'ReadSourceRepository', {
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}/*`, prefix] } },
        }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${prefix}/*`] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [source.kmsKeyArn] }),
      ],
    });
    policy.attachToRole(props.backupRole);
    // cdk-nag names the finding by the resource as it renders it: an imported bucket name by its export.
    const resolvedBucket = Stack.of(this).resolve(source.bucketName);
    const bucketInFinding =
      typeof resolvedBucket === 'string' ? resolvedBucket : resolvedBucket['Fn::ImportValue'];
    const partition = Stack.of(this).partition;
    const partitionInFinding = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
    Validations.of(policy).acknowledge({
      id: `${awsSolutionsRule('IAM5')}[Resource::arn:${partitionInFinding}:s3:::${bucketInFinding}/${prefix}/*]`,
      reason:
        'pgBackRest names its backup and WAL objects itself; reads are confined to the repository path of the ' +
        'one source bucket the config names.',
    });

    this.passphraseReaderRole = new iam.Role(this, 'PassphraseReaderRole', {
      description: `Reads the cipher passphrase of the repository namespace ${props.namespace} is cloned from (IRSA, External Secrets Operator)`,
      assumedBy: serviceAccountPrincipal(this, 'TrustConditions', props.cluster, props.namespace, [
        props.readerServiceAccount,
      ]),
      maxSessionDuration: Duration.hours(1),
    });
    this.passphraseReaderRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [source.passphraseSecretArn],
      }),
    );
    this.passphraseReaderRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [source.kmsKeyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': source.passphraseSecretArn,
          },
        },
      }),
    );
  }
}
