/**
 * The one table of every pinned version the app deploys.
 *
 * Changing a line here changes what runs in every environment on the next deploy, so each
 * line says what it pins and where its value comes from.
 */
import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** What the app needs to run one Kubernetes minor version. */
export interface KubernetesRelease {
  /** The EKS control-plane version. */
  readonly eksVersion: eks.KubernetesVersion;
  /** Creates the kubectl/helm Lambda layer matching this version (kubectl supports ±1 minor). */
  readonly kubectlLayer: (scope: Construct, id: string) => lambda.ILayerVersion;
  /**
   * The Cluster Autoscaler image tag of the same minor: it simulates the scheduler of its own
   * Kubernetes release (see {@link CLUSTER_AUTOSCALER_CHART}).
   */
  readonly clusterAutoscalerImageTag: string;
}

/**
 * Kubernetes versions this app can deploy, keyed by `major.minor`.
 *
 * A version is listed only when its kubectl layer package is a dependency of this project:
 * the config loader rejects any other version, naming these. The previous minor stays listed
 * so an environment on it can take the one-minor step to the next (EKS moves one minor at a
 * time; the review command refuses a skip, docs/runbooks/upgrade-kubernetes.md). To add 1.36:
 * `@aws-cdk/lambda-layer-kubectl-v36` (published), `eks.KubernetesVersion.V1_36` and the
 * Cluster Autoscaler 1.36 tag, then drop the oldest entry once no environment runs it.
 */
export const KUBERNETES_RELEASES: Readonly<Record<string, KubernetesRelease>> = {
  '1.34': {
    eksVersion: eks.KubernetesVersion.V1_34,
    kubectlLayer: (scope, id) => new KubectlV34Layer(scope, id),
    // The newest 1.34 patch the autoscaler project promoted (kubernetes/k8s.io#8815).
    clusterAutoscalerImageTag: 'v1.34.2',
  },
  '1.35': {
    eksVersion: eks.KubernetesVersion.V1_35,
    kubectlLayer: (scope, id) => new KubectlV35Layer(scope, id),
    clusterAutoscalerImageTag: 'v1.35.0',
  },
};

/** The Kubernetes version a new environment gets when its config does not name one. */
export const DEFAULT_KUBERNETES_VERSION = '1.35';

/**
 * AWS Load Balancer Controller, installed through `aws-eks-v2`'s own `albController`
 * support, which ships the matching IAM policy for its predefined versions.
 */
export const ALB_CONTROLLER_VERSION = eks.AlbControllerVersion.V3_2_2;

/**
 * EKS managed add-ons. `undefined` means "the default version EKS offers for the cluster's
 * Kubernetes version at creation time"; set a version (e.g. `v1.52.1-eksbuild.1`) per
 * environment with `cluster.addonVersions` in the config to pin one.
 */
export const EKS_ADDONS = [
  'vpc-cni',
  'kube-proxy',
  'eks-pod-identity-agent',
  'coredns',
  'aws-ebs-csi-driver',
] as const;

/** Name of an EKS managed add-on the platform installs. */
export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * Crunchy Postgres Operator (PGO) v6, installed from Crunchy Data's OCI Helm chart. Its CRDs
 * (PostgresCluster alone is 2.9 MB) come with the chart: they are far too large for an inline
 * manifest.
 */
export const POSTGRES_OPERATOR_CHART = {
  repository: 'oci://registry.developers.crunchydata.com/crunchydata/pgo',
  version: '6.0.3',
} as const;

/**
 * External Secrets Operator (ESO), installed from its Helm chart with its CRDs. It copies each
 * tenant's pgBackRest cipher passphrase from AWS Secrets Manager into the tenant namespace.
 * 2.0.0 is the current minor in external-secrets/external-secrets
 * (deploy/charts/external-secrets/Chart.yaml, docs/introduction/stability-support.md: ESO
 * supports only its newest minor); it serves `external-secrets.io/v1`.
 */
export const EXTERNAL_SECRETS_CHART = {
  repository: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.0.0',
} as const;

