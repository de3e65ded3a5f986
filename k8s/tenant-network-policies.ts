import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { addressInCidr, toIpv4Cidr } from '../lib/config/cidr';

/** PostgreSQL, through PgBouncer or directly on an instance. */
export const POSTGRES_PORT = 5432;
/** Patroni's REST API, used by the operator and between instances. */
export const PATRONI_PORT = 8008;
/** pgBackRest's TLS server on each instance and on the repository host. */
export const PGBACKREST_PORT = 8432;
/** postgres_exporter metrics. */
export const EXPORTER_PORT = 9187;
/** pgbouncer_exporter metrics, beside PgBouncer (k8s/pgbouncer-exporter.ts). */
export const PGBOUNCER_EXPORTER_PORT = 9127;
/** HTTPS: the Kubernetes API, S3 and STS. */
export const HTTPS_PORT = 443;

/** PGO's label for a pod's role; PgBouncer pods carry `pgbouncer`. */
const ROLE_LABEL = 'postgres-operator.crunchydata.com/role';
/** PGO's label on backup Job pods, which reach the API only (they exec pgBackRest elsewhere). */
const BACKUP_JOB_LABEL = 'postgres-operator.crunchydata.com/pgbackrest-backup';

/**
 * Destinations that are never "AWS over HTTPS": private ranges (the VPC, pods, other
 * networks), carrier-grade NAT space and link-local addresses (the instance metadata service).
 */
export const NON_PUBLIC_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
];

/** Properties of {@link TenantNetworkPolicies}. */
export interface TenantNetworkPoliciesProps {
  /** The tenant namespace. */
  readonly namespace: string;
  /** Labels of every pod of the tenant's cluster. */
  readonly clusterLabels: Record<string, string>;
  /** Labels of the PostgreSQL instance pods. */
  readonly instanceLabels: Record<string, string>;
  /** Labels of the PgBouncer pods. */
  readonly pgBouncerLabels: Record<string, string>;
  /** CIDRs of the load balancer subnets: the only sources of client connections. */
  readonly loadBalancerCidrs: string[];
  /** The Kubernetes Service range; the `default/kubernetes` Service has its first address. */
  readonly serviceCidr: string;
  /** Namespace of the operator. */
  readonly operatorNamespace: string;
  /** Namespace of the metrics scrapers. */
  readonly monitoringNamespace: string;
  /** Labels of the tenant's pgAdmin pod, which connects to the instances. @default - no pgAdmin */
  readonly pgAdminLabels?: Record<string, string>;
}

const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const namespaceSelector = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});

/**
 * The address of the `default/kubernetes` Service: the API server allocates the first
 * address of the Service range to it (kube-apiserver `--service-cluster-ip-range`).
 */
export function kubernetesServiceAddress(serviceCidr: string): string {
  return addressInCidr(toIpv4Cidr(serviceCidr), 1);
}

/**
 * Deny by default, then allow exactly the flows in `tenant-flows.ts`, written for the way the
 * VPC CNI enforces them (see `network-policy-evaluator.ts`): egress is checked before
 * kube-proxy rewrites a ClusterIP, and a pod or namespace selector admits only the ClusterIPs
 * of Services whose selector it matches. Destinations behind a Service without a selector
 * (`<cluster>-primary`, `default/kubernetes`) therefore get ipBlock rules.
 */
