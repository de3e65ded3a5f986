/**
 * Evaluates the NetworkPolicies the tenant chart generates against the tenant's flow table,
 * under the VPC CNI's rules (k8s/network-policy-evaluator.ts), in a modelled cluster: two
 * tenants with the pods and Services PGO creates for them, kube-system, the operator,
 * monitoring, another workload in the VPC, a load balancer, AWS and the internet.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import {
  ClusterModel,
  Connection,
  evaluateConnection,
  NetworkPolicyObject,
  Pod,
  Service,
} from '../../k8s/network-policy-evaluator';
import { TenantDatabaseChart } from '../../k8s/tenant-database-chart';
import {
  FlowRole,
  FORBIDDEN_FLOWS,
  NEEDED_FLOWS,
  TenantFlow,
  flowTableMarkdown,
} from '../../k8s/tenant-flows';
import type { TenantConfig } from '../../lib/config/tenant-schema';
import { exampleConfig } from '../util';
import { CLUSTER_SERVICES } from './cluster-services';
import { tenantChartProps } from './tenant-chart-fixture';

/** The example's network: VPC 10.40.0.0/16 (load balancer subnets 10.40.12-23.x), Services 172.20.0.0/16. */
const VPC_CIDR = '10.40.0.0/16';
const LOAD_BALANCER_CIDRS = ['10.40.12.0/22', '10.40.16.0/22', '10.40.20.0/22'];
const SERVICE_CIDR = '172.20.0.0/16';

function tenantPolicies(tenant: TenantConfig): NetworkPolicyObject[] {
  const chart = new TenantDatabaseChart(
    Testing.app(),
    'tenant',
    tenantChartProps(tenant, {
      network: { loadBalancerCidrs: LOAD_BALANCER_CIDRS, serviceCidr: SERVICE_CIDR },
      pgAdmin: {
        users: [{ username: 'dba@example.com', role: 'Administrator' }],
        storageSize: '1Gi',
        vpcCidr: VPC_CIDR,
      },
    }),
  );
  return Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy');
}

const LABEL = 'postgres-operator.crunchydata.com/';

/**
 * The pods and Services PGO creates for a cluster (labels from PGO internal/naming/labels.go;
 * Services from internal/controller/postgrescluster/cluster.go, patroni.go, pgbouncer.go).
 * `octet` keeps each tenant's addresses apart.
 */
type TenantPodRole =
  'pgbouncer' | 'primary' | 'replica' | 'repo-host' | 'backup-job' | 'restore-job' | 'pgadmin';

