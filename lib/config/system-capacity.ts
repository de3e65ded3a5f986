/**
 * The system pool capacity rule: every workload of ./system-workloads.ts, beside the DaemonSets
 * every node runs, fits the system node pool, checked when the configuration is loaded instead
 * of discovered as a Pending pod after deployment.
 *
 * Enforced at `maxSize` AND at `minSize`. The Cluster Autoscaler runs on this pool: when the
 * pool at minSize cannot hold the system pods, whether they run depends on the autoscaler's
 * own pod finding room first, and it cannot add the node it would need to start. Every
 * release of the platform stack waits for its pods (`wait: true`), and they install side by
 * side with the autoscaler's. Its pod's priority (system-cluster-critical) lets it preempt
 * another pod to start, but the pod it displaces then waits for a node while its release
 * waits for it. At minSize the platform therefore runs without the autoscaler; maxSize is
 * checked on its own so its message says what the pool can never hold.
 *
 * How pods are placed, as kube-scheduler does it:
 * - a node offers its allocatable CPU, memory and pod slots (./instance-types.ts) less the
 *   DaemonSets (./node-room.ts, the same on every node: the database pool's DaemonSets
 *   tolerate every taint, and the system pool has none);
 * - a pool of several types is planned with the type that leaves the least room;
 * - the pool is one node group over the three zones, and the Auto Scaling group balances
 *   its nodes over them: node i is in zone i mod 3;
 * - pods are placed largest first, each on the fitting node the scheduler scores best under
 *   its default NodeResourcesFit strategy, LeastAllocated (kubernetes
 *   pkg/scheduler/framework/plugins/noderesources/least_allocated.go: the mean over CPU and
 *   memory of the share left free);
 * - a hard spread with maxSkew 1 allows at most ceil(replicas / domains) replicas per zone or
 *   node (PodTopologySpread, `whenUnsatisfiable: DoNotSchedule`).
 * A placement found this way is one the scheduler can reach. Transient pods (a backup Job, a
 * Helm hook) count as if they ran at the same time as everything else.
 */
import { z } from 'zod';
import { ZONE_COUNT } from './capacity';
import { SUPPORTED_INSTANCE_TYPES_TEXT } from './instance-types';
import { instanceTypeRooms, NodeRoom, roomOf } from './node-room';
import { parseQuantity } from './quantity';
import { systemWorkloads, SystemWorkload, SystemWorkloadsInput } from './system-workloads';
import { podRequests, PodRequests } from './tenant-pods';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** The most nodes a pool may have (the schema's limit); the rule searches up to it. */
const MAX_POOL_SIZE = 100;

/** The part of the configuration the rule reads; it may be partly invalid (see schema.ts). */
export interface SystemCapacityInput {
  readonly nodePools?: {
    readonly system?: {
      readonly instanceTypes?: unknown;
      readonly minSize?: unknown;
      readonly maxSize?: unknown;
    };
  };
  readonly monitoring?: {
    readonly prometheus?: { readonly resources?: unknown };
    readonly alertmanager?: { readonly replicas?: unknown; readonly resources?: unknown };
  };
  readonly pgAdmin?: { readonly enabled?: unknown };
  readonly webUis?: unknown;
  readonly tenants?: unknown;
}

/** One pod to place. */
interface PodToPlace {
  readonly workload: SystemWorkload;
  readonly requests: PodRequests;
}

/**
 * Adds an issue for every way the system workloads of `config` do not fit `nodePools.system`.
 * Fields that are missing or malformed are left to their own checks.
 */
export function checkSystemCapacity(config: SystemCapacityInput, ctx: z.RefinementCtx): void {
  const pool = config.nodePools?.system;
  const input = workloadsInput(config);
  if (!pool || !input) {
    return;
  }
  const rooms = instanceTypeRooms(
    pool.instanceTypes,
    ['nodePools', 'system', 'instanceTypes'],
    `expected an instance type whose capacity is known, so the system workloads can be checked against it: ${SUPPORTED_INSTANCE_TYPES_TEXT}`,
    ctx,
  );
  const { minSize, maxSize } = pool;
  if (!rooms || !isSize(minSize) || !isSize(maxSize)) {
    return;
  }
  const node = [...rooms].sort(
    (a, b) => roomOf(a).memoryBytes - roomOf(b).memoryBytes || roomOf(a).cpu - roomOf(b).cpu,
  )[0];
  const workloads = systemWorkloads(input);
  const needed = nodesNeeded(workloads, node);
  if (needed === undefined) {
    const largest = podsOf(workloads)[0];
    ctx.addIssue({
      code: 'custom',
      path: ['nodePools', 'system', 'instanceTypes'],
      message:
        `expected a type whose node holds the largest system pod, ${largest.workload.name} ` +
        `(${cpuText(largest.requests.cpu)} CPU, ${memoryText(largest.requests.memoryBytes)}); ` +
        `${describeRoom(node, 1)}. Use a larger instance type or make the pod smaller`,
    });
    return;
  }
  const asked = describeAsked(workloads);
  const fix = (key: string) =>
    `raise ${key} to ${needed}, use a larger instance type, or ask less (monitoring.prometheus.resources, ` +
    `monitoring.alertmanager, one pgAdmin per tenant while pgAdmin.enabled)`;
  if (maxSize < needed) {
    ctx.addIssue({
      code: 'custom',
      path: ['nodePools', 'system', 'maxSize'],
      message: `expected at least ${needed}: the system workloads ask ${asked}, and ${describeRoom(node, maxSize)}; ${fix('maxSize')}`,
    });
  }
  if (minSize < needed) {
    ctx.addIssue({
      code: 'custom',
      path: ['nodePools', 'system', 'minSize'],
      message:
        `expected at least ${needed}: the system workloads ask ${asked}, and ${describeRoom(node, minSize)}. ` +
        `They must fit without the Cluster Autoscaler, which runs on this pool and cannot add the node it needs to start; ${fix('minSize')}`,
    });
  }
}

/** Whether `value` is a pool size the schema accepts (others are reported there). */
function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_POOL_SIZE;
}

