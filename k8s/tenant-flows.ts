/**
 * Every network flow a tenant needs, and the ones it must not get: the table the tenant's
 * NetworkPolicies are tested against (test/k8s/network-flows.test.ts, with the VPC CNI's rule
 * in network-policy-evaluator.ts) and that the README's "Network" section shows.
 */
import { PGADMIN_PORT } from './pgadmin';
import {
  EXPORTER_PORT,
  HTTPS_PORT,
  PATRONI_PORT,
  PGBACKREST_PORT,
  PGBOUNCER_EXPORTER_PORT,
  POSTGRES_PORT,
} from './tenant-network-policies';
import { WEB_UIS, WebUiName } from './web-uis';

/** Who opens or receives a connection. Roles prefixed `other-tenant-` belong to another tenant. */
export type FlowRole =
  | 'load-balancer'
  | 'pgbouncer'
  | 'primary'
  | 'replica'
  | 'repo-host'
  | 'backup-job'
  | 'restore-job'
  | 'pgadmin'
  | 'web-ui-load-balancer'
  | 'operator'
  | 'monitoring'
  | 'node'
  | 'kube-dns'
  | 'kubernetes-api'
  | 's3'
  | 'sts'
  | 'other-tenant-pgbouncer'
  | 'other-tenant-primary'
  | 'other-tenant-pgadmin'
  | 'kube-system-pod'
  | 'vpc-pod'
  | 'internet'
  | 'instance-metadata'
  | WebUiName
  | 'external-dns'
  | 'cert-manager'
  | 'route53'
  | 'pod-identity-agent';

/**
 * How the client addresses the destination, which decides how the VPC CNI checks egress:
 * a pod IP against pod selectors; a ClusterIP against selector peers only when the Service has
 * a selector that the peer matches; anything else against ipBlocks.
 */
export type Addressing = 'pod IP' | 'ClusterIP, selector' | 'ClusterIP, no selector' | 'external';

/** One connection, between roles of a tenant's table or of another (k8s/monitoring/monitoring-flows.ts). */
export interface TenantFlow<Role extends string = FlowRole> {
  readonly from: Role;
  readonly to: Role;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly addressing: Addressing;
  /** The Service the client connects through, `<t>` standing for the tenant, when addressed by ClusterIP. */
  readonly via?: string;
  /** What it is for. */
  readonly purpose: string;
  /** Where the real system establishes it. */
  readonly source: string;
}

const PGO = 'CrunchyData/postgres-operator';

