import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ChartCrds } from './chart-crds';
import type { EnvironmentImages } from '../config/images-schema';

/** Namespace the operator runs in. */
export const POSTGRES_OPERATOR_NAMESPACE = 'postgres-operator';

/** Operator replicas: two controllers with a leader-election lease. */
export const POSTGRES_OPERATOR_REPLICAS = 2;

/** Properties of {@link PostgresOperator}. */
export interface PostgresOperatorProps {
  /** The cluster to install the operator on. */
  readonly cluster: eks.Cluster;
  /** The kubectl/helm layer of the cluster's Kubernetes version, which applies the chart's CRDs. */
  readonly kubectlLayer: lambda.ILayerVersion;
  /** The key that encrypts the CRD function's log group. */
  readonly logKey: kms.IKey;
  /** OCI chart repository, including the chart name. */
  readonly repository: string;
  /** Chart version. */
  readonly version: string;
  /** Node label (key and value) of the pool the operator runs on. */
  readonly nodeSelector: { readonly key: string; readonly value: string };
  /**
   * Image overrides.
   * @default - the images the chart names
   */
  readonly images?: EnvironmentImages;
}

/**
 * Crunchy Data Postgres Operator (PGO), installed with Helm, two replicas with leader
 * election, on the system node pool. Its CRDs are applied from the same chart version first
 * (see {@link ChartCrds}): Helm would never upgrade them. Resources that use its CRDs must
 * depend on {@link PostgresOperator.chart}.
 */
export class PostgresOperator extends Construct {
  /** The Helm release. */
  readonly chart: eks.HelmChart;
  /** The chart's CRDs, applied before the release on every chart version. */
  readonly crds: ChartCrds;

  constructor(scope: Construct, id: string, props: PostgresOperatorProps) {
    super(scope, id);
    this.crds = new ChartCrds(this, 'Crds', {
      cluster: props.cluster,
      repository: props.repository,
      version: props.version,
      kubectlLayer: props.kubectlLayer,
      logKey: props.logKey,
    });
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      chart: 'pgo',
      repository: props.repository,
      version: props.version,
      release: 'pgo',
      namespace: POSTGRES_OPERATOR_NAMESPACE,
      createNamespace: true,
      wait: true,
      timeout: Duration.minutes(15),
      values: operatorValues(props),
    });
    // The new CRDs are served before the new operator, which may write their new fields, starts.
    this.chart.node.addDependency(this.crds);
  }
}

/** The chart values: HA, placement and image overrides. */
function operatorValues(props: PostgresOperatorProps): Record<string, unknown> {
  const images = props.images;
  const relatedImages: Record<string, { image: string }> = {};
  for (const [version, image] of Object.entries(images?.postgres ?? {})) {
    relatedImages[`postgres_${version}`] = { image };
  }
  for (const name of ['pgbackrest', 'pgbouncer'] as const) {
    if (images?.[name]) {
      relatedImages[name] = { image: images[name] };
    }
  }
  if (images?.exporter) {
    relatedImages.pgexporter = { image: images.exporter };
  }
  // RELATED_IMAGE_PGUPGRADE: the image of a PGUpgrade that names none (PGO pgupgrade/jobs.go).
  if (images?.upgrade) {
    relatedImages.pgupgrade = { image: images.upgrade };
  }
  return {
    // Two controllers with a leader-election lease: losing a node does not stop failover handling.
    replicas: POSTGRES_OPERATOR_REPLICAS,
    pgoControllerLeaseName: 'pgo-leader-election',
    debug: false,
    // PGO grows a data volume towards `dataVolumeClaimSpec.resources.limits.storage` only with
    // this gate on (off by default: internal/feature/features.go; autogrow.go `setVolumeSize`).
    // The chart turns `features` into PGO_FEATURE_GATES (postgres-operator-examples
    // helm/install/values.yaml, "Enable feature gates for PGO"). Without a limit it does nothing.
    // PGO adds `spec.proxy.pgBouncer.containers` (the PgBouncer metrics exporter,
    // k8s/pgbouncer-exporter.ts) to the PgBouncer pods only with PGBouncerSidecars on (off by
    // default, same file; internal/pgbouncer/reconcile.go `Pod`).
    features: { AutoGrowVolumes: true, PGBouncerSidecars: true },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: props.nodeSelector.key, operator: 'In', values: [props.nodeSelector.value] },
              ],
            },
          ],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'topology.kubernetes.io/zone',
              labelSelector: { matchLabels: { 'postgres-operator.crunchydata.com/control-plane': 'pgo' } },
            },
          },
        ],
      },
    },
    ...(images?.operator ? { controllerImages: { cluster: images.operator } } : {}),
    ...(Object.keys(relatedImages).length > 0 ? { relatedImages } : {}),
    ...(images && images.pullSecretNames.length > 0 ? { imagePullSecretNames: images.pullSecretNames } : {}),
  };
}
