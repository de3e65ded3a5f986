/**
 * Finds every pod the synthesized app puts on the system node pool, the way the scheduler
 * sees it: from every pod template of every Kubernetes manifest, from the custom resources
 * whose operators build pods (prometheus-operator, PGO), from the values of every Helm release
 * and from the EKS add-ons. A pod is on the system pool when it selects it, or when it selects
 * no pool and does not tolerate the database taint (the system pool is the only untainted one).
 *
 * Then compares them with lib/config/system-workloads.ts: requests, replicas and hard spread.
 */
import { DATABASE_TAINT_KEY, NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import {
  DAEMONSET_ONLY_ADDONS,
  RELEASES_WITHOUT_PODS,
  Spread,
  SystemWorkload,
  WorkloadOrigin,
} from '../../lib/config/system-workloads';
import { podRequests, PodRequests } from '../../lib/config/tenant-pods';
import { manifestsOf, renderTokens } from '../conformance/template-manifests';

/** A workload found in the synthesized app that runs on the system pool. */
export interface ObservedWorkload {
  /** The key its list entry must have (see {@link originKey}). */
  readonly key: string;
  /** Pods; undefined where the app leaves the count to a chart's or add-on's default. */
  readonly replicas?: number;
  /** What each pod requests; undefined where an add-on's defaults are used. */
  readonly requests?: PodRequests;
  readonly spread: Spread[];
}

/**
 * Kinds that start no pods themselves. A kind neither here nor modelled below fails the
 * comparison: a new kind could be an operator's custom resource that starts pods.
 */
const KINDS_WITHOUT_PODS = new Set([
  'Namespace',
  'ServiceAccount',
  'Service',
  'ConfigMap',
  'Secret',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'StorageClass',
  'Ingress',
  'IngressClass',
  'IngressClassParams',
  'TargetGroupBinding',
  'ExternalSecret',
  'SecretStore',
  'ClusterSecretStore',
  'Password',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'PodMonitor',
  'ServiceMonitor',
  'PrometheusRule',
  'AlertmanagerConfig',
]);

/** The key of a list entry's origin; observed workloads carry the same. */
export function originKey(origin: WorkloadOrigin): string {
  if ('helmRelease' in origin) {
    return `Helm release ${origin.helmRelease}, values ${origin.valuesPath.join('.') || '(root)'}`;
  }
  if ('addon' in origin) {
    return `EKS add-on ${origin.addon}`;
  }
  return `${origin.kind} ${origin.name ?? '*'}${origin.part ? ` ${origin.part}` : ''}`;
}

type Json = Record<string, any>;

/** The pool a pod template's placement leads to: its selection, else system unless it tolerates the taint. */
function poolOf(placement: { nodeSelector?: Json; affinity?: Json; tolerations?: Json[] }): string {
  const selected = placement.nodeSelector?.[NODE_POOL_LABEL];
  if (typeof selected === 'string') {
    return selected;
  }
  const terms: Json[] =
    placement.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const values = terms.flatMap((term) =>
    (term.matchExpressions ?? [])
      .filter((e: Json) => e.key === NODE_POOL_LABEL && e.operator === 'In')
      .flatMap((e: Json) => e.values),
  );
  if (values.length > 0) {
    return values.includes(SYSTEM_POOL) ? SYSTEM_POOL : values[0];
  }
  const tolerates = (placement.tolerations ?? []).some(
    (t) => t.key === DATABASE_TAINT_KEY || (t.operator === 'Exists' && t.key === undefined),
  );
  return tolerates ? 'any' : SYSTEM_POOL;
}

/** Hard spread rules of a pod template: DoNotSchedule constraints and required anti-affinity. */
function spreadOf(placement: { topologySpreadConstraints?: Json[]; affinity?: Json }): Spread[] {
  const keys = [
    ...(placement.topologySpreadConstraints ?? [])
      .filter((c) => (c.whenUnsatisfiable ?? 'DoNotSchedule') === 'DoNotSchedule')
      .map((c) => c.topologyKey),
    ...(placement.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term: Json) => term.topologyKey,
    ),
  ];
  const spread: Spread[] = [];
  if (keys.includes('topology.kubernetes.io/zone')) spread.push('zone');
  if (keys.includes('kubernetes.io/hostname')) spread.push('node');
  return spread;
}

const size = (resources: Json | undefined) => ({
  cpu: resources?.requests?.cpu ?? '0',
  memory: resources?.requests?.memory ?? '0',
});

