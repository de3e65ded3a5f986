/**
 * What the tenant's objects become through a minor and a major PostgreSQL upgrade, field by
 * field, as the review command shows them (lib/review/kubernetes-diff.ts).
 */
import { DATABASE_TAINT_KEY } from '../../k8s/node-pools';
import { ALLOW_UPGRADE_ANNOTATION, upgradeName } from '../../k8s/major-upgrade';
import type { DatabaseImages } from '../../lib/config/images-schema';
import { TENANT_NAME_MAX_LENGTH, type TenantConfig } from '../../lib/config/tenant-schema';
import { diffObjects } from '../../lib/review/kubernetes-diff';
import { configWith } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

const ANALYTICS = 1;
const analyticsWith = (edit: (tenant: Record<string, any>) => void): TenantConfig =>
  configWith((d) => edit(d.tenants[ANALYTICS])).tenants[ANALYTICS];
const changes = (before: any[], after: any[]) =>
  diffObjects(before, after).map(({ object, change, fields }) => ({
    object,
    change,
    fields: fields.map((field) => field.path),
  }));

const IMAGES_16: DatabaseImages = {
  postgres: {
    '16': 'registry.example.com/crunchy-postgres:ubi9-16.9-2520',
    '17': 'registry.example.com/crunchy-postgres:ubi9-17.5-2520',
  },
  upgrade: 'registry.example.com/crunchy-upgrade:ubi9-17.5-2520',
};

describe('a minor version upgrade', () => {
  // PGO redeploys the instances whose pod template changed one at a time, replicas first and
  // the primary last, after a Patroni switchover (internal/controller/postgrescluster/instance.go,
  // rolloutInstances with byPriority, rolloutInstance with ChangePrimaryAndWait).
  test("changes only the PostgresCluster's image, so PGO rolls the instances and nothing else", () => {
    const tenant = analyticsWith(() => undefined);
    const newer = {
      ...IMAGES_16,
      postgres: { ...IMAGES_16.postgres, '16': IMAGES_16.postgres!['16']!.replace('16.9', '16.10') },
    };
    expect(
      changes(synthTenantChart(tenant, { images: IMAGES_16 }), synthTenantChart(tenant, { images: newer })),
    ).toEqual([
      { object: 'PostgresCluster tenant-analytics/analytics', change: 'modified', fields: ['spec.image'] },
    ]);
  });
});

describe('a major version upgrade', () => {
  const running = synthTenantChart(
    analyticsWith(() => undefined),
    { images: IMAGES_16 },
  );
  const started = synthTenantChart(
    analyticsWith((t) => (t.upgrade = { from: 16, to: 17 })),
    { images: IMAGES_16 },
  );
  const finished = synthTenantChart(
    analyticsWith((t) => (t.postgresVersion = 17)),
    { images: IMAGES_16 },
  );
  const pgUpgrade = started.find((o) => o.kind === 'PGUpgrade');

  test('the start adds the PGUpgrade, and annotates and shuts down the cluster, nothing else', () => {
    expect(changes(running, started)).toEqual([
      {
        object: 'PostgresCluster tenant-analytics/analytics',
        change: 'modified',
        fields: [`metadata.annotations["${ALLOW_UPGRADE_ANNOTATION}"]`, 'spec.shutdown'],
      },
      { object: 'PGUpgrade tenant-analytics/analytics-upgrade-pg17', change: 'added', fields: [] },
    ]);
  });

  test('the annotation names the PGUpgrade, as PGO requires before it runs pg_upgrade', () => {
    const cluster = started.find((o) => o.kind === 'PostgresCluster');
    expect([cluster.metadata.annotations[ALLOW_UPGRADE_ANNOTATION], cluster.spec.shutdown]).toEqual([
      pgUpgrade.metadata.name,
      true,
    ]);
  });

  test('the PGUpgrade names the cluster, both majors and the configured pg_upgrade image', () => {
    expect(pgUpgrade.spec).toMatchObject({
      postgresClusterName: 'analytics',
      fromPostgresVersion: 16,
      toPostgresVersion: 17,
      image: IMAGES_16.upgrade,
    });
  });

  test("the upgrade Job can run on the database node that holds the primary's volume", () => {
    // PGO takes the Job's tolerations and affinity from the PGUpgrade only (pgupgrade/jobs.go).
    const cluster = started.find((o) => o.kind === 'PostgresCluster');
    expect([pgUpgrade.spec.tolerations, pgUpgrade.spec.affinity]).toEqual([
      cluster.spec.instances[0].tolerations,
      cluster.spec.instances[0].affinity,
    ]);
    expect(pgUpgrade.spec.tolerations).toEqual([expect.objectContaining({ key: DATABASE_TAINT_KEY })]);
  });

  test('the finish moves the cluster to the new major and its image, and removes the start', () => {
    expect(changes(started, finished)).toEqual([
      { object: 'PGUpgrade tenant-analytics/analytics-upgrade-pg17', change: 'removed', fields: [] },
      {
        object: 'PostgresCluster tenant-analytics/analytics',
        change: 'modified',
        fields: [
          `metadata.annotations["${ALLOW_UPGRADE_ANNOTATION}"]`,
          'spec.image',
          'spec.postgresVersion',
          'spec.shutdown',
        ],
      },
    ]);
    const cluster = finished.find((o) => o.kind === 'PostgresCluster');
    expect([cluster.spec.postgresVersion, cluster.spec.image]).toEqual([17, IMAGES_16.postgres!['17']]);
  });

  test("PGO's Job names stay valid label values for the longest tenant name", () => {
    // Jobs <upgrade>-pgdata and <upgrade>-<instance>; an instance is <cluster>-<set>-<4 characters>
    // (PGO internal/naming, GenerateInstance), the set here is "pg".
    const cluster = 'a'.repeat(TENANT_NAME_MAX_LENGTH);
    const instance = `${cluster}-pg-abcd`;
    expect(`${upgradeName(cluster, 17)}-${instance}`.length).toBeLessThanOrEqual(63);
  });
});

describe('pausing a cluster', () => {
  test('sets spec.paused, and nothing else', () => {
    const tenant = analyticsWith(() => undefined);
    const paused = analyticsWith((t) => (t.paused = true));
    expect(changes(synthTenantChart(tenant), synthTenantChart(paused))).toEqual([
      { object: 'PostgresCluster tenant-analytics/analytics', change: 'modified', fields: ['spec.paused'] },
    ]);
  });
});
