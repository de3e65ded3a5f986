/**
 * What a database node leaves for tenant pods: its allocatable resources (./instance-types.ts)
 * less the DaemonSets every node runs.
 */
import type { z } from 'zod';
import { allocatableOf, Allocatable } from './instance-types';
import type { PodRequests } from './tenant-pods';

const MiB = 2 ** 20;

/** A DaemonSet that runs a pod on every database node (they all tolerate every taint). */
export interface NodeDaemonSet {
  readonly name: string;
  readonly requests: PodRequests;
  /** Where its requests come from. */
  readonly source: string;
}

/** The DaemonSets of the EKS add-ons the platform installs, with the requests they declare. */
export const DATABASE_NODE_DAEMONSETS: readonly NodeDaemonSet[] = [
  {
    name: 'aws-node',
    requests: { cpu: 0.05, memoryBytes: 0 },
    source:
      'VPC CNI: aws-node 25m (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/values.yaml), network policy agent budgeted 25m',
  },
  {
    name: 'kube-proxy',
    requests: { cpu: 0.1, memoryBytes: 0 },
    source: 'EKS kube-proxy add-on DaemonSet: 100m',
  },
  {
    name: 'ebs-csi-node',
    requests: { cpu: 0.03, memoryBytes: 120 * MiB },
    source: 'aws-ebs-csi-driver chart: ebs-plugin, node-driver-registrar and liveness-probe, 10m/40Mi each',
  },
  {
    name: 'eks-pod-identity-agent',
    requests: { cpu: 0, memoryBytes: 0 },
    source: 'aws/eks-pod-identity-agent charts/eks-pod-identity-agent/values.yaml: resources {}',
  },
];

/** What one database node leaves for tenant pods once its DaemonSets run. */
export interface NodeRoom extends Allocatable {
  /** CPU, memory and pod slots the DaemonSets take. */
  readonly daemonSets: PodRequests & { readonly pods: number };
}

/** The room a node of `instanceType` leaves for tenant pods, or undefined for an unknown type. */
export function nodeRoom(instanceType: string): NodeRoom | undefined {
  const allocatable = allocatableOf(instanceType);
  if (!allocatable) {
    return undefined;
  }
  const daemonSets = DATABASE_NODE_DAEMONSETS.reduce(
    (total, daemonSet) => ({
      cpu: total.cpu + daemonSet.requests.cpu,
      memoryBytes: total.memoryBytes + daemonSet.requests.memoryBytes,
      pods: total.pods + 1,
    }),
    { cpu: 0, memoryBytes: 0, pods: 0 },
  );
  return { ...allocatable, daemonSets };
}

/** Room for tenant pods on one node: allocatable less DaemonSets. */
export function roomOf(node: NodeRoom): PodRequests & { pods: number } {
  return {
    cpu: node.cpu - node.daemonSets.cpu,
    memoryBytes: node.memoryBytes - node.daemonSets.memoryBytes,
    pods: node.pods - node.daemonSets.pods,
  };
}

/**
 * The rooms of a node pool's instance types, for a capacity rule. A malformed type is left to
 * the schema's own error; a well-formed type with no known figures gets `unknownTypeMessage` at
 * `path` + its index. Undefined unless every type has a room, so a rule never plans with a
 * partial pool.
 */
export function instanceTypeRooms(
  instanceTypes: unknown,
  path: readonly PropertyKey[],
  unknownTypeMessage: string,
  ctx: z.RefinementCtx,
): NodeRoom[] | undefined {
  const types = Array.isArray(instanceTypes) ? instanceTypes : [];
  const rooms: NodeRoom[] = [];
  types.forEach((type, index) => {
    if (typeof type !== 'string' || !/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(type)) {
      return;
    }
    const room = nodeRoom(type);
    if (room) {
      rooms.push(room);
    } else {
      ctx.addIssue({ code: 'custom', path: [...path, index], message: unknownTypeMessage });
    }
  });
  return rooms.length > 0 && rooms.length === types.length ? rooms : undefined;
}