/** A pod's requests from its containers' `resources`, init containers as Kubernetes counts them. */
function requestsOf(containers: Json[], initContainers: Json[] = []): PodRequests {
  return podRequests([
    ...containers.map((c) => ({ name: c.name, init: false, size: size(c.resources) })),
    ...initContainers.map((c) => ({ name: c.name, init: true, size: size(c.resources) })),
  ]);
}

/** Every object under `values` that places pods (has a node selector or an affinity), with its path. */
function placedComponents(values: Json, path: string[] = []): { path: string[]; component: Json }[] {
  const here = 'nodeSelector' in values || 'affinity' in values ? [{ path, component: values }] : [];
  const below = Object.entries(values)
    .filter(([key, value]) => !['nodeSelector', 'affinity', 'resources'].includes(key) && isObject(value))
    .flatMap(([key, value]) => placedComponents(value, [...path, key]));
  return [...here, ...below];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values of every Helm release of `templates`, by release name. */
export function helmValues(templates: readonly Json[]): Map<string, Json> {
  const releases = new Map<string, Json>();
  for (const template of templates) {
    for (const resource of Object.values<Json>(template.Resources ?? {})) {
      if (resource.Type === 'Custom::AWSCDK-EKS-HelmChart') {
        const values = resource.Properties.Values;
        releases.set(
          resource.Properties.Release,
          values === undefined ? {} : JSON.parse(renderTokens(values)),
        );
      }
    }
  }
  return releases;
}

/** Every workload of the synthesized `templates` that runs on the system pool; `problems` gets what cannot be classified. */
export function systemPoolPods(templates: readonly Json[], problems: string[]): ObservedWorkload[] {
  const found: ObservedWorkload[] = [];
  const releases = helmValues(templates);

  for (const [release, values] of releases) {
    if (release in RELEASES_WITHOUT_PODS) {
      continue;
    }
    const components = placedComponents(values);
    // A release whose values place nothing runs its chart's pods wherever they fit.
    for (const { path, component } of components.length > 0
      ? components
      : [{ path: [], component: values }]) {
      if (poolOf(component) !== SYSTEM_POOL) {
        continue;
      }
      const replicas = component.replicaCount ?? component.replicas;
      found.push({
        key: originKey({ helmRelease: release, valuesPath: path }),
        replicas: typeof replicas === 'number' ? replicas : undefined,
        requests: requestsOf([{ name: 'main', resources: component.resources }]),
        spread: spreadOf(component),
      });
    }
  }

  for (const template of templates) {
    for (const resource of Object.values<Json>(template.Resources ?? {})) {
      const addon = resource.Properties?.AddonName;
      if (resource.Type === 'AWS::EKS::Addon' && !DAEMONSET_ONLY_ADDONS.includes(addon)) {
        if (resource.Properties.ConfigurationValues !== undefined) {
          problems.push(
            `EKS add-on ${addon} is configured: compare its settings with the list's add-on defaults`,
          );
        }
        found.push({ key: originKey({ addon }), spread: [] });
      }
    }
  }

  const reloader = size(
    releases.get('prometheus-operator')?.prometheusOperator?.prometheusConfigReloader?.resources,
  );
  const objects = templates.flatMap((template) =>
    manifestsOf(template).flatMap((manifest) => manifest.objects),
  );
  for (const object of objects as Json[]) {
    found.push(...podsOfObject(object, reloader, problems));
  }

  // Objects of one kind and name in several namespaces (one per tenant) are one workload.
  const byKey = new Map<string, ObservedWorkload>();
  for (const workload of found) {
    const seen = byKey.get(workload.key);
    byKey.set(
      workload.key,
      seen ? { ...seen, replicas: (seen.replicas ?? 0) + (workload.replicas ?? 0) } : workload,
    );
  }
  return [...byKey.values()];
}

/** The system-pool pods one Kubernetes object starts, directly or through its operator. */
function podsOfObject(
  object: Json,
  reloader: { cpu: string; memory: string },
  problems: string[],
): ObservedWorkload[] {
  const { kind, spec = {} } = object;
  const name: string = object.metadata?.name;
  const onSystem = (placement: Json) => poolOf(placement) === SYSTEM_POOL;
  const fromTemplate = (pod: Json, replicas: number): ObservedWorkload[] =>
    onSystem(pod)
      ? [
          {
            key: originKey({ kind, name }),
            replicas,
            requests: requestsOf(pod.containers ?? [], pod.initContainers ?? []),
            spread: spreadOf(pod),
          },
        ]
      : [];
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return fromTemplate(spec.template?.spec ?? {}, spec.replicas ?? 1);
    case 'Job':
      return fromTemplate(spec.template?.spec ?? {}, spec.parallelism ?? 1);
    case 'CronJob':
      return fromTemplate(spec.jobTemplate?.spec?.template?.spec ?? {}, 1);
    case 'Pod':
      return fromTemplate(spec, 1);
    case 'DaemonSet':
      problems.push(`DaemonSet ${name}: add it to the per-node DaemonSets of lib/config/capacity.ts`);
      return [];
    case 'Prometheus':
    case 'Alertmanager': {
      // prometheus-operator's pod: the main container, config-reloader and its init twin.
      const main = { name: kind.toLowerCase(), resources: spec.resources };
      const reloaderContainer = { name: 'config-reloader', resources: { requests: reloader } };
      return onSystem(spec)
        ? [
            {
              key: originKey({ kind, name }),
              replicas: spec.replicas ?? 1,
              requests: requestsOf([main, reloaderContainer], [reloaderContainer]),
              spread: spreadOf(spec),
            },
          ]
        : [];
    }
    case 'PGAdmin': {
      // PGO's pgAdmin pod: the pgadmin container and an init container with the same resources.
      const pgadmin = { name: 'pgadmin', resources: spec.resources };
      return onSystem(spec)
        ? [
            {
              key: originKey({ kind, name }),
              replicas: 1,
              requests: requestsOf([pgadmin], [pgadmin]),
              spread: spreadOf(spec),
            },
          ]
        : [];
    }
    case 'PostgresCluster': {
      const placed: ObservedWorkload[] = [];
      for (const instance of spec.instances ?? []) {
        if (onSystem(instance)) {
          problems.push(
            `PostgresCluster ${name}: instance set ${instance.name} would run on the system pool`,
          );
        }
      }
      if (spec.proxy?.pgBouncer && onSystem(spec.proxy.pgBouncer)) {
        problems.push(`PostgresCluster ${name}: PgBouncer would run on the system pool`);
      }
      // PGO's backup Job takes its placement and resources from backups.pgbackrest.jobs only
      // (internal/controller/postgrescluster/pgbackrest.go, generateBackupJobSpecIntent).
      const jobs = spec.backups?.pgbackrest?.jobs ?? {};
      if (onSystem(jobs)) {
        placed.push({
          key: originKey({ kind, part: 'backup Job' }),
          replicas: 1,
          requests: requestsOf([{ name: 'pgbackrest', resources: jobs.resources }]),
          spread: [],
        });
      }
      return placed;
    }
    case 'PGUpgrade':
      return onSystem(spec)
        ? [
            {
              key: originKey({ kind, name }),
              replicas: 1,
              requests: requestsOf([{ name: 'upgrade', resources: spec.resources }]),
              spread: [],
            },
          ]
        : [];
    default:
      if (!KINDS_WITHOUT_PODS.has(kind)) {
        problems.push(
          `${object.apiVersion} ${kind} ${name}: does it start pods? Model it in test/stacks/system-pool-pods.ts`,
        );
      }
      return [];
  }
}