/** Flows a tenant needs; each must be allowed. */
export const NEEDED_FLOWS: readonly TenantFlow[] = [
  {
    from: 'load-balancer',
    to: 'pgbouncer',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'read-write clients and health checks, from the NLB address',
    source:
      'TargetGroupBinding targetType ip; ELB docs: IP targets see the NLB address without client IP preservation',
  },
  {
    from: 'load-balancer',
    to: 'replica',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'read-only clients and health checks',
    source: 'TargetGroupBinding to <t>-replicas',
  },
  {
    from: 'pgbouncer',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: '<t>-primary (headless) → <t>-ha',
    purpose: 'every pooled server connection',
    source: `${PGO} internal/pgbouncer/config.go clusterINI; generateClusterPrimaryService`,
  },
  {
    from: 'replica',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    via: '<pod>.<t>-pods',
    purpose: 'streaming replication, pg_rewind',
    source: `${PGO} internal/patroni/config.go (connect_address on the <t>-pods headless Service)`,
  },
  {
    from: 'replica',
    to: 'primary',
    port: PATRONI_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'Patroni REST API between members',
    source: `${PGO} internal/patroni/config.go (restapi connect_address)`,
  },
  {
    from: 'primary',
    to: 'replica',
    port: PATRONI_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'Patroni REST API between members',
    source: `${PGO} internal/patroni/config.go`,
  },
  {
    from: 'repo-host',
    to: 'primary',
    port: PGBACKREST_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'pgBackRest backups read the instance through its TLS server',
    source: `${PGO} internal/pgbackrest/config.go (pg1-host, tls-server on 8432)`,
  },
  {
    from: 'primary',
    to: 'repo-host',
    port: PGBACKREST_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'pgBackRest commands on the instance reaching the repository host',
    source: `${PGO} internal/pgbackrest/config.go (repo-host TLS server)`,
  },
  {
    from: 'operator',
    to: 'primary',
    port: PATRONI_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the operator reaching the instances (PostgreSQL, Patroni, pgBackRest ports)',
    source: 'allow-from-operator',
  },
  {
    from: 'monitoring',
    to: 'primary',
    port: EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'metrics scraping',
    source: `PodMonitor postgres-exporter (k8s/monitoring/pod-monitor.ts), port "exporter": ${PGO} internal/naming/names.go PortExporter, internal/pgmonitor/exporter.go ExporterPort`,
  },
  {
    from: 'monitoring',
    to: 'replica',
    port: EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'metrics scraping',
    source: 'PodMonitor postgres-exporter (k8s/monitoring/pod-monitor.ts): every instance runs the exporter',
  },
  {
    from: 'monitoring',
    to: 'pgbouncer',
    port: PGBOUNCER_EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'PgBouncer metrics scraping',
    source:
      'PodMonitor pgbouncer-exporter (k8s/monitoring/pod-monitor.ts), port "pgbouncer-exp" of the sidecar in k8s/pgbouncer-exporter.ts',
  },
  {
    from: 'node',
    to: 'primary',
    port: PATRONI_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'kubelet readiness probe (always allowed by the agent)',
    source: `${PGO} internal/patroni/reconcile.go instanceProbes; aws/aws-network-policy-agent#65`,
  },
  {
    from: 'web-ui-load-balancer',
    to: 'pgadmin',
    port: PGADMIN_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the pgAdmin UI and health checks, from the ALB address in the VPC',
    source: `ALB ingress target-type ip; ${PGO} internal/controller/standalone_pgadmin/service.go (port 5050)`,
  },
  {
    from: 'pgadmin',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: '<t>-primary (headless) → <t>-ha',
    purpose: 'pgAdmin connecting to the server PGO registered for the cluster',
    source: `${PGO} internal/controller/standalone_pgadmin/configmap.go generateClusterConfig (Host <cluster>-primary.<ns>.svc)`,
  },
  ...(['primary', 'replica'] as const).map((from): TenantFlow => ({
    from,
    to: 'kubernetes-api',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: 'default/kubernetes',
    purpose: 'Patroni leader election and configuration (Kubernetes DCS)',
    source: `${PGO} internal/patroni/config.go (kubernetes: use_endpoints)`,
  })),
  {
    from: 'backup-job',
    to: 'kubernetes-api',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: 'default/kubernetes',
    purpose: 'backup Jobs exec pgBackRest in the repository host',
    source: `${PGO} internal/controller/postgrescluster/pgbackrest.go generateBackupJobSpecIntent`,
  },
  ...(['pgbouncer', 'primary', 'repo-host', 'backup-job', 'pgadmin'] as const).flatMap((from) =>
    (['UDP', 'TCP'] as const).map((protocol): TenantFlow => ({
      from,
      to: 'kube-dns',
      port: 53,
      protocol,
      addressing: 'ClusterIP, selector',
      via: 'kube-system/kube-dns',
      purpose: 'name resolution',
      source: 'EKS CoreDNS add-on (Service kube-dns, selector k8s-app=kube-dns)',
    })),
  ),
  ...(['primary', 'replica', 'repo-host', 'restore-job'] as const).flatMap((from) =>
    (['s3', 'sts'] as const).map((to): TenantFlow => ({
      from,
      to,
      port: HTTPS_PORT,
      protocol: 'TCP',
      addressing: 'external',
      purpose:
        to === 's3'
          ? 'WAL archive and backups, through the S3 gateway endpoint (public S3 addresses)'
          : 'IRSA credentials: pgBackRest calls the global sts.amazonaws.com',
      source:
        to === 's3'
          ? 'pgBackRest repo1-s3-endpoint s3.<region>.amazonaws.com'
          : 'pgbackrest/pgbackrest src/storage/s3/storage.c S3_STS_HOST',
    })),
  ),
  ...(Object.entries(WEB_UIS) as [WebUiName, (typeof WEB_UIS)[WebUiName]][]).map(
    ([name, ui]): TenantFlow => ({
      from: 'web-ui-load-balancer',
      to: name,
      port: ui.port,
      protocol: 'TCP',
      addressing: 'pod IP',
      purpose: `${name} through the web UI ALB (requests and health checks), from an ALB address in the private subnets`,
      source: 'k8s/web-ui-ingress-chart.ts: target-type ip, subnets aws-cdk:subnet-name Private',
    }),
  ),
  ...(['external-dns', 'cert-manager'] as const).flatMap((from): TenantFlow[] => [
    {
      from,
      to: 'pod-identity-agent',
      port: 80,
      protocol: 'TCP',
      addressing: 'external',
      purpose: "AWS credentials from the node's EKS Pod Identity agent (169.254.170.23), not STS",
      source: 'EKS User Guide, "EKS Pod Identity": AWS_CONTAINER_CREDENTIALS_FULL_URI',
    },
    {
      from,
      to: 'route53',
      port: HTTPS_PORT,
      protocol: 'TCP',
      addressing: 'external',
      purpose:
        from === 'external-dns'
          ? 'the web UI hostnames in the configured zone'
          : 'DNS-01 TXT records (only with webUis.acme)',
      source: 'route53.amazonaws.com (global endpoint), through NAT',
    },
  ]),
  ...(['UDP', 'TCP'] as const).map((protocol): TenantFlow => ({
    from: 'cert-manager',
    to: 'internet',
    port: 53,
    protocol,
    addressing: 'external',
    purpose: "DNS-01 self-check against the zone's authoritative name servers (only with webUis.acme)",
    source: 'cert-manager docs, "DNS01": --dns01-recursive-nameservers-only is off by default',
  })),
  {
    from: 'cert-manager',
    to: 'internet',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'the ACME server (only with webUis.acme)',
    source: 'webUis.acme.server',
  },
];