/** The validated inputs of the workload list, or undefined when one is malformed (reported elsewhere). */
function workloadsInput(config: SystemCapacityInput): SystemWorkloadsInput | undefined {
  const prometheus = size(config.monitoring?.prometheus?.resources);
  const alertmanager = config.monitoring?.alertmanager;
  const alertmanagerSize = size(alertmanager?.resources);
  const replicas = alertmanager?.replicas;
  const pgAdmin = config.pgAdmin?.enabled;
  if (
    !prometheus ||
    !alertmanagerSize ||
    typeof replicas !== 'number' ||
    !Number.isInteger(replicas) ||
    replicas < 1 ||
    typeof pgAdmin !== 'boolean' ||
    !Array.isArray(config.tenants)
  ) {
    return undefined;
  }
  return {
    prometheus,
    alertmanager: { replicas, resources: alertmanagerSize },
    tenants: config.tenants.length,
    pgAdmin,
    webUis: config.webUis !== undefined && config.webUis !== null,
  };
}

function size(value: unknown): { cpu: string; memory: string } | undefined {
  const { cpu, memory } = (value ?? {}) as Record<string, unknown>;
  return typeof cpu === 'string' &&
    typeof memory === 'string' &&
    parseQuantity(cpu) !== undefined &&
    parseQuantity(memory) !== undefined
    ? { cpu, memory }
    : undefined;
}

/** Every pod of `workloads`, largest first (memory, then CPU). */
function podsOf(workloads: readonly SystemWorkload[]): PodToPlace[] {
  return workloads
    .flatMap((workload) => {
      const requests = podRequests([...workload.containers]);
      return Array.from({ length: workload.replicas }, () => ({ workload, requests }));
    })
    .sort((a, b) => b.requests.memoryBytes - a.requests.memoryBytes || b.requests.cpu - a.requests.cpu);
}

/** The fewest nodes of `node`'s type that hold `workloads`, or undefined if no pool size does. */
export function nodesNeeded(workloads: readonly SystemWorkload[], node: NodeRoom): number | undefined {
  for (let nodes = 1; nodes <= MAX_POOL_SIZE; nodes++) {
    if (placeSystemPods(workloads, node, nodes)) {
      return nodes;
    }
  }
  return undefined;
}

