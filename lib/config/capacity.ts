/**
 * The capacity rule: every tenant's pods fit the database node pools, checked when the
 * configuration is loaded instead of discovered as a Pending pod after deployment.
 *
 * 1. Each tenant's PostgreSQL instance pod (the `database` container and every container PGO
 *    adds, see ./tenant-pods.ts) fits one node of each database instance type, beside the
 *    DaemonSets every node runs, within the node's allocatable CPU and memory (EKS's
 *    reserved-capacity rules, see ./instance-types.ts).
 * 2. All tenants together fit the pools at `maxSize`: instances and PgBouncer pods are spread
 *    over the three zones (maxSkew 1) and at most one of a tenant's instances or PgBouncer
 *    pods shares a node (the chart's topology spread constraints). Counted for the fullest
 *    zone: every tenant may put its odd pod in the same zone, and a pod whose volume lives in
 *    a zone can only ever run there.
 */
import { z } from 'zod';
import { SUPPORTED_INSTANCE_TYPES_TEXT } from './instance-types';
import { instanceTypeRooms, NodeRoom, roomOf } from './node-room';
import { parseQuantity } from './quantity';
import { instancePodContainers, pgBouncerPodContainers, podRequests, PodRequests } from './tenant-pods';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Availability zones of an environment; the database pool has one node group in each. */
export const ZONE_COUNT = 3;

/** One database pool as the rule reads it; it may be partly invalid (see schema.ts). */
interface PoolInput {
  readonly instanceTypes?: unknown;
  readonly minSize?: unknown;
  readonly maxSize?: unknown;
  readonly desiredSize?: unknown;
  readonly retiring?: unknown;
}

/** The part of the configuration the rule reads; it may be partly invalid (see schema.ts). */
export interface CapacityInput {
  readonly nodePools?: { readonly database?: unknown };
  readonly stage?: unknown;
  readonly tenants?: unknown;
}

/** One tenant's pods as the rule places them. */
interface TenantPods {
  readonly index: number;
  readonly name: string;
  /** The configured size of the database container, as written. */
  readonly cpu: string;
  readonly memory: string;
  readonly instance: PodRequests;
  readonly instances: number;
  readonly pgBouncer: PodRequests;
  readonly pgBouncers: number;
}

/** A pool the scheduler may place pods on, with its node rooms and its nodes per zone at maxSize. */
interface PoolCapacity {
  readonly index: number;
  readonly rooms: NodeRoom[];
  readonly maxSize: unknown;
}

/** Fewest database nodes a production environment keeps, one in each zone. */
const PRODUCTION_DATABASE_MINIMUM = ZONE_COUNT;

/**
 * Adds an issue for every capacity problem of `config`. Fields that are missing or malformed
 * are left to their own checks.
 *
 * Several database pools exist while one replaces another: pods may run on any of them, so
 * each instance pod must fit every type of every pool, and the tenants together must fit
 * the pools' combined capacity. A pool marked `retiring` is being drained: its nodes are
 * cordoned, so the other pools alone must hold every tenant.
 */
export function checkDatabaseCapacity(config: CapacityInput, ctx: z.RefinementCtx): void {
  const input = config.nodePools?.database;
  // An empty list is reported by the schema.
  if (!Array.isArray(input) || input.length === 0) {
    return;
  }
  const pools = input.map((pool: PoolInput | undefined) => pool ?? {});
  const serving = pools.map((pool, index) => ({ pool, index })).filter(({ pool }) => pool.retiring !== true);
  if (serving.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['nodePools', 'database'],
      message: 'expected at least one pool that is not retiring, to hold the tenants',
    });
    return;
  }
  const belowMinimum = checkProductionMinimum(serving, config.stage, ctx);
  pools.forEach((pool, index) => checkPoolSizes(pool, index, index === belowMinimum, ctx));

  const capacities: PoolCapacity[] = [];
  let typesKnown = true;
  pools.forEach((pool, index) => {
    const rooms = instanceTypeRooms(
      pool.instanceTypes,
      ['nodePools', 'database', index, 'instanceTypes'],
      `expected a database instance type whose capacity is known: ${SUPPORTED_INSTANCE_TYPES_TEXT}`,
      ctx,
    );
    typesKnown = typesKnown && rooms !== undefined;
    if (rooms && pool.retiring !== true) {
      capacities.push({ index, rooms, maxSize: pool.maxSize });
    }
  });
  if (!typesKnown || capacities.length === 0) {
    return;
  }

  const tenants = tenantPods(config.tenants);
  const allRooms = capacities.flatMap((pool) => pool.rooms);
  let everyPodFits = tenants !== undefined;
  for (const tenant of tenants ?? []) {
    everyPodFits = checkInstancePod(tenant, allRooms, ctx) && everyPodFits;
  }
  const sized = capacities.every(
    (pool) => typeof pool.maxSize === 'number' && pool.maxSize % ZONE_COUNT === 0,
  );
  if (!everyPodFits || !tenants || !sized) {
    return;
  }
  checkZoneCapacity(tenants, capacities, ctx);
}