/** What differs between the pods found on the system pool and the list. */
export function compareWithList(
  observed: readonly ObservedWorkload[],
  list: readonly SystemWorkload[],
): string[] {
  const problems: string[] = [];
  const listed = new Map(list.map((workload) => [originKey(workload.origin), workload]));
  for (const pod of observed) {
    const entry = listed.get(pod.key);
    if (!entry) {
      problems.push(`${pod.key} runs on the system pool but is not in lib/config/system-workloads.ts`);
      continue;
    }
    const listedRequests = podRequests([...entry.containers]);
    if (
      pod.requests &&
      (Math.abs(pod.requests.cpu - listedRequests.cpu) > 1e-9 ||
        pod.requests.memoryBytes !== listedRequests.memoryBytes)
    ) {
      problems.push(
        `${entry.name}: requests ${JSON.stringify(pod.requests)} deployed, ${JSON.stringify(listedRequests)} listed`,
      );
    }
    if (pod.replicas !== undefined ? pod.replicas !== entry.replicas : entry.defaults === undefined) {
      problems.push(
        `${entry.name}: ${pod.replicas ?? "the chart's default"} replicas deployed, ${entry.replicas} listed` +
          (pod.replicas === undefined ? ' without naming the default and its source' : ''),
      );
    }
    if ([...pod.spread].sort().join() !== [...entry.spread].sort().join()) {
      problems.push(`${entry.name}: spread [${pod.spread}] deployed, [${entry.spread}] listed`);
    }
  }
  const deployed = new Set(observed.map((pod) => pod.key));
  for (const [key, entry] of listed) {
    if (!deployed.has(key)) {
      problems.push(`${entry.name} (${key}) is listed but the app does not deploy it on the system pool`);
    }
  }
  return problems;
}