export class TenantNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: TenantNetworkPoliciesProps) {
    super(scope, id);
    const metadata = (name: string) => ({ name, namespace: props.namespace });
    // Pods that run pgBackRest or Patroni: every pod of the cluster but PgBouncer.
    const notPgBouncer = {
      matchLabels: props.clusterLabels,
      matchExpressions: [{ key: ROLE_LABEL, operator: 'NotIn', values: [props.pgBouncerLabels[ROLE_LABEL]] }],
    };

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: metadata('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    // Replication (pod to pod through the <cluster>-pods headless Service), Patroni's REST API,
    // pgBackRest TLS between instances and the repository host: all by pod IP.
    new k8s.KubeNetworkPolicy(this, 'WithinCluster', {
      metadata: metadata('allow-within-cluster'),
      spec: {
        podSelector: { matchLabels: props.clusterLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: props.clusterLabels } }] }],
        egress: [{ to: [{ podSelector: { matchLabels: props.clusterLabels } }] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'FromOperator', {
      metadata: metadata('allow-from-operator'),
      spec: {
        podSelector: { matchLabels: props.clusterLabels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [namespaceSelector(props.operatorNamespace)],
            ports: [tcp(POSTGRES_PORT), tcp(PATRONI_PORT), tcp(PGBACKREST_PORT)],
          },
        ],
      },
    });
    // Client connections and health checks come from the load balancers' own addresses (client
    // IP preservation is off), which lie in the load balancer subnets and nowhere else.
    for (const [constructId, name, labels] of [
      ['ClientsToPgBouncer', 'allow-clients-to-pgbouncer', props.pgBouncerLabels],
      ['ClientsToInstances', 'allow-clients-to-instances', props.instanceLabels],
    ] as const) {
      new k8s.KubeNetworkPolicy(this, constructId, {
        metadata: metadata(name),
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: props.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
              ports: [tcp(POSTGRES_PORT)],
            },
          ],
        },
      });
    }
    new k8s.KubeNetworkPolicy(this, 'FromMonitoring', {
      metadata: metadata('allow-metrics-scraping'),
      spec: {
        podSelector: { matchLabels: props.instanceLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [namespaceSelector(props.monitoringNamespace)], ports: [tcp(EXPORTER_PORT)] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'PgBouncerFromMonitoring', {
      metadata: metadata('allow-pgbouncer-metrics-scraping'),
      spec: {
        podSelector: { matchLabels: props.pgBouncerLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [namespaceSelector(props.monitoringNamespace)], ports: [tcp(PGBOUNCER_EXPORTER_PORT)] },
        ],
      },
    });
    // pgAdmin connects through <cluster>-primary (k8s/pgadmin.ts); after kube-proxy the
    // packets carry its pod IP, which a pod selector in this namespace matches. Another
    // tenant's pgAdmin, though allowed the Service range, stops here.
    if (props.pgAdminLabels) {
      new k8s.KubeNetworkPolicy(this, 'FromPgAdmin', {
        metadata: metadata('allow-pgadmin-to-instances'),
        spec: {
          podSelector: { matchLabels: props.instanceLabels },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ podSelector: { matchLabels: props.pgAdminLabels } }], ports: [tcp(POSTGRES_PORT)] },
          ],
        },
      });
    }
    // kube-dns has a selector, so this peer admits its ClusterIP as well as its pods.
    new k8s.KubeNetworkPolicy(this, 'Dns', {
      metadata: metadata('allow-dns'),
      spec: {
        podSelector: { matchLabels: props.clusterLabels },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                ...namespaceSelector('kube-system'),
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
    // PgBouncer connects to <cluster>-primary, a headless Service without selector whose only
    // endpoint is the ClusterIP of <cluster>-ha, itself without selector (PGO
    // generateClusterPrimaryService). No selector can admit that address, so PgBouncer may
    // reach the Service range on 5432. Another tenant's ClusterIP on 5432 still leads to that
    // tenant's pods, whose ingress admits only their own cluster and load balancers.
    new k8s.KubeNetworkPolicy(this, 'PgBouncerToPrimary', {
      metadata: metadata('allow-pgbouncer-to-primary'),
      spec: {
        podSelector: { matchLabels: props.pgBouncerLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: props.serviceCidr } }], ports: [tcp(POSTGRES_PORT)] }],
      },
    });
    // Patroni keeps its leader lock in the API; backup Jobs exec pgBackRest through it. The
    // `default/kubernetes` Service has no selector, so its ClusterIP is named exactly.
    new k8s.KubeNetworkPolicy(this, 'KubernetesApi', {
      metadata: metadata('allow-kubernetes-api'),
      spec: {
        podSelector: notPgBouncer,
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: `${kubernetesServiceAddress(props.serviceCidr)}/32` } }],
            ports: [tcp(HTTPS_PORT)],
          },
        ],
      },
    });
    // pgBackRest (WAL archiving on the instances, backups on the repository host, restores)
    // reaches S3 through the gateway endpoint, at S3's public addresses, and gets its IRSA
    // credentials from STS at the global `sts.amazonaws.com`, which pgBackRest hard-codes
    // (src/storage/s3/storage.c, S3_STS_HOST) and which an STS interface endpoint does not
    // serve (it answers the regional name only; pointing the global name at it with private DNS
    // fails pgBackRest's certificate check, pgbackrest/pgbackrest#2028). Neither has a fixed
    // address range, so these pods keep HTTPS to public addresses; nothing private (other pods,
    // the VPC, the instance metadata service) and no other port. pgBackRest releases after 2.58
    // add `repo-s3-sts-host` (pgbackrest/pgbackrest#2798): with images that have it, a regional
    // STS interface endpoint and an S3 interface endpoint would let this rule go.
    new k8s.KubeNetworkPolicy(this, 'PgBackRestToAws', {
      metadata: metadata('allow-pgbackrest-to-s3-and-sts'),
      spec: {
        podSelector: {
          ...notPgBouncer,
          matchExpressions: [
            ...notPgBouncer.matchExpressions,
            { key: BACKUP_JOB_LABEL, operator: 'DoesNotExist' },
          ],
        },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: NON_PUBLIC_RANGES } }],
            ports: [tcp(HTTPS_PORT)],
          },
        ],
      },
    });
  }
}
