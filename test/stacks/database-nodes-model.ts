/**
 * A model of the database nodes and the tenant pods on them, to replay a node pool change
 * the way the cluster lives through it: what the scheduler, the Cluster Autoscaler,
 * PodDisruptionBudgets and `kubectl drain` do, deploy after deploy.
 *
 * Behaviour modelled, and where it comes from:
 * - Placement: a pod needs the node's free CPU, memory and a pod slot (lib/config/capacity.ts,
 *   the same figures as the config rule); never two pods of one tenant's instances, or of its
 *   PgBouncers, on one node, and pods spread over the zones (the chart's topology spread
 *   constraints, k8s/tenant-database-chart.ts).
 * - An instance pod stays in the zone of its EBS volume (EBS volumes are zonal); PgBouncer pods
 *   are kept in their zone, which their zone spread allows.
 * - The Cluster Autoscaler adds a node to a pool's node group of the pod's zone while the group
 *   is below its maxSize (one node group per zone). A retiring pool's nodes carry a taint no
 *   database pod tolerates (k8s/node-pools.ts, RETIRING_TAINT_KEY): nothing is scheduled there,
 *   and the autoscaler, which reads a managed node group's taints, adds no node to it.
 * - Eviction: PGO's PodDisruptionBudget for an instance set or PgBouncer has minAvailable 1
 *   when it has more than one replica, else 0 (PGO internal/controller/postgrescluster/
 *   pod_disruption_budget.go, getMinAvailable). `kubectl drain` evicts one node's pods and waits
 *   for them to be replaced before the next node, so a group loses at most one pod at a time.
 * - Deleting a node group terminates its nodes together: every pod on them goes at once.
 */
import { ZONE_COUNT } from '../../lib/config/capacity';
import { nodeRoom, NodeRoom } from '../../lib/config/node-room';
import type { DatabasePoolConfig, EnvironmentConfig } from '../../lib/config/schema';
import {
  instancePodContainers,
  pgBouncerPodContainers,
  podRequests,
  PodRequests,
} from '../../lib/config/tenant-pods';

/** One tenant pod. */
export interface ModelPod {
  /** `<tenant>/instance` or `<tenant>/pgbouncer`: pods of a group never share a node. */
  readonly group: string;
  readonly zone: string;
  readonly requests: PodRequests;
}

/** One database node. */
export interface ModelNode {
  readonly name: string;
  readonly pool: string;
  readonly zone: string;
  readonly room: NodeRoom;
  cordoned: boolean;
  readonly pods: ModelPod[];
}

/** The database nodes of an environment and the tenant pods on them. */
export class DatabaseNodes {
  readonly nodes: ModelNode[] = [];
  /** Moments a group had none of its pods running: an outage of that tenant's database or pooler. */
  readonly outages: string[] = [];
  /** Pods no node could take. */
  readonly pending: string[] = [];
  private pools: DatabasePoolConfig[] = [];
  private readonly groupSizes = new Map<string, number>();

  /** The nodes and pods of a fresh deployment of `config`. */
  constructor(
    config: EnvironmentConfig,
    private readonly zones = config.availabilityZones,
  ) {
    this.deploy(config.nodePools.database);
    for (const tenant of config.tenants) {
      const size = { cpu: tenant.cpu, memory: tenant.memory };
      const groups: [string, number, PodRequests][] = [
        [`${tenant.name}/instance`, tenant.replicas, podRequests(instancePodContainers(size))],
        [`${tenant.name}/pgbouncer`, tenant.pgBouncerReplicas, podRequests(pgBouncerPodContainers())],
      ];
      for (const [group, count, requests] of groups) {
        this.groupSizes.set(group, count);
        for (let i = 0; i < count; i++) {
          this.schedule({ group, zone: zones[i % ZONE_COUNT], requests });
        }
      }
    }
  }