/** Flows that must be denied. */
export const FORBIDDEN_FLOWS: readonly TenantFlow[] = [
  {
    from: 'other-tenant-pgbouncer',
    to: 'pgbouncer',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: "another tenant's pod reaching this tenant's pooler",
    source: 'isolation',
  },
  {
    from: 'other-tenant-pgbouncer',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: '<t>-primary (headless) → <t>-ha',
    purpose: "another tenant's PgBouncer (allowed the Service range) reaching this primary",
    source: 'isolation',
  },
  {
    from: 'pgbouncer',
    to: 'other-tenant-primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: "this tenant's pods reaching another tenant's instance",
    source: 'isolation',
  },
  ...(['primary', 'pgbouncer'] as const).map((to): TenantFlow => ({
    from: 'monitoring',
    to,
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the scraper reaching the database itself: it only needs the exporter',
    source: 'isolation',
  })),
  {
    from: 'kube-system-pod',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'kube-system opening connections (DNS answers are replies, not new connections)',
    source: 'isolation',
  },
  {
    from: 'vpc-pod',
    to: 'pgbouncer',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'a pod elsewhere in the VPC bypassing the load balancer',
    source: 'isolation',
  },
  {
    from: 'vpc-pod',
    to: 'replica',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'a pod elsewhere in the VPC bypassing the load balancer',
    source: 'isolation',
  },
  ...(['pgbouncer', 'backup-job'] as const).map((from): TenantFlow => ({
    from,
    to: 'internet',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'HTTPS to the internet from pods that run no pgBackRest against S3',
    source: 'egress',
  })),
  {
    from: 'primary',
    to: 'vpc-pod',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'HTTPS to anything inside the VPC but the Kubernetes API',
    source: 'egress',
  },
  {
    from: 'primary',
    to: 'internet',
    port: 80,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'any port but 443 to the internet',
    source: 'egress',
  },
  {
    from: 'primary',
    to: 'instance-metadata',
    port: 80,
    protocol: 'TCP',
    addressing: 'external',
    purpose: "the node's instance metadata (its role's credentials)",
    source: 'egress',
  },
  {
    from: 'pgbouncer',
    to: 'kubernetes-api',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: 'default/kubernetes',
    purpose: 'PgBouncer never needs the API',
    source: 'egress',
  },
  {
    from: 'other-tenant-pgadmin',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: '<t>-primary (headless) → <t>-ha',
    purpose: "another tenant's pgAdmin (allowed the Service range) reaching this primary",
    source: 'isolation',
  },
  {
    from: 'pgadmin',
    to: 'other-tenant-primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: "this tenant's pgAdmin reaching another tenant's instance directly",
    source: 'isolation',
  },
  {
    from: 'vpc-pod',
    to: 'primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'a pod elsewhere in the VPC posing as pgAdmin',
    source: 'isolation',
  },
  {
    from: 'internet',
    to: 'pgadmin',
    port: PGADMIN_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the pgAdmin UI from outside the VPC, around the ALB',
    source: 'isolation',
  },
  ...(['kubernetes-api', 'internet'] as const).map((to): TenantFlow => ({
    from: 'pgadmin',
    to,
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: to === 'internet' ? 'external' : 'ClusterIP, no selector',
    via: to === 'internet' ? undefined : 'default/kubernetes',
    purpose: 'pgAdmin needs PostgreSQL and DNS only (PGO mounts no API token into it)',
    source: 'egress',
  })),
  {
    from: 'web-ui-load-balancer',
    to: 'pgbouncer',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the web UI ALB reaching a database: it lives outside the load balancer subnets tenants admit',
    source: 'isolation',
  },
];

/** The flow tables as Markdown, as the README's "Network" section shows them. */
export function flowTableMarkdown(flows: readonly TenantFlow<string>[]): string {
  const rows = flows.map(
    (f) =>
      `| ${f.from} | ${f.to} | ${f.protocol} ${f.port} | ${f.addressing}${f.via ? ` (${f.via})` : ''} | ${f.purpose} |`,
  );
  return ['| from | to | port | addressed by | for |', '|---|---|---|---|---|', ...rows].join('\n');
}
