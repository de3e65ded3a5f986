import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';

/** Namespace cert-manager runs in; the platform CA's key pair lives there too. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/**
 * Requests and limits of each cert-manager container. It reconciles a handful of
 * Certificates per tenant and signs with an in-cluster CA: no ACME traffic, small and steady.
 */
const CONTAINER_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '200m', memory: '256Mi' },
};

/** Properties of {@link CertManager}. */
export interface CertManagerProps {
  /** The cluster to install cert-manager on. */
  readonly cluster: eks.ICluster;
  /** Chart repository URL. */
  readonly repository: string;
  /** Chart name. */
  readonly chart: string;
  /** Chart version. */
  readonly version: string;
  /** Node label (key and value) of the pool cert-manager runs on. */
  readonly nodeSelector: { readonly key: string; readonly value: string };
}

/**
 * cert-manager, installed with Helm with its CRDs on the system node pool. It talks to the
 * Kubernetes API only (it signs with the in-cluster platform CA, never with an ACME server),
 * so it needs no AWS identity and no network flow to tenant pods: certificates reach the
 * database pods as Secrets. Resources that use its CRDs must depend on {@link CertManager.chart}.
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
  const placement = {
    nodeSelector: { [nodeSelector.key]: nodeSelector.value },
    resources: CONTAINER_RESOURCES,
  };
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
