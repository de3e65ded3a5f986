/**
 * The tenant's pgAdmin: what PGO is asked to run, and that it will find the tenant's cluster.
 * Selector semantics and names follow PGO's standalone_pgadmin controller (related.go,
 * configmap.go, service.go).
 */
import { Testing } from 'cdk8s';
import { PGADMIN_POD_LABELS, pgAdminUserSecretName, TenantPgAdmin } from '../../k8s/pgadmin';
import { tenantNamespace, tenantServiceNames } from '../../k8s/tenant-database-chart';
import { NEEDED_FLOWS } from '../../k8s/tenant-flows';
import { tenantPgAdminUi } from '../../k8s/web-uis';
import type { PgAdminUser } from '../../lib/config/pgadmin-schema';
import { findSecrets } from '../secret-scan';
import { KINDS_WITHOUT_CRD } from '../server/dry-run-plan';
import { exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

const [orders] = exampleConfig().tenants;
const USERS: PgAdminUser[] = [
  { username: 'dba@example.com', role: 'Administrator' },
  { username: 'dev@example.com', role: 'User' },
];
const PGADMIN = { users: USERS, storageSize: '2Gi', vpcCidr: '10.40.0.0/16' };

const objects = synthTenantChart(orders, { pgAdmin: PGADMIN });
const pgAdmin = objects.find((o) => o.kind === 'PGAdmin');
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

/** Whether a `matchLabels` selector selects an object with `labels` (PGO naming.AsSelector). */
const selects = (matchLabels: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(matchLabels).every(([key, value]) => labels[key] === value);

describe("a tenant's PGAdmin", () => {
  test("lives in the tenant's namespace, where PGO looks for the clusters it shows", () => {
    expect(pgAdmin.apiVersion).toBe('postgres-operator.crunchydata.com/v1beta1');
    expect(pgAdmin.metadata).toMatchObject({ name: 'pgadmin', namespace: 'tenant-orders' });
  });

  test("selects the tenant's PostgresCluster by label", () => {
    const cluster = ofKind('PostgresCluster')[0];
    expect(pgAdmin.spec.serverGroups).toEqual([
      {
        name: 'orders',
        postgresClusterSelector: { matchLabels: { 'postgres-platform/pgadmin': 'discover' } },
      },
    ]);
    expect(
      selects(pgAdmin.spec.serverGroups[0].postgresClusterSelector.matchLabels, cluster.metadata.labels),
    ).toBe(true);
  });

  test('names the Service the ingress routes to', () => {
    const ui = tenantPgAdminUi('orders');
    expect(pgAdmin.spec.serviceName).toBe(ui.serviceName);
    expect(pgAdmin.metadata.namespace).toBe(ui.namespace);
    expect(ui.port).toBe(5050);
  });

  test('is validated by the server-side dry-run: its CRD is installed there, not skipped', () => {
    expect(KINDS_WITHOUT_CRD.filter((entry) => entry.group === 'postgres-operator.crunchydata.com')).toEqual(
      [],
    );
  });

  test('stores its settings on the encrypted gp3 class, at the configured size', () => {
    expect(pgAdmin.spec.dataVolumeClaimSpec).toEqual({
      storageClassName: 'gp3',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
    });
  });

  test('requests what it is limited to, on the system pool', () => {
    expect(pgAdmin.spec.resources.requests).toEqual(pgAdmin.spec.resources.limits);
    expect(pgAdmin.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'postgres-platform/node-pool', operator: 'In', values: ['system'] }] },
      ],
    });
    expect(pgAdmin.spec.tolerations).toBeUndefined();
  });

  test('never stores PostgreSQL passwords: pgAdmin asks for them at each connection', () => {
    expect(pgAdmin.spec.config.settings.ALLOW_SAVE_PASSWORD).toBe(false);
  });

  test("uses PGO's default image unless one is configured", () => {
    expect(pgAdmin.spec.image).toBeUndefined();
    const image = 'registry.example.com/crunchy/pgadmin4:ubi9-9.2-0';
    const overridden = synthTenantChart(orders, {
      pgAdmin: { ...PGADMIN, image },
      imagePullSecretNames: ['registry'],
    }).find((o) => o.kind === 'PGAdmin');
    expect(overridden.spec.image).toBe(image);
    expect(overridden.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
  });

  test("points each user at a Secret the namespace's generator fills once", () => {
    expect(pgAdmin.spec.users).toEqual(
      USERS.map((u) => ({
        username: u.username,
        role: u.role,
        passwordRef: { name: pgAdminUserSecretName(u.username), key: 'password' },
      })),
    );
    for (const user of pgAdmin.spec.users) {
      const secret = ofKind('ExternalSecret').find((o) => o.spec.target.name === user.passwordRef.name);
      expect(secret.metadata.namespace).toBe('tenant-orders');
      expect(secret.spec.refreshPolicy).toBe('CreatedOnce');
      expect(secret.spec.target.template.data[user.passwordRef.key]).toBe('{{ .password }}');
      const generator = ofKind('Password').find(
        (o) => o.metadata.name === secret.spec.dataFrom[0].sourceRef.generatorRef.name,
      );
      expect(generator.metadata.namespace).toBe('tenant-orders');
    }
  });

  test('puts no password in the manifest, only the names of the Secrets that will hold them', () => {
    const pgAdminObjects = objects.filter(
      (o) => o.kind === 'PGAdmin' || o.metadata.name.startsWith('pgadmin-user-'),
    );
    expect(pgAdminObjects.length).toBe(1 + 2 * USERS.length);
    expect(findSecrets(JSON.stringify(pgAdminObjects))).toEqual([]);
  });

  test("registers the cluster at the tenant's primary Service, which the flow table routes", () => {
    // PGO configmap.go generateClusterConfig: Host `<cluster>-primary.<namespace>.svc`, Port 5432.
    const pgoHost = (cluster: string, namespace: string) => `${cluster}-primary.${namespace}.svc`;
    expect(pgoHost('orders', pgAdmin.metadata.namespace)).toBe(
      `${tenantServiceNames('orders').primary}.${tenantNamespace('orders')}.svc`,
    );
    expect(NEEDED_FLOWS).toContainEqual(
      expect.objectContaining({
        from: 'pgadmin',
        to: 'primary',
        port: 5432,
        via: '<t>-primary (headless) → <t>-ha',
      }),
    );
  });

  test('is absent, with its NetworkPolicies, when the environment runs none', () => {
    const without = synthTenantChart(orders);
    expect(without.filter((o) => o.kind === 'PGAdmin' || /pgadmin/.test(o.metadata.name))).toEqual([]);
  });

  test('refuses to run without users', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new TenantPgAdmin(chart, 'PgAdmin', {
          ...PGADMIN,
          users: [],
          tenantName: 'orders',
          namespace: 'tenant-orders',
          serviceCidr: '172.20.0.0/16',
        }),
    ).toThrow(/tenant orders: a pgAdmin needs at least one user/);
  });
});

