/**
 * The pods PGO v6 builds for a tenant, container by container, with the CPU and memory each
 * gets. The tenant chart sets these sizes in the PostgresCluster and the capacity rule sums
 * them, so both read the same numbers.
 *
 * Every container gets requests equal to limits: instance pods are Guaranteed QoS, the last
 * pods the kubelet evicts under memory pressure, and the capacity rule can count exactly
 * what each pod reserves.
 *
 * Which containers PGO adds, and where their resources come from (CrunchyData/postgres-operator):
 * - `database`: `spec.instances[].resources` (internal/postgres/reconcile.go, InstancePod).
 * - `replication-cert-copy`: `spec.instances[].sidecars.replicaCertCopy.resources` (same file).
 * - `postgres-startup` (init): copies the `database` container's resources (same file).
 * - `pgbackrest` and `pgbackrest-config`: `spec.backups.pgbackrest.sidecars.pgbackrest` and
 *   `.pgbackrestConfig` (internal/pgbackrest/reconcile.go, addServerContainerAndVolume).
 * - `exporter`: `spec.monitoring.pgmonitor.exporter.resources`
 *   (internal/controller/postgrescluster/pgmonitor.go, addPGMonitorExporterToInstancePodSpec).
 * - `nss-wrapper-init` (init): copies the `database` container's resources
 *   (internal/controller/postgrescluster/util.go, addNSSWrapper).
 * - PgBouncer pods: `pgbouncer` from `spec.proxy.pgBouncer.resources`, `pgbouncer-config` from
 *   `.sidecars.pgbouncerConfig.resources` (internal/pgbouncer/reconcile.go, Pod), and the
 *   `pgbouncer-exporter` sidecar the chart adds through `.containers`, which PGO appends to the
 *   pod as given (k8s/pgbouncer-exporter.ts).
 * - Backup Jobs: one container from `spec.backups.pgbackrest.jobs.resources`
 *   (internal/controller/postgrescluster/pgbackrest.go, generateBackupJobSpecIntent). For an
 *   S3 repository the Job execs `pgbackrest backup` in the primary's `database` container
 *   (getPGBackRestExecSelector), so the backup itself runs within the tenant's own cpu/memory.
 * - No dedicated repository host: PGO creates one only for a repository on a volume.
 */
import { parseQuantity } from './quantity';

/** CPU and memory of one container, as Kubernetes quantities; requests and limits alike. */
export interface ContainerSize {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Sizes of everything the platform runs beside PostgreSQL itself. The reload sidecars run a
 * shell loop (PGO gives `pgbouncer-config` 5m/16Mi when it chooses); the exporter and the
 * pgBackRest TLS server are small Go and C daemons (the PgBouncer exporter, smaller still,
 * runs a few SHOW commands per scrape); PgBouncer is single-threaded, so more
 * than one core would be wasted.
 */
export const SIDECAR_SIZES = {
  replicaCertCopy: { cpu: '10m', memory: '32Mi' },
  pgbackrest: { cpu: '100m', memory: '128Mi' },
  pgbackrestConfig: { cpu: '10m', memory: '32Mi' },
  exporter: { cpu: '100m', memory: '128Mi' },
  pgBouncer: { cpu: '500m', memory: '256Mi' },
  pgBouncerConfig: { cpu: '10m', memory: '32Mi' },
  pgBouncerExporter: { cpu: '50m', memory: '64Mi' },
  backupJob: { cpu: '100m', memory: '128Mi' },
} as const satisfies Record<string, ContainerSize>;

/** Kubernetes `resources` with requests equal to limits: the Guaranteed QoS shape. */
export function guaranteed(size: ContainerSize): {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
} {
  return { requests: { ...size }, limits: { ...size } };
}

/** One container of a pod as PGO builds it. */
export interface ContainerModel {
  readonly name: string;
  /** Init containers run before the others; they count as the largest of them, not the sum. */
  readonly init: boolean;
  readonly size: ContainerSize;
}

/** The containers of one PostgreSQL instance pod of a tenant sized `database`. */
export function instancePodContainers(database: ContainerSize): ContainerModel[] {
  return [
    { name: 'database', init: false, size: database },
    { name: 'replication-cert-copy', init: false, size: SIDECAR_SIZES.replicaCertCopy },
    { name: 'pgbackrest', init: false, size: SIDECAR_SIZES.pgbackrest },
    { name: 'pgbackrest-config', init: false, size: SIDECAR_SIZES.pgbackrestConfig },
    { name: 'exporter', init: false, size: SIDECAR_SIZES.exporter },
    { name: 'postgres-startup', init: true, size: database },
    { name: 'nss-wrapper-init', init: true, size: database },
  ];
}

/** The containers of one PgBouncer pod. */
export function pgBouncerPodContainers(): ContainerModel[] {
  return [
    { name: 'pgbouncer', init: false, size: SIDECAR_SIZES.pgBouncer },
    { name: 'pgbouncer-config', init: false, size: SIDECAR_SIZES.pgBouncerConfig },
    { name: 'pgbouncer-exporter', init: false, size: SIDECAR_SIZES.pgBouncerExporter },
  ];
}

/** What a pod reserves on its node, in cores and bytes. */
export interface PodRequests {
  readonly cpu: number;
  readonly memoryBytes: number;
}

/**
 * The scheduler's view of a pod: the larger of the sum of its containers and its largest init
 * container, per resource (Kubernetes "Resource sharing within containers"; no pod overhead
 * without a RuntimeClass).
 */
export function podRequests(containers: ContainerModel[]): PodRequests {
  const sum = (list: ContainerModel[], pick: (size: ContainerSize) => string) =>
    list.reduce((total, container) => total + parseQuantity(pick(container.size))!, 0);
  const max = (list: ContainerModel[], pick: (size: ContainerSize) => string) =>
    Math.max(0, ...list.map((container) => parseQuantity(pick(container.size))!));
  const app = containers.filter((container) => !container.init);
  const init = containers.filter((container) => container.init);
  return {
    cpu: Math.max(
      sum(app, (size) => size.cpu),
      max(init, (size) => size.cpu),
    ),
    memoryBytes: Math.max(
      sum(app, (size) => size.memory),
      max(init, (size) => size.memory),
    ),
  };
}
