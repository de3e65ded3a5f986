/**
 * Typed cert-manager resources (`cert-manager.io/v1`), covering the fields this project sets.
 * The conformance tests check every object built from these types against cert-manager's
 * CRDs in ../shared/schemas/crds.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** API version of cert-manager's resources. */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';

/**
 * The key every certificate of the platform gets: ECDSA P-256, the key type PGO uses for the
 * certificates it generates itself (PGO internal/pki/pki.go: `PrivateKey struct{ ecdsa }`), so
 * PostgreSQL, PgBouncer and libpq in PGO's images load it as they load PGO's own.
 */
export const CERTIFICATE_KEY = { algorithm: 'ECDSA', size: 256 } as const;

/** Properties of {@link ClusterIssuer}. */
export interface ClusterIssuerProps {
  /** The issuer's name. */
  readonly name: string;
  /** Either a self-signed issuer, or a CA issuer signing with the key pair in `secretName`. */
  readonly spec:
    { readonly selfSigned: Record<string, never> } | { readonly ca: { readonly secretName: string } };
}

/** A cert-manager ClusterIssuer: issues Certificates in any namespace. */
export class ClusterIssuer extends ApiObject {
  constructor(scope: Construct, id: string, props: ClusterIssuerProps) {
    super(scope, id, {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'ClusterIssuer',
      metadata: { name: props.name },
      spec: props.spec,
    });
  }
}

/** The spec of a cert-manager Certificate. */
export interface CertificateSpec {
  /** Secret the key pair is written to (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly secretName: string;
  /** The issuer. */
  readonly issuerRef: {
    readonly name: string;
    readonly kind: 'ClusterIssuer';
    readonly group: 'cert-manager.io';
  };
  readonly commonName?: string;
  readonly dnsNames?: string[];
  readonly isCA?: boolean;
  /** Validity, as a Go duration (`8760h`). */
  readonly duration?: string;
  /** How long before expiry cert-manager renews. */
  readonly renewBefore?: string;
  readonly usages?: string[];
  readonly privateKey?: {
    readonly algorithm: 'ECDSA' | 'RSA';
    readonly size: number;
    /** `Never` keeps the key across renewals; `Always` (the default since cert-manager 1.18) rotates it. */
    readonly rotationPolicy?: 'Never' | 'Always';
  };
}

/** Properties of {@link Certificate}. */
export interface CertificateProps {
  /** Object metadata. */
  readonly metadata: { readonly name: string; readonly namespace: string };
  /** The spec. */
  readonly spec: CertificateSpec;
}

/** A cert-manager Certificate: cert-manager keeps its Secret issued and renewed. */
export class Certificate extends ApiObject {
  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id, { apiVersion: CERT_MANAGER_API_VERSION, kind: 'Certificate', ...props });
  }
}

/** A reference to a ClusterIssuer, for {@link CertificateSpec.issuerRef}. */
export function clusterIssuerRef(name: string): CertificateSpec['issuerRef'] {
  return { name, kind: 'ClusterIssuer', group: 'cert-manager.io' };
}