/**
 * Kubernetes Cluster Autoscaler, from its project's Helm repository. Its minor version must
 * match the cluster's: it simulates the scheduler of its own Kubernetes release. Chart 9.59.0
 * ships appVersion 1.35.0 (kubernetes/autoscaler#9193 made 1.35.0 the chart default); the image
 * tag of the default version is pinned beside it so the pair is explicit. An environment on
 * another listed version gets that version's tag ({@link KubernetesRelease.clusterAutoscalerImageTag}).
 */
export const CLUSTER_AUTOSCALER_CHART = {
  repository: 'https://kubernetes.github.io/autoscaler',
  chart: 'cluster-autoscaler',
  version: '9.59.0',
  imageTag: 'v1.35.0',
} as const;

/**
 * The prometheus-operator CRDs only (PodMonitor, PrometheusRule, Prometheus, Alertmanager, ...),
 * from the prometheus-community chart that packages nothing else: the monitoring objects apply
 * before the operator runs, and uninstalling the operator never takes the CRDs (and with them
 * every object of their kinds) away. 31.0.0 packages prometheus-operator v0.93.0
 * (prometheus-community/helm-charts release prometheus-operator-crds-31.0.0, "Update dependency
 * prometheus-operator/prometheus-operator to v0.93.0", #7146), the release whose CRDs are in
 * ../shared/schemas/crds. Raise it together with {@link KUBE_PROMETHEUS_STACK_CHART}'s
 * `operatorVersion`: an operator newer than its CRDs writes fields the API server drops.
 */
export const PROMETHEUS_OPERATOR_CRDS_CHART = {
  repository: 'https://prometheus-community.github.io/helm-charts',
  chart: 'prometheus-operator-crds',
  version: '31.0.0',
} as const;

/**
 * prometheus-operator and kube-state-metrics, from the kube-prometheus-stack chart with every
 * other component switched off (lib/constructs/prometheus-operator.ts says why this chart).
 * 88.5.3 ships operator v0.93.x (kube-prometheus-stack 88.x; 91.0.0 moved to v0.94.0). The
 * operator and config-reloader images are pinned to `operatorVersion` rather than the chart's
 * appVersion, so they match the CRDs chart above exactly even if a chart patch release moves
 * its appVersion to a newer patch.
 */
export const KUBE_PROMETHEUS_STACK_CHART = {
  repository: 'https://prometheus-community.github.io/helm-charts',
  chart: 'kube-prometheus-stack',
  version: '88.5.3',
  operatorVersion: 'v0.93.0',
} as const;

/**
 * cert-manager, from Jetstack's Helm repository, with its CRDs (`crds.enabled`). It issues the
 * platform CA and every tenant's server certificates. v1.21.1 is the release whose CRDs and
 * values schema are in ../shared/schemas (see its SOURCES.md); the chart version carries the
 * `v` prefix, as cert-manager publishes it.
 */
export const CERT_MANAGER_CHART = {
  repository: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
} as const;

/**
 * external-dns, from its project's Helm repository: it writes the web UIs' hostnames into the
 * configured Route 53 zone. Chart 1.21.1 ships external-dns 0.21.0; its values.schema.json is
 * in ../shared/schemas/helm-values (see its SOURCES.md).
 */
export const EXTERNAL_DNS_CHART = {
  repository: 'https://kubernetes-sigs.github.io/external-dns/',
  chart: 'external-dns',
  version: '1.21.1',
} as const;

/**
 * Grafana, the open-source image from Docker Hub (`grafana/grafana`; Grafana stopped
 * updating `grafana/grafana-oss` with 12.4.0, "Run Grafana Docker image"). Override it with
 * `images.grafana`, for example with a copy in your own registry.
 */
export const GRAFANA_IMAGE = 'docker.io/grafana/grafana:13.2.3';

/**
 * The PgBouncer metrics exporter (prometheus-community/pgbouncer_exporter), run beside each
 * PgBouncer (k8s/pgbouncer-exporter.ts). Override it with `images.pgbouncerExporter`.
 */
export const PGBOUNCER_EXPORTER_IMAGE = 'quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2';
