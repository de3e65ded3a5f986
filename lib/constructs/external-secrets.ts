import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { SystemChartProps, systemPoolPlacement } from './system-chart';

/** Namespace External Secrets Operator runs in. */
export const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';

/** Properties of {@link ExternalSecretsOperator}. */
export type ExternalSecretsOperatorProps = SystemChartProps;

/**
 * External Secrets Operator, installed with Helm with its CRDs on the system node pool. It
 * holds no AWS credentials of its own: each tenant's SecretStore names a service account of
 * the tenant whose IRSA role may read that tenant's secret only. Resources that use its CRDs
 * must depend on {@link ExternalSecretsOperator.chart}.
 */
export class ExternalSecretsOperator extends Construct {
  /** The Helm release. */
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    super(scope, id);
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      chart: props.chart,
      repository: props.repository,
      version: props.version,
      release: 'external-secrets',
      namespace: EXTERNAL_SECRETS_NAMESPACE,
      createNamespace: true,
      // Tenant manifests are validated by ESO's webhook: it must be serving before they apply.
      wait: true,
      timeout: Duration.minutes(10),
      values: externalSecretsValues(props),
    });
  }
}

/** The chart values: CRDs, and the controller, webhook and cert controller on the system pool. */
function externalSecretsValues(props: ExternalSecretsOperatorProps): Record<string, unknown> {
  const placement = systemPoolPlacement(props.nodeSelector);
  return { installCRDs: true, ...placement, webhook: placement, certController: placement };
}