/** Whether the scheduler can place every pod of `workloads` on `nodes` nodes like `node` (see the file comment). */
export function placeSystemPods(
  workloads: readonly SystemWorkload[],
  node: NodeRoom,
  nodes: number,
): boolean {
  const room = roomOf(node);
  const zones = Math.min(ZONE_COUNT, nodes);
  const bins = Array.from({ length: nodes }, (_, index) => ({
    zone: index % ZONE_COUNT,
    cpu: 0,
    memoryBytes: 0,
    pods: 0,
    replicas: new Map<SystemWorkload, number>(),
  }));
  const perZone = new Map<SystemWorkload, number[]>();
  return podsOf(workloads).every(({ workload, requests }) => {
    const zoneCounts = perZone.get(workload) ?? Array<number>(ZONE_COUNT).fill(0);
    perZone.set(workload, zoneCounts);
    const fitting = bins.filter(
      (bin) =>
        bin.cpu + requests.cpu <= room.cpu + 1e-9 &&
        bin.memoryBytes + requests.memoryBytes <= room.memoryBytes &&
        bin.pods + 1 <= room.pods &&
        (!workload.spread.includes('node') ||
          (bin.replicas.get(workload) ?? 0) < Math.ceil(workload.replicas / nodes)) &&
        (!workload.spread.includes('zone') || zoneCounts[bin.zone] < Math.ceil(workload.replicas / zones)),
    );
    if (fitting.length === 0) {
      return false;
    }
    const free = (bin: (typeof bins)[number]) =>
      (room.cpu - bin.cpu - requests.cpu) / room.cpu +
      (room.memoryBytes - bin.memoryBytes - requests.memoryBytes) / room.memoryBytes;
    const best = fitting.reduce((a, b) => (free(b) > free(a) + 1e-12 ? b : a));
    best.cpu += requests.cpu;
    best.memoryBytes += requests.memoryBytes;
    best.pods += 1;
    best.replicas.set(workload, (best.replicas.get(workload) ?? 0) + 1);
    zoneCounts[best.zone] += 1;
    return true;
  });
}

/** The total the workloads ask, with the largest named. */
function describeAsked(workloads: readonly SystemWorkload[]): string {
  const pods = podsOf(workloads);
  const total = pods.reduce(
    (sum, pod) => ({
      cpu: sum.cpu + pod.requests.cpu,
      memoryBytes: sum.memoryBytes + pod.requests.memoryBytes,
    }),
    { cpu: 0, memoryBytes: 0 },
  );
  const largest = [...workloads]
    .map((workload) => ({ workload, requests: podRequests([...workload.containers]) }))
    .sort(
      (a, b) => b.requests.memoryBytes * b.workload.replicas - a.requests.memoryBytes * a.workload.replicas,
    )
    .slice(0, 3)
    .map(
      ({ workload, requests }) =>
        `${workload.name} ${workload.replicas}x ${cpuText(requests.cpu)}/${memoryText(requests.memoryBytes)}`,
    );
  return `${cpuText(total.cpu)} CPU, ${memoryText(total.memoryBytes)} memory and ${pods.length} pods in total (largest: ${largest.join(', ')})`;
}

/** What `nodes` nodes like `node` hold once the kubelet's reservations and the DaemonSets are out. */
function describeRoom(node: NodeRoom, nodes: number): string {
  const room = roomOf(node);
  return (
    `${nodes} ${node.instanceType} node${nodes === 1 ? '' : 's'} hold ${cpuText(room.cpu * nodes)} CPU, ` +
    `${memoryText(room.memoryBytes * nodes)} memory and ${room.pods * nodes} pods after kube-reserved, ` +
    `the eviction threshold and the DaemonSets, spread over ${Math.min(ZONE_COUNT, nodes)} zone(s)`
  );
}

function cpuText(cores: number): string {
  const millis = Math.round(cores * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

function memoryText(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)}Gi` : `${Math.round(bytes / MiB)}Mi`;
}
