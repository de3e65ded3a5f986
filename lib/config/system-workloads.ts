/**
 * Every workload the app puts on the system node pool, with its replicas, the containers of
 * each pod and the spread rules that force replicas apart. The system pool capacity rule
 * (./system-capacity.ts) places them; test/stacks/system-workloads.test.ts checks this list
 * against every pod template and Helm release the synthesized app deploys, so a component
 * added there and forgotten here fails the suite.
 *
 * A pod lands on the system pool when it selects it (node selector or required node affinity)
 * and also when it selects no pool and does not tolerate the database taint: the system pool
 * is the only untainted one. The EKS add-on controllers, the AWS Load Balancer Controller and
 * PGO's backup Jobs are on it for that reason.
 *
 * Sizes come from the constructs that set them; where a chart's or add-on's defaults are used
 * unchanged, `defaults` names them and where they come from.
 */
import type { EksAddonName } from './versions';
import { ContainerModel, ContainerSize, SIDECAR_SIZES } from './tenant-pods';
import { GRAFANA_REPLICAS, GRAFANA_RESOURCES } from '../../k8s/monitoring/grafana-chart';
import { PGADMIN_SIZE } from '../../k8s/pgadmin';
import { PROMETHEUS_REPLICAS } from '../../k8s/monitoring/prometheus';
import { CLUSTER_AUTOSCALER_RESOURCES } from '../constructs/cluster-autoscaler';
import { EXTERNAL_DNS_RESOURCES } from '../constructs/external-dns';
import { POSTGRES_OPERATOR_REPLICAS } from '../constructs/postgres-operator';
import {
  CONFIG_RELOADER_RESOURCES,
  KUBE_STATE_METRICS_RESOURCES,
  PROMETHEUS_OPERATOR_RESOURCES,
} from '../constructs/prometheus-operator';
import { SMALL_CONTROLLER_RESOURCES } from '../constructs/system-chart';

/**
 * A hard spread rule (`whenUnsatisfiable: DoNotSchedule` with maxSkew 1, or a required pod
 * anti-affinity): `zone` keeps replicas in different zones while zones are free, `node` on
 * different nodes.
 */
export type Spread = 'zone' | 'node';

/** Where a workload is declared, so the cross-check can find it in the synthesized app. */
export type WorkloadOrigin =
  /** A Helm release; `valuesPath` is the values key of the component ([] for the chart's root). */
  | { readonly helmRelease: string; readonly valuesPath: readonly string[] }
  /** An EKS managed add-on's controller Deployment. */
  | { readonly addon: EksAddonName }
  /** Objects of one kind in the Kubernetes manifests; every object of the kind when `name` is absent. */
  | { readonly kind: string; readonly name?: string; readonly part?: string };

/** One workload on the system pool. */
export interface SystemWorkload {
  /** What it is, as operators know it. */
  readonly name: string;
  /** Where the app declares it. */
  readonly origin: WorkloadOrigin;
  /** Pods at once. */
  readonly replicas: number;
  /** The containers of each pod (init containers count as the largest of them, not the sum). */
  readonly containers: readonly ContainerModel[];
  /** Hard spread rules between its replicas. */
  readonly spread: readonly Spread[];
  /** Chart or add-on defaults used unchanged, and their source. @default - every figure is set by the app */
  readonly defaults?: string;
  /** Why a pod that runs to completion still counts. @default - a long-running pod */
  readonly transient?: string;
}

/** The part of the configuration the list depends on, validated. */
export interface SystemWorkloadsInput {
  /** `monitoring.prometheus.resources`. */
  readonly prometheus: ContainerSize;
  /** `monitoring.alertmanager.replicas` and `.resources`. */
  readonly alertmanager: { readonly replicas: number; readonly resources: ContainerSize };
  /** Tenants (decommissioned ones too: they keep running until destroyed). */
  readonly tenants: number;
  /** `pgAdmin.enabled`: one pgAdmin per tenant. */
  readonly pgAdmin: boolean;
  /** Whether `webUis` is configured: external-dns registers the web UI names then. */
  readonly webUis: boolean;
}

/** Helm releases that start no pods, and why; the cross-check accepts them without a workload. */
export const RELEASES_WITHOUT_PODS: Readonly<Record<string, string>> = {
  'prometheus-operator-crds': 'CustomResourceDefinitions only (the crds subchart)',
};