/**
 * All tenants fit the serving pools at maxSize, counted for the fullest zone. Otherwise the
 * issue names the maxSize the last pool needs, the others held at theirs.
 */
function checkZoneCapacity(tenants: TenantPods[], pools: PoolCapacity[], ctx: z.RefinementCtx): void {
  // A node group may launch any of its types: plan each pool with the one that leaves the least room.
  const smallestOf = (rooms: NodeRoom[]) =>
    [...rooms].sort(
      (a, b) => roomOf(a).memoryBytes - roomOf(b).memoryBytes || roomOf(a).cpu - roomOf(b).cpu,
    )[0];
  const zoneNodes = (pool: PoolCapacity, perZone: number) =>
    Array<NodeRoom>(perZone).fill(smallestOf(pool.rooms));
  const others = pools.slice(0, -1).flatMap((pool) => zoneNodes(pool, (pool.maxSize as number) / ZONE_COUNT));
  const last = pools[pools.length - 1];
  const nodesPerZone = (last.maxSize as number) / ZONE_COUNT;
  const fits = (perZone: number) => fitsZone(tenants, [...others, ...zoneNodes(last, perZone)]);
  if (fits(nodesPerZone)) {
    return;
  }
  const smallest = smallestOf(last.rooms);
  const needed = [...Array(Math.floor(100 / ZONE_COUNT)).keys()]
    .map((n) => n + 1)
    .find((n) => n > nodesPerZone && fits(n));
  const withOthers = pools.length > 1 ? ', the other pools at their maxSize' : '';
  ctx.addIssue({
    code: 'custom',
    path: ['nodePools', 'database', last.index, 'maxSize'],
    message:
      (needed
        ? `expected at least ${needed * ZONE_COUNT} (${needed} ${smallest.instanceType} nodes in each of ${ZONE_COUNT} zones${withOthers})`
        : `expected a pool that holds every tenant, which no maxSize up to 99 of ${smallest.instanceType} does${withOthers}`) +
      " to hold every tenant's instances and PgBouncer pods with their zone spread; or use a larger instance type",
  });
}

/**
 * Production keeps a database node in every zone: the serving pools' minSize adds up to at
 * least 3. Returns the index of the pool the issue names, if any.
 */
function checkProductionMinimum(
  serving: { pool: PoolInput; index: number }[],
  stage: unknown,
  ctx: z.RefinementCtx,
): number | undefined {
  const sizes = serving.map(({ pool }) => pool.minSize);
  if ((stage ?? 'production') !== 'production' || !sizes.every((size) => typeof size === 'number')) {
    return undefined;
  }
  const total = (sizes as number[]).reduce((sum, size) => sum + size, 0);
  if (total >= PRODUCTION_DATABASE_MINIMUM) {
    return undefined;
  }
  const last = serving[serving.length - 1];
  const others = total - (last.pool.minSize as number);
  ctx.addIssue({
    code: 'custom',
    path: ['nodePools', 'database', last.index, 'minSize'],
    message: `expected at least ${PRODUCTION_DATABASE_MINIMUM - others} in production${others > 0 ? ` (with ${others} in the other pools)` : ''}, so every availability zone keeps a database node`,
  });
  return last.index;
}

/** A database pool is one node group per zone: its sizes split evenly over the zones. */
function checkPoolSizes(pool: PoolInput, index: number, belowMinimum: boolean, ctx: z.RefinementCtx) {
  for (const key of ['minSize', 'desiredSize', 'maxSize'] as const) {
    const value = pool[key];
    // Production's own minimum is reported by its rule; do not add a second message.
    if (key === 'minSize' && belowMinimum) {
      continue;
    }
    if (typeof value === 'number' && value % ZONE_COUNT !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodePools', 'database', index, key],
        message: `expected a multiple of ${ZONE_COUNT}: a database pool is one node group per availability zone, so the Cluster Autoscaler can add a node in the zone of a pending pod's volume`,
      });
    }
  }
}

/** Each tenant's pods, or undefined when any tenant lacks a well-formed size (reported elsewhere). */
function tenantPods(input: unknown): TenantPods[] | undefined {
  if (!Array.isArray(input)) {
    return undefined;
  }
  const pods = input.map((tenant: Record<string, unknown> | undefined, index): TenantPods | undefined => {
    const { cpu, memory, replicas, pgBouncerReplicas, name } = tenant ?? {};
    const count = (value: unknown) =>
      typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 9;
    if (
      typeof cpu !== 'string' ||
      typeof memory !== 'string' ||
      parseQuantity(cpu) === undefined ||
      parseQuantity(memory) === undefined ||
      !count(replicas) ||
      !count(pgBouncerReplicas)
    ) {
      return undefined;
    }
    return {
      index,
      name: typeof name === 'string' ? name : `tenants[${index}]`,
      cpu,
      memory,
      instance: podRequests(instancePodContainers({ cpu, memory })),
      instances: replicas as number,
      pgBouncer: podRequests(pgBouncerPodContainers()),
      pgBouncers: pgBouncerReplicas as number,
    };
  });
  return pods.every((pod) => pod !== undefined) ? (pods as TenantPods[]) : undefined;
}