function tenantObjects(
  name: string,
  octet: number,
): { pods: Record<TenantPodRole, Pod>; services: Service[] } {
  const namespace = `tenant-${name}`;
  const cluster = { [`${LABEL}cluster`]: name };
  const instance = (role: string) => ({ ...cluster, [`${LABEL}instance-set`]: 'pg', [`${LABEL}role`]: role });
  const pod = (podName: string, labels: Record<string, string>, ip: string, nodeIp: string): Pod => ({
    name: `${name}-${podName}`,
    namespace,
    labels,
    ip,
    nodeIp,
  });
  const pods = {
    pgbouncer: pod(
      'pgbouncer-0',
      { ...cluster, [`${LABEL}role`]: 'pgbouncer' },
      `10.40.64.${octet}`,
      '10.40.64.5',
    ),
    primary: pod('pg-a-0', instance('master'), `10.40.64.${octet + 1}`, '10.40.64.5'),
    replica: pod('pg-b-0', instance('replica'), `10.40.128.${octet + 1}`, '10.40.128.5'),
    'repo-host': pod(
      'repo-host-0',
      { ...cluster, [`${LABEL}pgbackrest`]: '', [`${LABEL}pgbackrest-dedicated`]: '' },
      `10.40.64.${octet + 2}`,
      '10.40.64.5',
    ),
    'backup-job': pod(
      'backup-x',
      { ...cluster, [`${LABEL}pgbackrest`]: '', [`${LABEL}pgbackrest-backup`]: 'scheduled' },
      `10.40.128.${octet + 3}`,
      '10.40.128.5',
    ),
    'restore-job': pod(
      'restore-x',
      { ...cluster, [`${LABEL}pgbackrest-restore`]: '' },
      `10.40.192.${octet + 4}`,
      '10.40.192.5',
    ),
    // PGO internal/naming/labels.go StandalonePGAdminDataLabels; no cluster label.
    pgadmin: pod(
      'pgadmin-0',
      { [`${LABEL}pgadmin`]: 'pgadmin', [`${LABEL}role`]: 'pgadmin', [`${LABEL}data`]: 'pgadmin' },
      `10.40.128.${octet + 5}`,
      '10.40.128.5',
    ),
  };
  const tcp5432 = [{ port: 5432, targetPort: 5432, protocol: 'TCP' }];
  const services: Service[] = [
    // Patroni's leader Service: no selector, Patroni writes the primary's address as its endpoint.
    {
      name: `${name}-ha`,
      namespace,
      clusterIp: `172.20.${octet}.1`,
      ports: tcp5432,
      endpoints: [pods.primary.ip],
    },
    // Headless, no selector: DNS answers with the ClusterIP of <name>-ha (generateClusterPrimaryService).
    {
      name: `${name}-primary`,
      namespace,
      clusterIp: 'None',
      ports: tcp5432,
      endpoints: [`172.20.${octet}.1`],
    },
    { name: `${name}-pods`, namespace, clusterIp: 'None', selector: cluster, ports: [] },
    {
      name: `${name}-pgbouncer`,
      namespace,
      clusterIp: `172.20.${octet}.2`,
      selector: { ...cluster, [`${LABEL}role`]: 'pgbouncer' },
      ports: tcp5432,
    },
    {
      name: `${name}-replicas`,
      namespace,
      clusterIp: `172.20.${octet}.3`,
      selector: { ...cluster, [`${LABEL}role`]: 'replica' },
      ports: tcp5432,
    },
    // spec.serviceName: PGO standalone_pgadmin/service.go.
    {
      name: 'pgadmin',
      namespace,
      clusterIp: `172.20.${octet}.4`,
      selector: { [`${LABEL}pgadmin`]: 'pgadmin' },
      ports: [{ port: 5050, targetPort: 5050, protocol: 'TCP' }],
    },
  ];
  return { pods, services };
}

const [orders, analytics] = exampleConfig().tenants;

