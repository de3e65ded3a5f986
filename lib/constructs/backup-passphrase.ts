import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { awsSolutionsRule } from './nag-findings';
import { serviceAccountPrincipal } from './service-account-principal';

/** Length of a generated passphrase: 64 letters and digits, about 380 bits. */
export const PASSPHRASE_LENGTH = 64;

/** Properties of {@link BackupPassphrase}. */
export interface BackupPassphraseProps {
  /** The cluster whose OIDC provider identifies the reader service account. */
  readonly cluster: eks.ICluster;
  /** Namespace of the reader service account. */
  readonly namespace: string;
  /** The one service account allowed to read the passphrase (ESO reads with its identity). */
  readonly readerServiceAccount: string;
  /** The tenant's key; it encrypts the backups, and now the passphrase too. */
  readonly key: kms.IKey;
}

/**
 * A tenant's pgBackRest cipher passphrase, kept outside the cluster: a Secrets Manager secret
 * whose value Secrets Manager generates at creation (it never appears in a template),
 * encrypted with the tenant's key and retained like the bucket, because every backup in the
 * repository is unreadable without it.
 *
 * The reader role is assumable only by one service account of the tenant namespace (IRSA) and
 * may only read this secret, and decrypt with the tenant's key only through Secrets Manager
 * for this secret.
 */
export class BackupPassphrase extends Construct {
  /** The secret holding the passphrase. */
  readonly secret: secretsmanager.Secret;
  /** The role External Secrets Operator assumes to read it. */
  readonly readerRole: iam.Role;

  constructor(scope: Construct, id: string, props: BackupPassphraseProps) {
    super(scope, id);

    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `pgBackRest cipher passphrase of the backups of namespace ${props.namespace}`,
      encryptionKey: props.key,
      generateSecretString: {
        passwordLength: PASSPHRASE_LENGTH,
        // Letters and digits only: the value goes into a pgBackRest configuration file as is.
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: awsSolutionsRule('SMG4'),
      reason:
        "A pgBackRest repository's cipher passphrase can never change: rotating it would make every " +
        'existing backup unreadable.',
    });

    this.readerRole = new iam.Role(this, 'ReaderRole', {
      description: `Reads the backup passphrase of namespace ${props.namespace} (IRSA, External Secrets Operator)`,
      assumedBy: serviceAccountPrincipal(this, 'TrustConditions', props.cluster, props.namespace, [
        props.readerServiceAccount,
      ]),
      maxSessionDuration: Duration.hours(1),
    });
    this.readerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secret.secretArn],
      }),
    );
    this.readerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': this.secret.secretArn,
          },
        },
      }),
    );
  }
}
