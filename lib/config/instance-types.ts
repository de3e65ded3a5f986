/**
 * The EC2 instance types a database node pool may use, and what a node of each type offers
 * pods: its allocatable CPU, memory and pod slots under EKS's reserved-capacity rules.
 *
 * Sources of the figures:
 * - vCPUs and memory: the EC2 instance type specifications (general purpose M: 4 GiB per
 *   vCPU, memory optimized R: 8 GiB per vCPU, for every size listed here).
 * - Pod slots (ENI limit): awslabs/amazon-eks-ami `nodeadm/internal/kubelet/eni-max-pods.txt`,
 *   `# of ENI * (# of IPv4 per ENI - 1) + 2`; identical for every family listed here.
 * - Reserved capacity: awslabs/amazon-eks-ami nodeadm (`internal/kubelet/config.go`,
 *   `withDefaultReservedResources`): kube-reserved memory 11 MiB per pod slot + 255 MiB, CPU
 *   6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% of the rest; eviction
 *   threshold `memory.available<100Mi` (`defaultKubeletSubConfig`). nodeadm sizes the memory
 *   reservation with the ENI figure even where the managed node group caps max pods lower.
 * - Managed node groups cap max pods at 110 below 30 vCPUs and at 250 above (EKS user
 *   guide, "Amazon EKS recommended maximum Pods for each Amazon EC2 instance type").
 * - Memory the kernel keeps: a node's capacity is MemTotal, less than the nominal size;
 *   7.5% is the overhead Karpenter assumes by default (`VM_MEMORY_OVERHEAD_PERCENT`), which
 *   is on the safe side of what EC2 Nitro instances report.
 */

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** What one instance type offers before reservations. */
interface InstanceTypeFigures {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Pod slots from the ENI limit (eni-max-pods.txt). */
  readonly eniMaxPods: number;
}

/** Sizes shared by the families below: vCPUs and ENI pod slots. */
const SIZES: Record<string, { vcpus: number; eniMaxPods: number }> = {
  large: { vcpus: 2, eniMaxPods: 29 },
  xlarge: { vcpus: 4, eniMaxPods: 58 },
  '2xlarge': { vcpus: 8, eniMaxPods: 58 },
  '4xlarge': { vcpus: 16, eniMaxPods: 234 },
  '8xlarge': { vcpus: 32, eniMaxPods: 234 },
  '12xlarge': { vcpus: 48, eniMaxPods: 234 },
  '16xlarge': { vcpus: 64, eniMaxPods: 737 },
};

/** Families supported for database nodes, with their GiB of memory per vCPU. */
const FAMILIES: Record<string, number> = {
  m6g: 4,
  m7g: 4,
  m8g: 4,
  m6i: 4,
  m7i: 4,
  r6g: 8,
  r7g: 8,
  r8g: 8,
  r6i: 8,
  r7i: 8,
};

/** Every supported instance type and its figures, e.g. `r7g.xlarge`. */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeFigures>> = Object.fromEntries(
  Object.entries(FAMILIES).flatMap(([family, gibPerVcpu]) =>
    Object.entries(SIZES).map(([size, { vcpus, eniMaxPods }]) => [
      `${family}.${size}`,
      { vcpus, memoryGiB: vcpus * gibPerVcpu, eniMaxPods },
    ]),
  ),
);

/** How the supported types are described in error messages. */
export const SUPPORTED_INSTANCE_TYPES_TEXT = `${Object.keys(FAMILIES).join(', ')} in sizes ${Object.keys(SIZES).join(', ')} (add a type with its sourced figures to lib/config/instance-types.ts)`;

/** Share of nominal memory the kernel and hypervisor keep from the node's capacity. */
export const VM_MEMORY_OVERHEAD = 0.075;
/** The kubelet's hard eviction threshold on AL2023 (nodeadm): `memory.available<100Mi`. */
export const EVICTION_HARD_MEMORY_BYTES = 100 * MiB;

/** What a node offers pods once the kubelet's reservations are taken out. */
export interface Allocatable {
  /** The instance type. */
  readonly instanceType: string;
  /** Allocatable CPU, in cores. */
  readonly cpu: number;
  /** Allocatable memory, in bytes. */
  readonly memoryBytes: number;
  /** Pods the kubelet admits (max pods), DaemonSet pods included. */
  readonly pods: number;
}

/** CPU nodeadm reserves for the kubelet and runtime, in cores, for `vcpus` cores. */
export function reservedCpu(vcpus: number): number {
  const bands: [number, number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let remaining = vcpus;
  let reserved = 0;
  for (const [cores, share] of bands) {
    const taken = Math.min(remaining, cores);
    reserved += taken * share;
    remaining -= taken;
  }
  return reserved;
}

/** Memory nodeadm reserves for the kubelet and runtime: 11 MiB per pod slot + 255 MiB. */
export function reservedMemoryBytes(eniMaxPods: number): number {
  return (11 * eniMaxPods + 255) * MiB;
}

/** The allocatable resources of a node of `instanceType`, or undefined for a type not in the table. */
export function allocatableOf(instanceType: string): Allocatable | undefined {
  const figures = INSTANCE_TYPES[instanceType];
  if (!figures) {
    return undefined;
  }
  const capacityBytes = figures.memoryGiB * GiB * (1 - VM_MEMORY_OVERHEAD);
  return {
    instanceType,
    cpu: figures.vcpus - reservedCpu(figures.vcpus),
    memoryBytes: capacityBytes - reservedMemoryBytes(figures.eniMaxPods) - EVICTION_HARD_MEMORY_BYTES,
    pods: Math.min(figures.eniMaxPods, figures.vcpus < 30 ? 110 : 250),
  };
}