  /**
   * A deploy of `pools`: new pools get their minSize nodes; a pool that left the list has its
   * node groups deleted, and the pods on them go at once.
   */
  deploy(pools: readonly DatabasePoolConfig[]): void {
    const names = new Set(pools.map((pool) => pool.name));
    const removed = this.nodes.filter((node) => !names.has(node.pool));
    const orphans = removed.flatMap((node) => node.pods);
    for (const node of removed) {
      this.nodes.splice(this.nodes.indexOf(node), 1);
    }
    for (const group of new Set(orphans.map((pod) => pod.group))) {
      if (this.running(group) === 0) {
        this.outages.push(group);
      }
    }
    const existing = new Set(this.pools.map((pool) => pool.name));
    this.pools = [...pools];
    for (const pool of pools.filter((candidate) => !existing.has(candidate.name))) {
      for (const zone of this.zones) {
        for (let i = 0; i < pool.minSize / ZONE_COUNT; i++) {
          this.addNode(pool, zone);
        }
      }
    }
    for (const pod of orphans) {
      this.schedule(pod);
    }
  }

  /** The runbook's drain: cordon every node of `pool`, then drain them one at a time. */
  drainPool(pool: string): void {
    const nodes = this.nodesOf(pool);
    for (const node of nodes) {
      node.cordoned = true;
    }
    for (const node of nodes) {
      for (const pod of [...node.pods]) {
        this.evict(node, pod);
      }
    }
  }

  /** The nodes of a pool. */
  nodesOf(pool: string): ModelNode[] {
    return this.nodes.filter((node) => node.pool === pool);
  }

  /** The pods running on a pool's nodes. */
  podsOn(pool: string): ModelPod[] {
    return this.nodesOf(pool).flatMap((node) => node.pods);
  }

  /** An eviction through the Eviction API, which a PodDisruptionBudget may refuse. */
  private evict(node: ModelNode, pod: ModelPod): void {
    const size = this.groupSizes.get(pod.group) ?? 1;
    const minAvailable = size > 1 ? 1 : 0;
    if (this.running(pod.group) - 1 < minAvailable) {
      throw new Error(`the PodDisruptionBudget of ${pod.group} refuses the eviction: drain blocked`);
    }
    this.lose(pod, node);
    this.schedule(pod);
  }

  /** Takes `pod` off `node`, recording an outage when it was the group's last running pod. */
  private lose(pod: ModelPod, node: ModelNode): void {
    node.pods.splice(node.pods.indexOf(pod), 1);
    if (this.running(pod.group) === 0) {
      this.outages.push(pod.group);
    }
  }

  private running(group: string): number {
    return this.nodes.flatMap((node) => node.pods).filter((pod) => pod.group === group).length;
  }

  /** The scheduler, and the Cluster Autoscaler when no node fits. */
  private schedule(pod: ModelPod): void {
    const target =
      this.nodes.find((node) => node.zone === pod.zone && this.fits(node, pod)) ?? this.scaleUp(pod);
    if (target) {
      target.pods.push(pod);
    } else {
      this.pending.push(pod.group);
    }
  }

  private scaleUp(pod: ModelPod): ModelNode | undefined {
    for (const pool of this.pools.filter((candidate) => !candidate.retiring)) {
      const inZone = this.nodesOf(pool.name).filter((node) => node.zone === pod.zone).length;
      if (inZone < pool.maxSize / ZONE_COUNT) {
        const node = this.addNode(pool, pod.zone);
        if (this.fits(node, pod)) {
          return node;
        }
      }
    }
    return undefined;
  }

  private addNode(pool: DatabasePoolConfig, zone: string): ModelNode {
    const node: ModelNode = {
      name: `${pool.name}-${zone}-${this.nodes.length}`,
      pool: pool.name,
      zone,
      room: nodeRoom(pool.instanceTypes[0])!,
      cordoned: false,
      pods: [],
    };
    this.nodes.push(node);
    return node;
  }

  private fits(node: ModelNode, pod: ModelPod): boolean {
    const used = node.pods.reduce(
      (sum, other) => ({
        cpu: sum.cpu + other.requests.cpu,
        memoryBytes: sum.memoryBytes + other.requests.memoryBytes,
      }),
      { cpu: node.room.daemonSets.cpu, memoryBytes: node.room.daemonSets.memoryBytes },
    );
    const retiring = this.pools.find((pool) => pool.name === node.pool)?.retiring === true;
    return (
      !node.cordoned &&
      !retiring &&
      !node.pods.some((other) => other.group === pod.group) &&
      used.cpu + pod.requests.cpu <= node.room.cpu + 1e-9 &&
      used.memoryBytes + pod.requests.memoryBytes <= node.room.memoryBytes &&
      node.pods.length + node.room.daemonSets.pods + 1 <= node.room.pods
    );
  }
}
