import { spawnSync } from 'child_process';
import * as path from 'path';
import { NLB_TCP_IDLE_TIMEOUT_SECONDS } from '../lib/constructs/tenant-private-link';
import { CLIENT_KEEPALIVES, onboardingDocument } from '../lib/onboarding';
import { findSecrets } from './secret-scan';
import { configWith, exampleConfig } from './util';

const SERVICE = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

test('gives the endpoint service name and the create-vpc-endpoint command with it', () => {
  const document = onboardingDocument(exampleConfig(), 'orders', { serviceName: SERVICE });
  expect(document).toContain(`Service name: \`${SERVICE}\``);
  expect(document).toContain(`--service-name ${SERVICE}`);
  expect(document).not.toContain('describe-stacks');
});

test('without the service name, says how to read it from the tenant stack', () => {
  expect(onboardingDocument(exampleConfig(), 'orders')).toContain('--stack-name example-tenant-orders');
});

test('lists the security group rules and psql strings for both ports when there are replicas', () => {
  const document = onboardingDocument(exampleConfig(), 'orders');
  expect(document).toContain('--port 5432');
  expect(document).toContain('--port 5433');
  expect(document).toContain(
    'psql "host=<endpoint-dns-name> port=5432 dbname=orders user=orders-app sslmode=verify-ca sslrootcert=platform-ca.crt"',
  );
  expect(document).toContain(
    'psql "host=<endpoint-dns-name> port=5433 dbname=orders user=orders-app sslmode=verify-ca sslrootcert=platform-ca.crt"',
  );
});

test('a single-instance tenant gets the read-write port only', () => {
  const config = configWith((d) => {
    d.stage = 'staging'; // production refuses a single instance
    d.tenants[0].replicas = 1;
    d.tenants[0].pgBouncerReplicas = 1;
    d.tenants[0].highlyAvailable = false;
  });
  const document = onboardingDocument(config, 'orders');
  expect(document).toContain('single instance');
  expect(document).not.toContain('5433');
});

test('says how the provider exports the CA certificate the psql strings name', () => {
  const document = onboardingDocument(exampleConfig(), 'orders');
  expect(document).toContain(
    "kubectl -n cert-manager get secret platform-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d > platform-ca.crt",
  );
});

test('without a private DNS name, explains why the name cannot be verified and never offers verify-full', () => {
  const document = onboardingDocument(exampleConfig(), 'orders');
  expect(document).toContain('cannot be in the server certificates');
  expect(document).not.toMatch(/psql .*verify-full/);
  expect(document).not.toContain('sslmode=require');
});

test('contains no secret material', () => {
  for (const tenant of ['orders', 'analytics']) {
    expect(findSecrets(onboardingDocument(exampleConfig(), tenant, { serviceName: SERVICE }))).toEqual([]);
  }
});

test('an unknown tenant is an error naming the known ones', () => {
  expect(() => onboardingDocument(exampleConfig(), 'billing')).toThrow(
    'tenant "billing" is not in the configuration; tenants: orders, analytics',
  );
});

test('tells each user the schema PGO creates for it, named after the user, in each of its databases', () => {
  // PGO internal/postgres/users.go WriteUsersSchemasInPostgreSQL: one schema per database of the
  // user, none for users without databases or with a reserved name.
  const document = onboardingDocument(exampleConfig(), 'analytics');
  expect(document).toContain('- `analytics-etl`: schema `analytics-etl` in `warehouse`');
  expect(document).toContain('- `analytics-reader`: no database of its own, so no schema of its own');
  expect(document).toContain('`"$user", public`');
});

test('asks for client keepalives whose first probe comes before the load balancer drops an idle connection', () => {
  expect(CLIENT_KEEPALIVES.idleSeconds + CLIENT_KEEPALIVES.intervalSeconds).toBeLessThan(
    NLB_TCP_IDLE_TIMEOUT_SECONDS,
  );
  const document = onboardingDocument(exampleConfig(), 'orders');
  expect(document).toContain(`carried nothing for ${NLB_TCP_IDLE_TIMEOUT_SECONDS} seconds`);
  expect(document).toContain(
    `keepalives=1 keepalives_idle=${CLIENT_KEEPALIVES.idleSeconds} keepalives_interval=${CLIENT_KEEPALIVES.intervalSeconds} keepalives_count=${CLIENT_KEEPALIVES.count}`,
  );
});

describe('a tenant with a private DNS name', () => {
  // analytics has privateLink.privateDnsName: analytics.db.example.com in the example.
  const document = () => onboardingDocument(exampleConfig(), 'analytics', { serviceName: SERVICE });

  test('creates the endpoint with private DNS enabled', () => {
    expect(document()).toContain('--private-dns-enabled');
  });

  test('names the private DNS name and when it resolves', () => {
    expect(document()).toContain('Private DNS name: `analytics.db.example.com`');
    expect(document()).toContain('once the provider has verified the domain');
  });

  test('connects to the private DNS name', () => {
    expect(document()).toContain(
      'psql "host=analytics.db.example.com port=5432 dbname=warehouse user=analytics-etl sslmode=verify-full sslrootcert=platform-ca.crt"',
    );
  });

  test('says the certificates hold the name, and how to connect before the domain is verified', () => {
    expect(document()).toContain('The server certificates hold the name `analytics.db.example.com`');
    expect(document()).toContain('use one of them with `sslmode=verify-ca` instead');
  });

  test('a tenant without one gets neither', () => {
    const orders = onboardingDocument(exampleConfig(), 'orders');
    expect(orders).not.toContain('--private-dns-enabled');
    expect(orders).not.toContain('Private DNS name');
  });
});

test('the documented command prints the document and nothing else (no npm banner)', () => {
  const result = spawnSync(
    'npm',
    ['run', '--silent', 'onboarding', '--', 'config/example.yaml', 'orders', SERVICE],
    { cwd: path.join(__dirname, '..'), encoding: 'utf8' },
  );
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(onboardingDocument(exampleConfig(), 'orders', { serviceName: SERVICE }));
});
