/**
 * A cert-manager ClusterIssuer for publicly trusted certificates from an ACME CA, answering
 * DNS-01 challenges in the platform's public Route 53 zone (cert-manager docs,
 * "Route53": ambient credentials of cert-manager's own pod). Configured, not used: nothing
 * in the platform references it until a Certificate names it.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CERT_MANAGER_API_VERSION } from './cert-manager';

/** Name of the ClusterIssuer, and of the Secret cert-manager keeps its ACME account key in. */
export const ACME_ISSUER = { name: 'acme', accountKeySecretName: 'acme-account-key' } as const;

/** Properties of {@link AcmeIssuerChart}. */
export interface AcmeIssuerChartProps {
  /** The ACME directory URL. */
  readonly server: string;
  /** The ACME account's e-mail address. */
  readonly email: string;
  /** The public zone the challenges are answered in. */
  readonly hostedZoneId: string;
  /** Its name: only names in it are solved by this issuer. */
  readonly zoneName: string;
  /** Region the Route 53 client signs for (Route 53 is global). */
  readonly region: string;
}

/** The ACME ClusterIssuer. */
export class AcmeIssuerChart extends Chart {
  constructor(scope: Construct, id: string, props: AcmeIssuerChartProps) {
    super(scope, id, { labels: { 'postgres-platform/component': 'acme-issuer' } });
    new ApiObject(this, 'Issuer', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'ClusterIssuer',
      metadata: { name: ACME_ISSUER.name },
      spec: {
        acme: {
          server: props.server,
          email: props.email,
          // cert-manager generates the account key here; it never comes from a template.
          privateKeySecretRef: { name: ACME_ISSUER.accountKeySecretName },
          solvers: [
            {
              selector: { dnsZones: [props.zoneName] },
              // No credentials in the spec: cert-manager's pod has them through Pod Identity.
              // hostedZoneID spares the ListHostedZonesByName call (and its "*" permission).
              dns01: { route53: { region: props.region, hostedZoneID: props.hostedZoneId } },
            },
          ],
        },
      },
    });
  }
}
