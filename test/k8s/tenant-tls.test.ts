import { PLATFORM_CA } from '../../k8s/platform-ca-chart';
import { exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

const [orders, analytics] = exampleConfig().tenants;
const certificates = (objects: any[]) => objects.filter((o) => o.kind === 'Certificate');
const certificate = (objects: any[], name: string) =>
  certificates(objects).find((o) => o.metadata.name === name);
const ordersObjects = synthTenantChart(orders);
const analyticsObjects = synthTenantChart(analytics);
const clusterOf = (objects: any[]) => objects.find((o) => o.kind === 'PostgresCluster');

/** PGO's own server certificate names: each Service's DNS names, fully qualified first (PGO internal/naming ServiceDNSNames). */
const serviceNames = (service: string, namespace: string) => [
  `${service}.${namespace}.svc.cluster.local`,
  `${service}.${namespace}.svc`,
  `${service}.${namespace}`,
  service,
];

test('every tenant certificate is signed by the platform CA ClusterIssuer, in the tenant namespace', () => {
  expect(certificates(ordersObjects)).toHaveLength(3);
  for (const cert of certificates(ordersObjects)) {
    expect(cert.metadata.namespace).toBe('tenant-orders');
    expect(cert.spec.issuerRef).toEqual({
      name: PLATFORM_CA.issuer,
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
    expect(cert.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256 });
  }
});

test("PostgreSQL's certificate covers the primary and replica Services, as PGO's own does", () => {
  const cert = certificate(ordersObjects, 'orders-postgres-tls');
  expect(cert.spec.commonName).toBe('orders-primary');
  expect(cert.spec.dnsNames).toEqual([
    ...serviceNames('orders-primary', 'tenant-orders'),
    ...serviceNames('orders-replicas', 'tenant-orders'),
  ]);
  expect(cert.spec.usages).toContain('server auth');
});

test("PgBouncer's certificate covers the PgBouncer Service", () => {
  const cert = certificate(ordersObjects, 'orders-pgbouncer-tls');
  expect(cert.spec.dnsNames).toEqual(serviceNames('orders-pgbouncer', 'tenant-orders'));
});

test('with a private DNS name, both server certificates hold it, so customers can use verify-full on either port', () => {
  // Read-write port: PgBouncer; read-only port: the replicas themselves (tenant-private-link.ts).
  for (const name of ['analytics-postgres-tls', 'analytics-pgbouncer-tls']) {
    expect(certificate(analyticsObjects, name).spec.dnsNames).toContain('analytics.db.example.com');
  }
  expect(JSON.stringify(certificates(ordersObjects))).not.toContain('example.com');
});

test('the replication client certificate is issued to the user PGO replicates as', () => {
  // pg_hba admits `_crunchyrepl` by certificate (PGO internal/postgres/hba.go); the CN is the user.
  const cert = certificate(ordersObjects, 'orders-replication-tls');
  expect(cert.spec.commonName).toBe('_crunchyrepl');
  expect(cert.spec.dnsNames).toBeUndefined();
  expect(cert.spec.usages).toContain('client auth');
});

test('the PostgresCluster serves the certificates, with the replication certificate PGO requires beside them', () => {
  // PGO docs "Customize TLS": with customTLSSecret, customReplicationTLSSecret is required and
  // both must hold the same ca.crt (both come from the same issuer here).
  const spec = clusterOf(ordersObjects).spec;
  expect(spec.customTLSSecret).toEqual({ name: 'orders-postgres-tls' });
  expect(spec.customReplicationTLSSecret).toEqual({ name: 'orders-replication-tls' });
  expect(spec.proxy.pgBouncer.customTLSSecret).toEqual({ name: 'orders-pgbouncer-tls' });
  const issuers = new Set(certificates(ordersObjects).map((c) => c.spec.issuerRef.name));
  expect(issuers.size).toBe(1);
});

test('each secret the PostgresCluster names is one a Certificate writes', () => {
  const spec = clusterOf(ordersObjects).spec;
  const written = certificates(ordersObjects).map((c) => c.spec.secretName);
  for (const secret of [
    spec.customTLSSecret,
    spec.customReplicationTLSSecret,
    spec.proxy.pgBouncer.customTLSSecret,
  ]) {
    expect(written).toContain(secret.name);
  }
});

test('another issuer can be named', () => {
  const objects = synthTenantChart(orders, { certificateIssuer: 'corporate-ca' });
  expect(certificates(objects).map((c) => c.spec.issuerRef.name)).toEqual([
    'corporate-ca',
    'corporate-ca',
    'corporate-ca',
  ]);
});