/**
 * EKS add-ons whose only pods are DaemonSets: their requests are in the per-node overhead
 * (DATABASE_NODE_DAEMONSETS in ./node-room.ts). The EBS CSI driver's node DaemonSet is there
 * too; its controller Deployment is a workload below.
 */
export const DAEMONSET_ONLY_ADDONS: readonly EksAddonName[] = [
  'vpc-cni',
  'kube-proxy',
  'eks-pod-identity-agent',
];

const container = (name: string, size: ContainerSize, init = false): ContainerModel => ({ name, init, size });
const requestsOf = (resources: { requests: ContainerSize }): ContainerSize => resources.requests;
const NO_REQUESTS: ContainerSize = { cpu: '0', memory: '0' };

/**
 * A controller of a chart that places it with `systemPoolPlacement` (SMALL_CONTROLLER_RESOURCES)
 * and keeps the chart's one replica.
 */
function smallController(
  name: string,
  helmRelease: string,
  valuesPath: string[],
  defaults: string,
): SystemWorkload {
  return {
    name,
    origin: { helmRelease, valuesPath },
    replicas: 1,
    containers: [container(name, requestsOf(SMALL_CONTROLLER_RESOURCES))],
    spread: [],
    defaults,
  };
}

/**
 * A pod prometheus-operator builds for a Prometheus or Alertmanager: the main container, its
 * `config-reloader` sidecar and `init-config-reloader` init container, both sized by the
 * operator's `--config-reloader-cpu-request`/`-memory-request` flags, which the chart sets
 * from `prometheusOperator.prometheusConfigReloader.resources`
 * (prometheus-operator pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go).
 */
function monitoringPod(main: string, size: ContainerSize): ContainerModel[] {
  const reloader = requestsOf(CONFIG_RELOADER_RESOURCES);
  return [
    container(main, size),
    container('config-reloader', reloader),
    container('init-config-reloader', reloader, true),
  ];
}