/** Checks one tenant's instance pod against every type; false when it does not fit one of them. */
function checkInstancePod(tenant: TenantPods, nodes: NodeRoom[], ctx: z.RefinementCtx): boolean {
  const tightest = (pick: (room: PodRequests) => number) =>
    [...nodes].sort((a, b) => pick(roomOf(a)) - pick(roomOf(b)))[0];
  const memoryNode = tightest((room) => room.memoryBytes);
  const cpuNode = tightest((room) => room.cpu);
  const raw = tenant.instance;
  // What PGO's sidecars take besides the database container (its init containers copy it).
  const sidecars = podRequests(instancePodContainers({ cpu: '0', memory: '0' }));
  let fits = true;
  if (raw.memoryBytes > roomOf(memoryNode).memoryBytes) {
    fits = false;
    const most = roomOf(memoryNode).memoryBytes - sidecars.memoryBytes;
    ctx.addIssue({
      code: 'custom',
      path: ['tenants', tenant.index, 'memory'],
      message: `expected at most ${memoryText(most)} with cpu ${tenant.cpu} on ${memoryNode.instanceType} (${describeNode(memoryNode, sidecars)}); or use a larger instance type`,
    });
  }
  if (raw.cpu > roomOf(cpuNode).cpu) {
    fits = false;
    const most = roomOf(cpuNode).cpu - sidecars.cpu;
    ctx.addIssue({
      code: 'custom',
      path: ['tenants', tenant.index, 'cpu'],
      message: `expected at most ${cpuText(most)} with memory ${tenant.memory} on ${cpuNode.instanceType} (${describeNode(cpuNode, sidecars)}); or use a larger instance type`,
    });
  }
  return fits;
}

function describeNode(node: NodeRoom, sidecars: PodRequests): string {
  return (
    `allocatable ${cpuText(node.cpu, false)} CPU and ${memoryText(node.memoryBytes, false)} memory after kube-reserved and the eviction threshold, ` +
    `less ${cpuText(node.daemonSets.cpu, false)} CPU and ${memoryText(node.daemonSets.memoryBytes, false)} for DaemonSets ` +
    `and ${cpuText(sidecars.cpu, false)} CPU and ${memoryText(sidecars.memoryBytes, false)} for PGO's sidecars`
  );
}

/**
 * Whether the fullest zone's pods fit `nodes` (one zone's nodes, of any pools): first-fit
 * decreasing, never two pods of one tenant's instances (or of its PgBouncers) on one node. A
 * packing found is one the scheduler can reach; the Cluster Autoscaler adds nodes as pods arrive.
 */
export function fitsZone(tenants: readonly TenantPodsInput[], nodes: readonly NodeRoom[]): boolean {
  const pods = tenants
    .flatMap((tenant) => [
      ...Array<[string, PodRequests]>(Math.ceil(tenant.instances / ZONE_COUNT)).fill([
        `${tenant.name}/instance`,
        tenant.instance,
      ]),
      ...Array<[string, PodRequests]>(Math.ceil(tenant.pgBouncers / ZONE_COUNT)).fill([
        `${tenant.name}/pgbouncer`,
        tenant.pgBouncer,
      ]),
    ])
    .sort(([, a], [, b]) => b.memoryBytes - a.memoryBytes || b.cpu - a.cpu);
  const bins = nodes.map((node) => ({
    room: roomOf(node),
    cpu: 0,
    memoryBytes: 0,
    pods: 0,
    groups: new Set<string>(),
  }));
  return pods.every(([group, pod]) => {
    const bin = bins.find(
      (candidate) =>
        !candidate.groups.has(group) &&
        candidate.cpu + pod.cpu <= candidate.room.cpu + 1e-9 &&
        candidate.memoryBytes + pod.memoryBytes <= candidate.room.memoryBytes &&
        candidate.pods + 1 <= candidate.room.pods,
    );
    if (!bin) {
      return false;
    }
    bin.cpu += pod.cpu;
    bin.memoryBytes += pod.memoryBytes;
    bin.pods += 1;
    bin.groups.add(group);
    return true;
  });
}

/** A tenant's pods as {@link fitsZone} places them. */
export type TenantPodsInput = Omit<TenantPods, 'index' | 'cpu' | 'memory'>;

/** CPU as a quantity, rounded down to 10m when `floor` (a limit to suggest). */
function cpuText(cores: number, floor = true): string {
  const millis = floor ? Math.floor(cores * 100 + 1e-9) * 10 : Math.round(cores * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Memory as a quantity: whole Gi (rounded down when `floor`), or Mi below 1Gi. */
function memoryText(bytes: number, floor = true): string {
  if (bytes >= GiB) {
    const gib = bytes / GiB;
    return floor ? `${Math.floor(gib + 1e-9)}Gi` : `${Number.isInteger(gib) ? gib : gib.toFixed(1)}Gi`;
  }
  return `${Math.max(0, Math.floor(bytes / MiB))}Mi`;
}