test('every tenant cluster carries the discovery label, with or without a pgAdmin', () => {
  for (const tenant of exampleConfig().tenants) {
    const cluster = synthTenantChart(tenant).find((o) => o.kind === 'PostgresCluster');
    expect(
      selects(pgAdmin.spec.serverGroups[0].postgresClusterSelector.matchLabels, cluster.metadata.labels),
    ).toBe(true);
  }
});

describe('the Secret name of a pgAdmin user', () => {
  test('follows the address, not its place in the list', () => {
    const reordered = synthTenantChart(orders, { pgAdmin: { ...PGADMIN, users: [...USERS].reverse() } });
    const refs = (pga: any) =>
      Object.fromEntries(pga.spec.users.map((u: any) => [u.username, u.passwordRef.name]));
    expect(refs(reordered.find((o) => o.kind === 'PGAdmin'))).toEqual(refs(pgAdmin));
  });

  test('keeps addresses apart that read alike once cleaned', () => {
    expect(pgAdminUserSecretName('a.b@example.com')).not.toBe(pgAdminUserSecretName('a-b@example.com'));
  });

  test('is a DNS-1123 label short enough for its generator name', () => {
    const name = pgAdminUserSecretName(`${'Very.Long-Name_'.repeat(8)}@sub.example.com`);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(`${name}-generator`.length).toBeLessThanOrEqual(63);
  });
});

describe("the pgAdmin pod's NetworkPolicy", () => {
  const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-pgadmin');

  test('selects the pod by the label its Service selects (PGO service.go)', () => {
    expect(policy.spec.podSelector).toEqual({ matchLabels: PGADMIN_POD_LABELS });
  });

  test('admits the UI port from the VPC only, where the ALB sends from', () => {
    expect(policy.spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.40.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5050 }] },
    ]);
  });

  test("admits the tenant's pgAdmin at the instances, on PostgreSQL's port only", () => {
    const toInstances = objects.find((o) => o.metadata.name === 'allow-pgadmin-to-instances');
    expect(toInstances.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: PGADMIN_POD_LABELS } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });
});
