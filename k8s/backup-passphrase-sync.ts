import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ExternalSecret, SecretStore } from './external-secrets';

/** The key of the passphrase Secret: PGO projects it into pgBackRest's conf.d as this file. */
export const CIPHER_CONFIG_KEY = 'cipher.conf';

/**
 * How often ESO re-reads the passphrase and re-asserts the Secret. The passphrase never
 * changes; the refresh only repairs a Secret someone edited or deleted.
 */
export const PASSPHRASE_REFRESH_INTERVAL = '1h';

/** The Kubernetes names of a tenant's passphrase: the Secret PGO reads, and the reader service account. */
export function passphraseNames(tenantName: string): { readonly secret: string; readonly reader: string } {
  const secret = `${tenantName}-pgbackrest-cipher`;
  return { secret, reader: `${secret}-reader` };
}

/**
 * The Kubernetes names of the passphrase of the repository a tenant is cloned from: another
 * Secret than the tenant's own, since both files set `repo1-cipher-pass`.
 */
export function cloneSourcePassphraseNames(tenantName: string): {
  readonly secret: string;
  readonly reader: string;
} {
  const secret = `${tenantName}-clone-source-cipher`;
  return { secret, reader: `${secret}-reader` };
}

/** Properties of {@link BackupPassphraseSync}. */
export interface BackupPassphraseSyncProps {
  /** The tenant namespace. */
  readonly namespace: string;
  /** Name of the tenant; the Secret and the reader service account are named after it. */
  readonly tenantName: string;
  /** ARN of the Secrets Manager secret holding the passphrase (not its value). */
  readonly passphraseSecretArn: string;
  /** IAM role allowed to read that one secret (IRSA); ESO assumes it for this namespace only. */
  readonly readerRoleArn: string;
  /** The AWS region of the secret. */
  readonly region: string;
  /**
   * Names of the Secret and the reader service account, for a passphrase other than the
   * tenant's own (the source repository of a clone).
   * @default passphraseNames(tenantName)
   */
  readonly names?: { readonly secret: string; readonly reader: string };
}

/**
 * Copies a tenant's pgBackRest cipher passphrase from AWS Secrets Manager into the Secret PGO
 * reads, with External Secrets Operator. The only copy that matters lives outside the
 * cluster: losing the namespace or the cluster loses nothing, the next sync writes the same
 * passphrase again.
 *
 * A service account of the namespace carries the reader role; the namespace's own SecretStore
 * names it, so ESO reads the secret with the tenant's identity, never its own. The Secret is
 * written as a pgBackRest configuration file (`[global] repo1-cipher-pass=...`) by ESO's
 * template; the value only ever exists in Secrets Manager and in that Secret.
 */
export class BackupPassphraseSync extends Construct {
  constructor(scope: Construct, id: string, props: BackupPassphraseSyncProps) {
    super(scope, id);
    const { secret, reader: name } = props.names ?? passphraseNames(props.tenantName);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name,
        namespace: props.namespace,
        annotations: { 'eks.amazonaws.com/role-arn': props.readerRoleArn },
      },
      // No pod runs as it: ESO requests its tokens through the TokenRequest API.
      automountServiceAccountToken: false,
    });

    new SecretStore(this, 'SecretStore', {
      metadata: { name, namespace: props.namespace },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: props.region,
            auth: { jwt: { serviceAccountRef: { name } } },
          },
        },
      },
    });

    new ExternalSecret(this, 'ExternalSecret', {
      metadata: { name: secret, namespace: props.namespace },
      spec: {
        refreshInterval: PASSPHRASE_REFRESH_INTERVAL,
        secretStoreRef: { name, kind: 'SecretStore' },
        target: {
          name: secret,
          creationPolicy: 'Owner',
          // Should the secret ever be unreadable, keep the Secret rather than empty it.
          deletionPolicy: 'Retain',
          template: {
            type: 'Opaque',
            engineVersion: 'v2',
            metadata: { labels: { 'postgres-platform/pgbackrest-cipher': 'true' } },
            data: { [CIPHER_CONFIG_KEY]: '[global]\nrepo1-cipher-pass={{ .passphrase }}\n' },
          },
        },
        data: [{ secretKey: 'passphrase', remoteRef: { key: props.passphraseSecretArn } }],
      },
    });
  }
}
