import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate, CERTIFICATE_KEY, ClusterIssuer, clusterIssuerRef } from './cert-manager';

/** The names of the platform CA's objects. */
export const PLATFORM_CA = {
  /** Self-signed ClusterIssuer: it signs the CA certificate only. */
  bootstrapIssuer: 'platform-ca-bootstrap',
  /** The CA Certificate, in cert-manager's namespace. */
  certificate: 'platform-ca',
  /** Its Secret: the CA key pair, and in `ca.crt` the bundle customers trust. */
  secretName: 'platform-ca',
  /** The ClusterIssuer that signs every tenant's certificates with the CA. */
  issuer: 'platform-ca',
} as const;

/**
 * The CA's validity and renewal. Ten years, renewed one year ahead with the same key
 * (`rotationPolicy: Never`): a renewed CA certificate has the same subject and key, so
 * certificates it signed before stay valid, and a customer's copy of the bundle keeps working
 * until its own expiry. Go durations (cert-manager's `duration`/`renewBefore`).
 */
export const PLATFORM_CA_VALIDITY = { duration: '87600h', renewBefore: '8760h' } as const;

/**
 * The shell command that writes the platform CA certificate to `file`: the `ca.crt` of the CA
 * Secret (for a self-signed certificate cert-manager's SelfSigned issuer puts the certificate
 * itself there). A public certificate, never the key.
 */
export function platformCaExportCommand(certManagerNamespace: string, file: string): string {
  return `kubectl -n ${certManagerNamespace} get secret ${PLATFORM_CA.secretName} -o jsonpath='{.data.ca\\.crt}' | base64 -d > ${file}`;
}

/** Properties of {@link PlatformCaChart}. */
export interface PlatformCaChartProps {
  /** Namespace cert-manager runs in: a ClusterIssuer reads its CA Secret from there. */
  readonly certManagerNamespace: string;
  /** The environment's name: in the CA's common name, so customers of several environments tell their CAs apart. */
  readonly environmentName: string;
}

/**
 * The platform's private certificate authority: a self-signed ClusterIssuer bootstraps a CA
 * Certificate, which backs the CA ClusterIssuer every tenant's certificates come from
 * (cert-manager docs, "SelfSigned": "Bootstrapping CA Issuers"). Applied after cert-manager,
 * whose webhook admits these objects.
 */
export class PlatformCaChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformCaChartProps) {
    super(scope, id, { labels: { 'postgres-platform/component': 'platform-ca' } });

    new ClusterIssuer(this, 'BootstrapIssuer', {
      name: PLATFORM_CA.bootstrapIssuer,
      spec: { selfSigned: {} },
    });
    new Certificate(this, 'Certificate', {
      // A ClusterIssuer's CA Secret must be in the cluster resource namespace: cert-manager's own.
      metadata: { name: PLATFORM_CA.certificate, namespace: props.certManagerNamespace },
      spec: {
        secretName: PLATFORM_CA.secretName,
        issuerRef: clusterIssuerRef(PLATFORM_CA.bootstrapIssuer),
        isCA: true,
        commonName: `${props.environmentName} PostgreSQL platform CA`,
        ...PLATFORM_CA_VALIDITY,
        privateKey: { ...CERTIFICATE_KEY, rotationPolicy: 'Never' },
      },
    });
    new ClusterIssuer(this, 'Issuer', {
      name: PLATFORM_CA.issuer,
      spec: { ca: { secretName: PLATFORM_CA.secretName } },
    });
  }
}