function clusterModel(policies: NetworkPolicyObject[]): {
  model: ClusterModel;
  roles: Record<FlowRole, Pod | { ip: string }>;
  services: Record<string, string>;
} {
  const own = tenantObjects('orders', 10);
  const other = tenantObjects('analytics', 50);
  const systemPod = (name: string, namespace: string, labels: Record<string, string>, ip: string): Pod => ({
    name,
    namespace,
    labels,
    ip,
    nodeIp: '10.40.64.5',
  });
  const coreDns = systemPod('coredns-0', 'kube-system', { 'k8s-app': 'kube-dns' }, '10.40.64.100');
  const roles: Record<FlowRole, Pod | { ip: string }> = {
    ...own.pods,
    'load-balancer': { ip: '10.40.12.7' },
    operator: systemPod('pgo-0', 'postgres-operator', { 'app.kubernetes.io/name': 'pgo' }, '10.40.64.101'),
    monitoring: systemPod('prometheus-0', 'monitoring', { app: 'prometheus' }, '10.40.128.102'),
    node: { ip: own.pods.primary.nodeIp },
    'kube-dns': coreDns,
    'kubernetes-api': { ip: '10.40.65.200' },
    s3: { ip: '52.218.16.10' },
    sts: { ip: '54.239.29.25' },
    'other-tenant-pgbouncer': other.pods.pgbouncer,
    'other-tenant-primary': other.pods.primary,
    'other-tenant-pgadmin': other.pods.pgadmin,
    'kube-system-pod': systemPod(
      'metrics-server-0',
      'kube-system',
      { 'k8s-app': 'metrics-server' },
      '10.40.64.103',
    ),
    'vpc-pod': systemPod('web-0', 'default', { app: 'web' }, '10.40.192.104'),
    internet: { ip: '93.184.216.34' },
    'instance-metadata': { ip: '169.254.169.254' },
    // An internal ALB takes addresses in the private subnets (k8s/web-ui-ingress-chart.ts).
    'web-ui-load-balancer': { ip: '10.40.64.200' },
    grafana: systemPod('grafana-0', 'monitoring', { app: 'grafana' }, '10.40.128.110'),
    prometheus: systemPod('prometheus-ui-0', 'monitoring', { app: 'prometheus-ui' }, '10.40.128.111'),
    alertmanager: systemPod('alertmanager-0', 'monitoring', { app: 'alertmanager' }, '10.40.128.112'),
    'external-dns': systemPod('external-dns-0', 'external-dns', { app: 'external-dns' }, '10.40.64.114'),
    'cert-manager': systemPod('cert-manager-0', 'cert-manager', { app: 'cert-manager' }, '10.40.64.115'),
    route53: { ip: '52.46.150.10' },
    'pod-identity-agent': { ip: '169.254.170.23' },
  };
  const namespaces = [
    'tenant-orders',
    'tenant-analytics',
    'kube-system',
    'postgres-operator',
    'monitoring',
    'default',
    'external-dns',
    'cert-manager',
  ];
  const pods = Object.values(roles).filter((r): r is Pod => 'name' in r);
  pods.push(...Object.values(other.pods).filter((p) => !pods.includes(p)));
  const services: Service[] = [...own.services, ...other.services, ...CLUSTER_SERVICES];
  return {
    model: {
      namespaces: namespaces.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })),
      pods,
      services,
      policies,
    },
    roles,
    // How each `via` is addressed: the ClusterIP the client's packets carry.
    services: {
      '<t>-primary (headless) → <t>-ha': own.services[0].clusterIp,
      'default/kubernetes': '172.20.0.1',
      'kube-system/kube-dns': '172.20.0.10',
    },
  };
}

function connectionOf(world: ReturnType<typeof clusterModel>, flow: TenantFlow): Connection {
  const destination = world.roles[flow.to];
  const to = flow.via && flow.addressing.startsWith('ClusterIP') ? world.services[flow.via] : destination.ip;
  if (!to) {
    throw new Error(`no address for ${flow.via}`);
  }
  return { from: world.roles[flow.from], to, port: flow.port, protocol: flow.protocol };
}

const name = (f: TenantFlow) => `${f.from} → ${f.to} ${f.protocol} ${f.port} (${f.addressing}): ${f.purpose}`;

describe('under the VPC CNI, the generated NetworkPolicies', () => {
  const world = clusterModel([...tenantPolicies(orders), ...tenantPolicies(analytics)]);

  test.each(NEEDED_FLOWS.map((f) => [name(f), f]))('allow %s', (_, flow) => {
    expect(evaluateConnection(world.model, connectionOf(world, flow as TenantFlow))).toEqual({
      allowed: true,
      reason: 'allowed',
    });
  });

  test.each(FORBIDDEN_FLOWS.map((f) => [name(f), f]))('deny %s', (_, flow) => {
    expect(evaluateConnection(world.model, connectionOf(world, flow as TenantFlow)).allowed).toBe(false);
  });

  test('deny another tenant at its own ingress even though its PgBouncer may reach the Service range', () => {
    const other = FORBIDDEN_FLOWS.find((f) => f.from === 'other-tenant-pgbouncer' && f.to === 'primary')!;
    expect(evaluateConnection(world.model, connectionOf(world, other)).reason).toMatch(
      /^ingress of tenant-orders/,
    );
  });
});

