import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { BACKUP_PASSPHRASE_JOB_LABEL } from './backup-passphrase';

/** PostgreSQL, through PgBouncer or directly on an instance. */
export const POSTGRES_PORT = 5432;
/** Patroni's REST API, used by the operator and between instances. */
const PATRONI_PORT = 8008;
/** pgBackRest's TLS server on each instance. */
const PGBACKREST_PORT = 8432;
/** postgres_exporter metrics. */
const EXPORTER_PORT = 9187;

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
  /** Where clients connect from (the VPC, through the load balancer). */
  readonly clientCidr: string;
  /** Namespace of the operator. */
  readonly operatorNamespace: string;
  /** Namespace of the metrics scrapers. */
  readonly monitoringNamespace: string;
}

const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const namespaceSelector = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});

/**
 * Deny by default, then allow exactly: the tenant's own pods among themselves (replication,
 * backups, PgBouncer to PostgreSQL), the operator, clients from the VPC on the PostgreSQL
 * port of PgBouncer and the instances, metrics scraping from monitoring, and egress for DNS
 * and HTTPS (S3 backups, STS, the Kubernetes API that Patroni uses for leader election).
 */
export class TenantNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: TenantNetworkPoliciesProps) {
    super(scope, id);
    const metadata = (name: string) => ({ name, namespace: props.namespace });

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: metadata('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
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
    for (const [constructId, name, labels] of [
      ['ClientsToPgBouncer', 'allow-clients-to-pgbouncer', props.pgBouncerLabels],
      ['ClientsToInstances', 'allow-clients-to-instances', props.instanceLabels],
    ] as const) {
      new k8s.KubeNetworkPolicy(this, constructId, {
        metadata: metadata(name),
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ ipBlock: { cidr: props.clientCidr } }], ports: [tcp(POSTGRES_PORT)] }],
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
    new k8s.KubeNetworkPolicy(this, 'PassphraseJob', {
      metadata: metadata('allow-passphrase-job-to-api'),
      spec: {
        podSelector: { matchLabels: BACKUP_PASSPHRASE_JOB_LABEL },
        policyTypes: ['Egress'],
        // The Job talks to the Kubernetes API only (by Service IP, so no DNS is needed).
        egress: [{ ports: [tcp(443)] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: metadata('allow-dns-and-https'),
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
          { ports: [tcp(443)] },
        ],
      },
    });
  }
}
