import { Construct } from 'constructs';
import { ExternalSecret, GENERATORS_API_VERSION, PasswordGenerator } from './external-secrets';

/** Properties of {@link GeneratedPassword}. */
export interface GeneratedPasswordProps {
  /** Namespace of the Secret (and of its generator). */
  readonly namespace: string;
  /** Name of the Secret that receives the password. */
  readonly secretName: string;
  /** Key of the password in the Secret. @default 'password' */
  readonly key?: string;
  /** Other fixed, non-secret keys of the Secret, e.g. a user name. @default none */
  readonly fixedData?: Record<string, string>;
  /** Labels of the Secret. @default none */
  readonly labels?: Record<string, string>;
  /** Length of the password. @default 32 */
  readonly length?: number;
}

/**
 * A password made inside the cluster and written once into a Secret: an ESO Password
 * generator and an ExternalSecret with `refreshPolicy: CreatedOnce` (ESO
 * pkg/controllers/externalsecret shouldRefresh: after the first sync, CreatedOnce never
 * fetches again). The template and the CloudFormation stack only ever hold the Secret's name;
 * the value never leaves the cluster, and no default password exists.
 *
 * No symbols: the password goes into URLs and configuration files (Grafana's ini, pgAdmin)
 * where a quote or `%` would need escaping. 32 characters of [a-zA-Z0-9] carry about 190 bits.
 */
export class GeneratedPassword extends Construct {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key of the password in the Secret. */
  readonly key: string;

  constructor(scope: Construct, id: string, props: GeneratedPasswordProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.key = props.key ?? 'password';
    const generatorName = `${props.secretName}-generator`;
    new PasswordGenerator(this, 'Generator', {
      metadata: { name: generatorName, namespace: props.namespace },
      spec: { length: props.length ?? 32, symbols: 0, noUpper: false, allowRepeat: true },
    });
    new ExternalSecret(this, 'Secret', {
      metadata: { name: props.secretName, namespace: props.namespace },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: {
          name: props.secretName,
          creationPolicy: 'Owner',
          // Deleting the ExternalSecret must not take a password in use with it.
          deletionPolicy: 'Retain',
          template: {
            type: 'Opaque',
            engineVersion: 'v2',
            ...(props.labels ? { metadata: { labels: props.labels } } : {}),
            // The Password generator's output key is `password`.
            data: { ...props.fixedData, [this.key]: '{{ .password }}' },
          },
        },
        dataFrom: [
          {
            sourceRef: {
              generatorRef: { apiVersion: GENERATORS_API_VERSION, kind: 'Password', name: generatorName },
            },
          },
        ],
      },
    });
  }
}
