import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { SystemChartProps, systemPoolPlacement } from './system-chart';

/** Namespace cert-manager runs in; the platform CA's key pair lives there too. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/** Properties of {@link CertManager}. */
export type CertManagerProps = SystemChartProps;

/**
 * cert-manager, installed with Helm with its CRDs on the system node pool. It signs with the
 * in-cluster platform CA and needs no network flow to tenant pods: certificates reach the
 * database pods as Secrets. Only the optional ACME issuer (lib/constructs/acme-issuer.ts) gives
 * it an AWS identity, for DNS-01 challenges in one hosted zone. Resources that use its CRDs
 * must depend on {@link CertManager.chart}.
 */
export class CertManager extends Construct {
  /** The Helm release. */
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      chart: props.chart,
      repository: props.repository,
      version: props.version,
      release: 'cert-manager',
      namespace: CERT_MANAGER_NAMESPACE,
      createNamespace: true,
      // Issuers and Certificates are admitted by cert-manager's webhook: it must be serving
      // before the platform CA chart applies.
      wait: true,
      timeout: Duration.minutes(10),
      values: certManagerValues(props.nodeSelector),
    });
  }
}

/**
 * The chart values: CRDs from the chart, kept when the release is uninstalled (deleting a CRD
 * deletes every Certificate, and with them the tenants' TLS Secrets), and every component on
 * the system pool with requests and limits.
 */
export function certManagerValues(nodeSelector: CertManagerProps['nodeSelector']): Record<string, unknown> {
  // It reconciles a handful of Certificates per tenant and signs with an in-cluster CA: no
  // ACME traffic, so a small controller's resources suffice.
  const placement = systemPoolPlacement(nodeSelector);
  return {
    crds: { enabled: true, keep: true },
    // Leader election leases in cert-manager's own namespace, not kube-system (the chart's default).
    global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
    ...placement,
    webhook: placement,
    cainjector: placement,
    startupapicheck: placement,
  };
}
