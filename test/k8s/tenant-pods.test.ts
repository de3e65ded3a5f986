/**
 * Models the pods PGO v6 builds from the tenant's PostgresCluster, container by container,
 * with the resources PGO copies into each (CrunchyData/postgres-operator):
 * - internal/postgres/reconcile.go InstancePod: `database` from instances[].resources,
 *   `replication-cert-copy` from instances[].sidecars.replicaCertCopy, init `postgres-startup`
 *   copying `database`;
 * - internal/pgbackrest/reconcile.go addServerContainerAndVolume: `pgbackrest` and
 *   `pgbackrest-config` from backups.pgbackrest.sidecars;
 * - internal/controller/postgrescluster/pgmonitor.go: `exporter` from
 *   monitoring.pgmonitor.exporter.resources;
 * - internal/controller/postgrescluster/util.go addNSSWrapper: init `nss-wrapper-init`
 *   copying `database`;
 * - internal/pgbouncer/reconcile.go Pod: `pgbouncer`, and `pgbouncer-config` from its sidecar
 *   setting (5m/16Mi limits when unset but PgBouncer has resources), then the
 *   `spec.proxy.pgBouncer.containers` appended as given (the PgBouncer exporter);
 * - internal/controller/postgrescluster/pgbackrest.go generateBackupJobSpecIntent: the backup
 *   Job container from backups.pgbackrest.jobs.resources.
 * Then classifies each pod by Kubernetes' QoS rule (pkg/apis/core/helper/qos GetPodQOS) and
 * checks that the capacity rule counts the same containers and numbers.
 */
import {
  ContainerModel,
  instancePodContainers,
  pgBouncerPodContainers,
  podRequests,
} from '../../lib/config/tenant-pods';
import type { TenantConfig } from '../../lib/config/tenant-schema';
import { exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
interface ModelledContainer {
  readonly name: string;
  readonly init: boolean;
  readonly resources: Resources;
}

function postgresClusterOf(tenant: TenantConfig): any {
  return synthTenantChart(tenant).find((o) => o.kind === 'PostgresCluster');
}

/** The instance pod PGO builds from `spec`. */
function pgoInstancePod(spec: any): ModelledContainer[] {
  const instances = spec.instances[0];
  const database = instances.resources ?? {};
  const pgbackrest = spec.backups.pgbackrest.sidecars ?? {};
  return [
    { name: 'database', init: false, resources: database },
    {
      name: 'replication-cert-copy',
      init: false,
      resources: instances.sidecars?.replicaCertCopy?.resources ?? {},
    },
    { name: 'pgbackrest', init: false, resources: pgbackrest.pgbackrest?.resources ?? {} },
    { name: 'pgbackrest-config', init: false, resources: pgbackrest.pgbackrestConfig?.resources ?? {} },
    ...(spec.monitoring?.pgmonitor?.exporter
      ? [{ name: 'exporter', init: false, resources: spec.monitoring.pgmonitor.exporter.resources ?? {} }]
      : []),
    { name: 'postgres-startup', init: true, resources: database },
    { name: 'nss-wrapper-init', init: true, resources: database },
  ];
}

/** The PgBouncer pod PGO builds from `spec`. */
function pgoPgBouncerPod(spec: any): ModelledContainer[] {
  const pgBouncer = spec.proxy.pgBouncer;
  const resources: Resources = pgBouncer.resources ?? {};
  const defaultReloader: Resources =
    Object.keys(resources.requests ?? {}).length + Object.keys(resources.limits ?? {}).length > 0
      ? { limits: { cpu: '5m', memory: '16Mi' } }
      : {};
  return [
    { name: 'pgbouncer', init: false, resources },
    {
      name: 'pgbouncer-config',
      init: false,
      resources: pgBouncer.sidecars?.pgbouncerConfig?.resources ?? defaultReloader,
    },
    ...(pgBouncer.containers ?? []).map((container: any) => ({
      name: container.name,
      init: false,
      resources: container.resources ?? {},
    })),
  ];
}

/** Kubernetes QoS class: requests default to limits when unset. */
function qosClass(containers: ModelledContainer[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = containers.map(({ resources }) => ({
    limits: resources.limits ?? {},
    requests: { ...(resources.limits ?? {}), ...(resources.requests ?? {}) },
  }));
  if (all.every((c) => Object.keys(c.requests).length === 0 && Object.keys(c.limits).length === 0)) {
    return 'BestEffort';
  }
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every((r) => c.limits[r] !== undefined && c.requests[r] === c.limits[r]),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** A modelled pod in the capacity rule's terms (requests, which equal limits here). */
function asCapacityModel(containers: ModelledContainer[]): ContainerModel[] {
  return containers.map(({ name, init, resources }) => ({
    name,
    init,
    size: { cpu: resources.requests!.cpu, memory: resources.requests!.memory },
  }));
}

const tenants = exampleConfig().tenants;

describe.each(tenants.map((tenant) => [tenant.name, tenant] as const))('tenant %s', (_, tenant) => {
  const cluster = postgresClusterOf(tenant);

  test('its instance pods are Guaranteed QoS, PGO-added containers included', () => {
    expect(qosClass(pgoInstancePod(cluster.spec))).toBe('Guaranteed');
  });

  test('the capacity rule counts exactly the containers and sizes PGO builds into an instance pod', () => {
    const modelled = asCapacityModel(pgoInstancePod(cluster.spec));
    const counted = instancePodContainers({ cpu: tenant.cpu, memory: tenant.memory });
    expect(modelled).toEqual(counted);
    expect(podRequests(modelled)).toEqual(podRequests(counted));
  });

  test('its PgBouncer pods are Guaranteed and counted with the same numbers', () => {
    const pod = pgoPgBouncerPod(cluster.spec);
    expect(qosClass(pod)).toBe('Guaranteed');
    expect(asCapacityModel(pod)).toEqual(pgBouncerPodContainers());
  });

  test('its backup Jobs get requests equal to limits', () => {
    expect(
      qosClass([
        { name: 'pgbackrest', init: false, resources: cluster.spec.backups.pgbackrest.jobs?.resources ?? {} },
      ]),
    ).toBe('Guaranteed');
  });
});

test('the model notices a PGO-added container without resources: the pod would be Burstable', () => {
  const spec = postgresClusterOf(tenants[0]).spec;
  delete spec.instances[0].sidecars;
  expect(qosClass(pgoInstancePod(spec))).toBe('Burstable');
});