/** Every workload on the system pool for the configuration `input`. */
export function systemWorkloads(input: SystemWorkloadsInput): SystemWorkload[] {
  const workloads: SystemWorkload[] = [
    {
      name: 'coredns',
      origin: { addon: 'coredns' },
      replicas: 2,
      containers: [container('coredns', { cpu: '100m', memory: '70Mi' })],
      // Preferred anti-affinity and a ScheduleAnyway zone spread: soft, nothing forced.
      spread: [],
      defaults:
        'EKS CoreDNS add-on defaults: replicaCount 2, requests 100m/70Mi (aws eks describe-addon-configuration --addon-name coredns)',
    },
    {
      name: 'ebs-csi-controller',
      origin: { addon: 'aws-ebs-csi-driver' },
      replicas: 2,
      containers: [
        'ebs-plugin',
        'csi-provisioner',
        'csi-attacher',
        'csi-snapshotter',
        'csi-resizer',
        'liveness-probe',
      ].map((name) => container(name, { cpu: '10m', memory: '40Mi' })),
      spread: [],
      defaults:
        'EBS CSI driver add-on defaults: controller.replicaCount 2, 10m/40Mi per container (kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver/values.yaml)',
    },
    {
      name: 'aws-load-balancer-controller',
      origin: { helmRelease: 'aws-load-balancer-controller', valuesPath: [] },
      replicas: 2,
      containers: [container('aws-load-balancer-controller', NO_REQUESTS)],
      // configureDefaultAffinity: a preferred anti-affinity by hostname, not a rule.
      spread: [],
      defaults:
        "aws-eks-v2's albController sets no placement or resources: chart defaults replicaCount 2, resources {} (aws/eks-charts stable/aws-load-balancer-controller/values.yaml)",
    },
    {
      name: 'cluster-autoscaler',
      origin: { helmRelease: 'cluster-autoscaler', valuesPath: [] },
      replicas: 1,
      containers: [container('cluster-autoscaler', requestsOf(CLUSTER_AUTOSCALER_RESOURCES))],
      spread: [],
      defaults: 'replicaCount 1 (kubernetes/autoscaler charts/cluster-autoscaler/values.yaml)',
    },
    {
      name: 'pgo',
      origin: { helmRelease: 'pgo', valuesPath: [] },
      replicas: POSTGRES_OPERATOR_REPLICAS,
      containers: [container('operator', NO_REQUESTS)],
      // Preferred anti-affinity by zone: soft.
      spread: [],
      defaults: 'resources.controller {} (CrunchyData postgres-operator-examples helm/install/values.yaml)',
    },
    smallController(
      'external-secrets',
      'external-secrets',
      [],
      'replicaCount 1 (external-secrets deploy/charts/external-secrets/values.yaml)',
    ),
    smallController(
      'external-secrets-webhook',
      'external-secrets',
      ['webhook'],
      'webhook.replicaCount 1 (same values.yaml)',
    ),
    smallController(
      'external-secrets-cert-controller',
      'external-secrets',
      ['certController'],
      'certController.replicaCount 1 (same values.yaml)',
    ),
    smallController(
      'cert-manager',
      'cert-manager',
      [],
      'replicaCount 1 (cert-manager chart values; the default in ../shared/schemas/helm-values/cert-manager.schema.json)',
    ),
    smallController(
      'cert-manager-webhook',
      'cert-manager',
      ['webhook'],
      'webhook.replicaCount 1 (same schema)',
    ),
    smallController(
      'cert-manager-cainjector',
      'cert-manager',
      ['cainjector'],
      'cainjector.replicaCount 1 (same schema)',
    ),
    {
      ...smallController(
        'cert-manager-startupapicheck',
        'cert-manager',
        ['startupapicheck'],
        'a Job of one pod',
      ),
      transient: 'a Helm hook Job that runs at every install and upgrade, beside the new controllers',
    },
    {
      name: 'prometheus-operator',
      origin: { helmRelease: 'prometheus-operator', valuesPath: ['prometheusOperator'] },
      replicas: 1,
      containers: [container('prometheus-operator', requestsOf(PROMETHEUS_OPERATOR_RESOURCES))],
      spread: [],
      defaults:
        "one replica: the chart's operator Deployment, whose replicas these values leave alone (kube-prometheus-stack)",
    },
    {
      name: 'kube-state-metrics',
      origin: { helmRelease: 'prometheus-operator', valuesPath: ['kube-state-metrics'] },
      replicas: 1,
      containers: [container('kube-state-metrics', requestsOf(KUBE_STATE_METRICS_RESOURCES))],
      spread: [],
      defaults: 'replicas 1 (prometheus-community charts/kube-state-metrics/values.yaml)',
    },
    {
      name: 'prometheus',
      origin: { kind: 'Prometheus', name: 'prometheus' },
      replicas: PROMETHEUS_REPLICAS,
      containers: monitoringPod('prometheus', input.prometheus),
      spread: [],
    },
    {
      name: 'alertmanager',
      origin: { kind: 'Alertmanager', name: 'alertmanager' },
      replicas: input.alertmanager.replicas,
      containers: monitoringPod('alertmanager', input.alertmanager.resources),
      spread: ['zone', 'node'],
    },
    {
      name: 'grafana',
      origin: { kind: 'Deployment', name: 'grafana' },
      replicas: GRAFANA_REPLICAS,
      containers: [
        container('grafana', {
          cpu: GRAFANA_RESOURCES.cpu!.request!.amount,
          memory: `${GRAFANA_RESOURCES.memory!.request!.toMebibytes()}Mi`,
        }),
      ],
      spread: [],
    },
    {
      name: 'pgbackrest-backup',
      origin: { kind: 'PostgresCluster', part: 'backup Job' },
      replicas: input.tenants,
      containers: [container('pgbackrest', SIDECAR_SIZES.backupJob)],
      spread: [],
      transient:
        "each tenant's scheduled backup Job; the default schedules are the same for every tenant, so all may run at once",
    },
  ];
  if (input.webUis) {
    workloads.push({
      name: 'external-dns',
      origin: { helmRelease: 'external-dns', valuesPath: [] },
      replicas: 1,
      containers: [container('external-dns', requestsOf(EXTERNAL_DNS_RESOURCES))],
      spread: [],
      defaults:
        'a single replica: the chart has no replica setting (its values schema, ../shared/schemas/helm-values/external-dns.schema.json)',
    });
  }
  if (input.pgAdmin && input.tenants > 0) {
    workloads.push({
      name: 'pgadmin',
      origin: { kind: 'PGAdmin', name: 'pgadmin' },
      replicas: input.tenants,
      // PGO gives the init container the pgAdmin container's resources (standalone_pgadmin/pod.go).
      containers: [container('pgadmin', PGADMIN_SIZE), container('pgadmin-startup', PGADMIN_SIZE, true)],
      spread: [],
    });
  }
  return workloads;
}
