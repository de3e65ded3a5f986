/**
 * What happens to a tenant's objects after they are applied: PgBouncer pods that count as
 * ready only once the NLB sends them traffic, a schema per user, and the backup passphrase
 * synced from Secrets Manager.
 */
import {
  CIPHER_CONFIG_KEY,
  PASSPHRASE_REFRESH_INTERVAL,
  passphraseNames,
} from '../../k8s/backup-passphrase-sync';
import { tenantNamespace } from '../../k8s/tenant-database-chart';
import type { TenantConfig } from '../../lib/config/tenant-schema';
import { exampleConfig } from '../util';
import { synthTenantChart } from './tenant-chart-fixture';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-cipher-AbCdEf';
const READER_ROLE_ARN = 'arn:aws:iam::111111111111:role/orders-passphrase-reader';

function synthTenant(tenant: TenantConfig): any[] {
  return synthTenantChart(tenant, {
    backupPassphrase: { secretArn: SECRET_ARN, readerRoleArn: READER_ROLE_ARN },
  });
}

const [orders] = exampleConfig().tenants;
const objects = synthTenant(orders);
const find = (kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('PgBouncer rollouts keep the read-write port up (AWS Load Balancer Controller readiness gate)', () => {
  /**
   * The controller's pod mutating webhook, as aws-load-balancer-controller implements it:
   * the webhook only sees pods of namespaces labelled `elbv2.k8s.aws/pod-readiness-gate-inject:
   * enabled` (docs/deploy/pod_readiness_gate.md); for each TargetGroupBinding of the namespace
   * with `targetType: ip` whose Service's selector matches the new pod's labels, it adds a
   * `target-health.elbv2.k8s.aws/<binding>` readiness gate (pkg/inject/pod_readiness/
   * pod_readiness_gate.go `computeTargetHealthReadinessGateConditionTypes`). Gates are added
   * only at pod creation, and the controller sets them true once the target is healthy.
   */
  function readinessGates(
    namespace: any,
    bindings: any[],
    services: Record<string, Record<string, string>>,
    podLabels: Record<string, string>,
  ): string[] {
    if (namespace.metadata.labels?.['elbv2.k8s.aws/pod-readiness-gate-inject'] !== 'enabled') {
      return [];
    }
    return bindings
      .filter((binding) => binding.metadata.namespace === namespace.metadata.name)
      .filter((binding) => binding.spec.targetType === 'ip')
      .filter((binding) => {
        const selector = services[binding.spec.serviceRef.name];
        return (
          selector !== undefined &&
          Object.keys(selector).length > 0 &&
          Object.entries(selector).every(([key, value]) => podLabels[key] === value)
        );
      })
      .map((binding) => `target-health.elbv2.k8s.aws/${binding.metadata.name}`);
  }

  // The Services PGO creates (PGO internal/controller/postgrescluster/pgbouncer.go and
  // cluster.go generateClusterReplicaService): their selectors.
  const cluster = { 'postgres-operator.crunchydata.com/cluster': 'orders' };
  const pgoServices = {
    'orders-pgbouncer': { ...cluster, 'postgres-operator.crunchydata.com/role': 'pgbouncer' },
    'orders-replicas': { ...cluster, 'postgres-operator.crunchydata.com/role': 'replica' },
  };
  // Pod labels at creation. PgBouncer pods carry their role from their template; instance pods
  // get `role: master|replica` from Patroni only once running.
  const pgBouncerPod = { ...cluster, 'postgres-operator.crunchydata.com/role': 'pgbouncer' };
  const instancePod = {
    ...cluster,
    'postgres-operator.crunchydata.com/instance-set': 'pg',
    'postgres-operator.crunchydata.com/data': 'postgres',
  };
  const namespace = find('Namespace')[0];
  const bindings = find('TargetGroupBinding');

  test('the tenant namespace is labelled for readiness gate injection', () => {
    expect(namespace.metadata.labels).toMatchObject({ 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' });
  });

  test('a new PgBouncer pod waits for its target in the read-write target group to be healthy', () => {
    expect(readinessGates(namespace, bindings, pgoServices, pgBouncerPod)).toEqual([
      'target-health.elbv2.k8s.aws/orders-pgbouncer',
    ]);
  });

  test('instance pods get no gate, so a primary never waits on the read-only target group', () => {
    expect(readinessGates(namespace, bindings, pgoServices, instancePod)).toEqual([]);
  });

  test('without the label the same pod would count as ready before the NLB sends it traffic', () => {
    const unlabelled = { ...namespace, metadata: { ...namespace.metadata, labels: {} } };
    expect(readinessGates(unlabelled, bindings, pgoServices, pgBouncerPod)).toEqual([]);
  });
});

test("PGO creates a schema named after each user in the user's databases", () => {
  // PGO writes user schemas only when the cluster carries this annotation (internal/postgres/
  // users.go: feature gate AutoCreateUserSchema, on by default, and the annotation set to "true").
  const [cluster] = find('PostgresCluster');
  expect(cluster.metadata.annotations).toEqual({
    'postgres-operator.crunchydata.com/autoCreateUserSchema': 'true',
  });
});

describe('the backup passphrase sync', () => {
  const names = passphraseNames('orders');

  test("reads through a SecretStore of the tenant's own, with the tenant's reader service account", () => {
    const [store] = find('SecretStore');
    expect(store).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      metadata: { name: names.reader, namespace: tenantNamespace('orders') },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: 'eu-west-1',
            auth: { jwt: { serviceAccountRef: { name: names.reader } } },
          },
        },
      },
    });
    // ESO assumes the role named by this annotation with a token of that service account.
    const [account] = find('ServiceAccount', names.reader);
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': READER_ROLE_ARN });
    expect(account.automountServiceAccountToken).toBe(false);
  });

  test('writes the Secret PGO mounts, re-asserting it every hour and keeping it if the source vanishes', () => {
    const [externalSecret] = find('ExternalSecret');
    expect(externalSecret.spec).toMatchObject({
      refreshInterval: PASSPHRASE_REFRESH_INTERVAL,
      secretStoreRef: { name: names.reader, kind: 'SecretStore' },
      target: { name: names.secret, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'passphrase', remoteRef: { key: SECRET_ARN } }],
    });
    const [cluster] = find('PostgresCluster');
    expect(cluster.spec.backups.pgbackrest.configuration).toEqual([{ secret: { name: names.secret } }]);
  });

  test('renders a configuration file pgBackRest reads: a .conf key in conf.d with the [global] cipher-pass', () => {
    // PGO projects every key of the configuration Secret into /etc/pgbackrest/conf.d, and
    // pgBackRest loads the *.conf files of that include path (pgBackRest docs, config-include-path).
    const template = find('ExternalSecret')[0].spec.target.template;
    expect(Object.keys(template.data)).toEqual([CIPHER_CONFIG_KEY]);
    expect(CIPHER_CONFIG_KEY).toMatch(/\.conf$/);
    // ESO renders Go templates over the fetched values (engine v2); render it the same way.
    const rendered = template.data[CIPHER_CONFIG_KEY].replace(
      /\{\{ \.(\w+) \}\}/g,
      (_: string, key: string) => (key === 'passphrase' ? 'Abc123' : `<missing ${key}>`),
    );
    expect(rendered).toBe('[global]\nrepo1-cipher-pass=Abc123\n');
    expect(find('PostgresCluster')[0].spec.backups.pgbackrest.global['repo1-cipher-type']).toBe(
      'aes-256-cbc',
    );
  });

  test('the manifest carries no Secret, no generator Job and no passphrase value', () => {
    expect(find('Secret')).toEqual([]);
    expect(find('Job')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/repo1-cipher-pass=(?!\{\{)/);
  });
});
