/**
 * Typed SecretStore and ExternalSecret of External Secrets Operator (`external-secrets.io/v1`,
 * the API ESO 2.0 serves), covering the fields this project sets. Hand-written from ESO's Go
 * types (external-secrets/external-secrets apis/externalsecrets/v1: secretstore_types.go,
 * secretstore_aws_types.go, externalsecret_types.go).
 *
 * No offline copy of ESO's CRDs exists for the conformance tests (../shared/schemas has none,
 * and the npm models package `@kubernetes-models/external-secrets` is generated from ESO 0.16's
 * Go types, not from the CRDs of the pinned chart), so these interfaces are the check: every
 * enum below is the CRD's enum, and the conformance test names these two kinds as checked by
 * type only.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** API version of SecretStore and ExternalSecret in ESO 2.0. */
export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1';

/** Metadata of a namespaced object. */
export interface NamespacedMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
}

/** The AWS provider of a SecretStore (`AWSProvider`). */
export interface AwsSecretStoreProvider {
  /** `+kubebuilder:validation:Enum=SecretsManager;ParameterStore`. */
  readonly service: 'SecretsManager' | 'ParameterStore';
  readonly region: string;
  /**
   * `jwt.serviceAccountRef`: ESO requests a token for that service account, for the audience
   * `sts.amazonaws.com` unless its `eks.amazonaws.com/audience` annotation says otherwise, and
   * assumes the role named by its `eks.amazonaws.com/role-arn` annotation (IRSA), so the
   * controller itself holds no AWS credentials (ESO docs/provider/aws-access.md, "EKS Service
   * Account credentials"; the AWS provider's auth.go `roleARNAnnotation`, `defaultTokenAudience`).
   */
  readonly auth: { readonly jwt: { readonly serviceAccountRef: { readonly name: string } } };
}

/** The SecretStore spec. */
export interface SecretStoreSpec {
  readonly provider: { readonly aws: AwsSecretStoreProvider };
}

/** A remote value copied into one key of the template's data (`ExternalSecretData`). */
export interface ExternalSecretData {
  /** Name the value gets in the template (`{{ .<secretKey> }}`). */
  readonly secretKey: string;
  /** For Secrets Manager, `key` is the secret's name or ARN. */
  readonly remoteRef: { readonly key: string };
}

/** A generator whose output fills the Secret (`ExternalSecretDataFromRemoteRef.sourceRef`). */
export interface ExternalSecretGeneratedData {
  readonly sourceRef: {
    readonly generatorRef: {
      readonly apiVersion: typeof GENERATORS_API_VERSION;
      readonly kind: 'Password';
      readonly name: string;
    };
  };
}

/** The ExternalSecret spec. */
export interface ExternalSecretSpec {
  /** How often ESO re-reads the remote value and re-asserts the Secret (a Go duration). */
  readonly refreshInterval?: string;
  /**
   * `+kubebuilder:validation:Enum=CreatedOnce;Periodic;OnChange`. `CreatedOnce` writes the Secret
   * once and never again, which is what a generated credential needs: a periodic refresh would
   * replace a password that is already in use.
   */
  readonly refreshPolicy?: 'CreatedOnce' | 'Periodic' | 'OnChange';
  /** Absent when every value comes from a generator. */
  readonly secretStoreRef?: {
    readonly name: string;
    readonly kind: 'SecretStore' | 'ClusterSecretStore';
  };
  readonly target: {
    readonly name: string;
    /** `+kubebuilder:validation:Enum=Owner;Orphan;Merge;None`. */
    readonly creationPolicy: 'Owner' | 'Orphan' | 'Merge' | 'None';
    /** `+kubebuilder:validation:Enum=Delete;Merge;Retain`. */
    readonly deletionPolicy: 'Delete' | 'Merge' | 'Retain';
    readonly template: {
      readonly type: string;
      /** `+kubebuilder:validation:Enum=v2`. */
      readonly engineVersion: 'v2';
      readonly metadata?: { readonly labels?: Record<string, string> };
      /** Go templates (with sprig) over the `data` values, one per key of the Secret. */
      readonly data: Record<string, string>;
    };
  };
  readonly data?: ExternalSecretData[];
  readonly dataFrom?: ExternalSecretGeneratedData[];
}

/**
 * The spec of a Password generator (`generators.external-secrets.io/v1alpha1`; ESO
 * apis/generators/v1alpha1/types_password.go). It draws from crypto/rand inside the cluster.
 */
export interface PasswordGeneratorSpec {
  readonly length: number;
  readonly digits?: number;
  readonly symbols?: number;
  readonly noUpper: boolean;
  readonly allowRepeat: boolean;
}

/** API version of ESO's generators. */
export const GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';

/** A Password generator custom resource. */
export class PasswordGenerator extends ApiObject {
  constructor(
    scope: Construct,
    id: string,
    props: { metadata: NamespacedMetadata; spec: PasswordGeneratorSpec },
  ) {
    super(scope, id, { apiVersion: GENERATORS_API_VERSION, kind: 'Password', ...props });
  }
}

/** A SecretStore custom resource. */
export class SecretStore extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: NamespacedMetadata; spec: SecretStoreSpec }) {
    super(scope, id, { apiVersion: EXTERNAL_SECRETS_API_VERSION, kind: 'SecretStore', ...props });
  }
}

/** An ExternalSecret custom resource. */
export class ExternalSecret extends ApiObject {
  constructor(
    scope: Construct,
    id: string,
    props: { metadata: NamespacedMetadata; spec: ExternalSecretSpec },
  ) {
    super(scope, id, { apiVersion: EXTERNAL_SECRETS_API_VERSION, kind: 'ExternalSecret', ...props });
  }
}