describe("without the pgAdmin's policies", () => {
  const withoutPgAdmin = clusterModel(
    [...tenantPolicies(orders), ...tenantPolicies(analytics)].filter((p) => !/pgadmin/.test(p.metadata.name)),
  );

  test.each(NEEDED_FLOWS.filter((f) => f.from === 'pgadmin' || f.to === 'pgadmin').map((f) => [name(f), f]))(
    'the default deny stops %s',
    (_, flow) => {
      expect(
        evaluateConnection(withoutPgAdmin.model, connectionOf(withoutPgAdmin, flow as TenantFlow)).allowed,
      ).toBe(false);
    },
  );
});

describe('the evaluator, on policies a naive reading would allow', () => {
  // The policies before this change: an egress rule to the cluster's own pods, DNS and 443.
  const before: NetworkPolicyObject[] = [
    {
      metadata: { name: 'default-deny', namespace: 'tenant-orders' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      metadata: { name: 'allow-within-cluster', namespace: 'tenant-orders' },
      spec: {
        podSelector: { matchLabels: { [`${LABEL}cluster`]: 'orders' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { [`${LABEL}cluster`]: 'orders' } } }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { [`${LABEL}cluster`]: 'orders' } } }] }],
      },
    },
  ];
  const world = clusterModel(before);

  test('deny PgBouncer → <t>-primary: the Service has no selector a pod selector could match', () => {
    const flow = NEEDED_FLOWS.find((f) => f.from === 'pgbouncer' && f.to === 'primary')!;
    expect(evaluateConnection(world.model, connectionOf(world, flow))).toEqual({
      allowed: false,
      reason: 'egress of tenant-orders/orders-pgbouncer-0 to 172.20.10.1:5432',
    });
  });

  test('allow the same pods by pod IP, and the ClusterIP of a Service whose selector the peer matches', () => {
    const pgbouncer = world.roles.pgbouncer as Pod;
    expect(
      evaluateConnection(world.model, { from: pgbouncer, to: '10.40.64.11', port: 5432, protocol: 'TCP' })
        .allowed,
    ).toBe(true);
    expect(
      evaluateConnection(world.model, { from: pgbouncer, to: '172.20.10.3', port: 5432, protocol: 'TCP' })
        .allowed,
    ).toBe(true);
  });

  test("always allow the pod's own node (kubelet probes)", () => {
    expect(
      evaluateConnection(world.model, {
        from: { ip: '10.40.64.5' },
        to: '10.40.64.11',
        port: 8008,
        protocol: 'TCP',
      }).allowed,
    ).toBe(true);
    expect(
      evaluateConnection(world.model, {
        from: { ip: '10.40.128.5' },
        to: '10.40.64.11',
        port: 8008,
        protocol: 'TCP',
      }).allowed,
    ).toBe(false);
  });
});

describe("the evaluator, on the controller's selector and ipBlock rules", () => {
  const egressPolicy = (to: object[]): NetworkPolicyObject => ({
    metadata: { name: 'egress', namespace: 'tenant-orders' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: to as any, ports: [{ protocol: 'TCP', port: 5432 }] }],
    },
  });
  const toHa = (policies: NetworkPolicyObject[]) => {
    const world = clusterModel(policies);
    return evaluateConnection(world.model, {
      from: world.roles.pgbouncer,
      to: '172.20.10.1',
      port: 5432,
      protocol: 'TCP',
    }).allowed;
  };

  test('an empty pod selector matches even a Service without selector (the empty label set)', () => {
    expect(toHa([egressPolicy([{ podSelector: {} }])])).toBe(true);
    expect(toHa([egressPolicy([{ podSelector: { matchLabels: { [`${LABEL}cluster`]: 'orders' } } }])])).toBe(
      false,
    );
  });

  test('an ipBlock admits its CIDR minus its exceptions', () => {
    expect(toHa([egressPolicy([{ ipBlock: { cidr: '172.20.0.0/16' } }])])).toBe(true);
    expect(toHa([egressPolicy([{ ipBlock: { cidr: '172.20.0.0/16', except: ['172.20.10.0/24'] } }])])).toBe(
      false,
    );
  });
});

test('the README shows the flow tables from the code', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(flowTableMarkdown(NEEDED_FLOWS));
  expect(readme).toContain(flowTableMarkdown(FORBIDDEN_FLOWS));
});
