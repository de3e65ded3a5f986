/**
 * Every network flow of the monitoring namespace, and the ones it must not get: the table its
 * NetworkPolicies (network-policies.ts) are tested against under the VPC CNI's rules
 * (test/k8s/monitoring-flows.test.ts) and that the README's "Network" section shows. A flow
 * with a `receiver` exists only when Alertmanager's receiver is of that kind.
 */
import { ALERTMANAGER_MESH_PORT } from './alertmanager';
import { KUBELET_SERVICE, KUBE_STATE_METRICS } from './labels';
import { POD_IDENTITY_AGENT } from './network-policies';
import type { ReceiverKind } from '../../lib/config/prometheus-schema';
import type { TenantFlow } from '../tenant-flows';
import {
  EXPORTER_PORT,
  HTTPS_PORT,
  PGBOUNCER_EXPORTER_PORT,
  POSTGRES_PORT,
} from '../tenant-network-policies';
import { WEB_UIS } from '../web-uis';

/** Who opens or receives a connection, seen from the monitoring namespace. */
export type MonitoringFlowRole =
  | 'prometheus'
  | 'alertmanager'
  | 'alertmanager-peer'
  | 'kube-state-metrics'
  | 'prometheus-operator'
  | 'grafana'
  | 'web-ui-load-balancer'
  | 'tenant-exporter'
  | 'tenant-primary'
  | 'tenant-pgbouncer'
  | 'kubelet'
  | 'kube-dns'
  | 'kubernetes-api'
  | 'smtp-server'
  | 'webhook-receiver'
  | 'sns'
  | 'pod-identity-agent'
  | 'internet'
  | 'instance-metadata';

/** One connection of the monitoring namespace. */
export interface MonitoringFlow extends TenantFlow<MonitoringFlowRole> {
  /** The receiver kind the flow exists for; absent: whatever the receiver. */
  readonly receiver?: ReceiverKind;
}

const OPERATOR = 'prometheus-operator/prometheus-operator';
const ALB = 'ALB target type ip: targets see the ALB\'s own addresses in the VPC (ELB docs, "Target type")';

/** Flows the monitoring namespace needs; each must be allowed. */
export const MONITORING_FLOWS: readonly MonitoringFlow[] = [
  {
    from: 'prometheus',
    to: 'tenant-exporter',
    port: EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: "scraping every tenant's exporter",
    source: 'PodMonitor postgres-exporter (k8s/monitoring/pod-monitor.ts)',
  },
  {
    from: 'prometheus',
    to: 'tenant-pgbouncer',
    port: PGBOUNCER_EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: "scraping every tenant's PgBouncer exporter",
    source: 'PodMonitor pgbouncer-exporter (k8s/monitoring/pod-monitor.ts)',
  },
  {
    from: 'prometheus',
    to: 'kubelet',
    port: KUBELET_SERVICE.port,
    protocol: 'TCP',
    addressing: 'external',
    via: 'node address',
    purpose: 'volume usage (kubelet_volume_stats_*)',
    source: `ServiceMonitor kubelet on kube-system/kubelet, whose endpoints are node addresses (${OPERATOR} pkg/kubelet/controller.go)`,
  },
  {
    from: 'prometheus',
    to: 'kube-state-metrics',
    port: KUBE_STATE_METRICS.port,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'pod restarts and OOM kills (kube_pod_container_status_*)',
    source: 'ServiceMonitor kube-state-metrics (endpoint slices: pod IPs)',
  },
  {
    from: 'prometheus',
    to: 'alertmanager',
    port: WEB_UIS.alertmanager.port,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'sending alerts to every replica',
    source: 'Prometheus alerting.alertmanagers: the endpoints of the alertmanager Service',
  },
  ...(['prometheus', 'kube-state-metrics', 'prometheus-operator'] as const).map((from): MonitoringFlow => ({
    from,
    to: 'kubernetes-api',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'ClusterIP, no selector',
    via: 'default/kubernetes',
    purpose:
      from === 'prometheus'
        ? 'service discovery (pods, endpoint slices, nodes)'
        : from === 'kube-state-metrics'
          ? 'listing and watching the objects it reports'
          : 'reconciling Prometheus, Alertmanager and the kubelet Service',
    source: 'in-cluster client configuration (KUBERNETES_SERVICE_HOST)',
  })),
  ...(['prometheus', 'alertmanager', 'grafana'] as const).flatMap((from) =>
    (['UDP', 'TCP'] as const).map((protocol): MonitoringFlow => ({
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
  ...(['TCP', 'UDP'] as const).map((protocol): MonitoringFlow => ({
    from: 'alertmanager',
    to: 'alertmanager-peer',
    port: ALERTMANAGER_MESH_PORT,
    protocol,
    addressing: 'pod IP',
    via: '<pod>.alertmanager-operated',
    purpose: 'replicas sharing silences and sent notifications',
    source: `${OPERATOR} pkg/alertmanager/statefulset.go (--cluster.peer on the alertmanager-operated headless Service)`,
  })),
  ...(
    [
      ['prometheus', WEB_UIS.prometheus.port],
      ['alertmanager', WEB_UIS.alertmanager.port],
      ['grafana', WEB_UIS.grafana.port],
    ] as const
  ).map(([to, port]): MonitoringFlow => ({
    from: 'web-ui-load-balancer',
    to,
    port,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the web UI through the ALB ingress',
    source: ALB,
  })),
  {
    from: 'grafana',
    to: 'prometheus',
    port: WEB_UIS.prometheus.port,
    protocol: 'TCP',
    addressing: 'ClusterIP, selector',
    via: 'monitoring/prometheus',
    purpose: "Grafana's Prometheus data source",
    source: 'Service prometheus (k8s/monitoring/prometheus.ts)',
  },
  {
    from: 'alertmanager',
    to: 'smtp-server',
    port: 587,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'receiver kind email only: notifications to the port of smarthost',
    source: 'AlertmanagerConfig emailConfigs',
    receiver: 'email',
  },
  {
    from: 'alertmanager',
    to: 'webhook-receiver',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'receiver kind webhook only: notifications to the port of the URL',
    source: 'AlertmanagerConfig webhookConfigs',
    receiver: 'webhook',
  },
  {
    from: 'alertmanager',
    to: 'sns',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'receiver kind sns only: Publish to the configured topic',
    source: 'AlertmanagerConfig snsConfigs (sns.<region>.amazonaws.com)',
    receiver: 'sns',
  },
  {
    from: 'alertmanager',
    to: 'pod-identity-agent',
    port: POD_IDENTITY_AGENT.port,
    protocol: 'TCP',
    addressing: 'external',
    purpose: "receiver kind sns only: credentials of Alertmanager's role",
    source: 'EKS Pod Identity agent on 169.254.170.23 (EKS user guide)',
    receiver: 'sns',
  },
];

/** Flows that must be denied. */
export const MONITORING_FORBIDDEN_FLOWS: readonly MonitoringFlow[] = [
  {
    from: 'prometheus',
    to: 'tenant-primary',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the scraper reaching the database itself',
    source: 'egress',
  },
  {
    from: 'prometheus',
    to: 'tenant-pgbouncer',
    port: POSTGRES_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the scraper reaching PgBouncer itself: it only needs the exporter',
    source: 'egress',
  },
  ...(['prometheus', 'kube-state-metrics', 'prometheus-operator', 'grafana'] as const).map(
    (from): MonitoringFlow => ({
      from,
      to: 'internet',
      port: HTTPS_PORT,
      protocol: 'TCP',
      addressing: 'external',
      purpose: 'HTTPS to the internet',
      source: 'egress',
    }),
  ),
  {
    from: 'alertmanager',
    to: 'internet',
    port: HTTPS_PORT,
    protocol: 'TCP',
    addressing: 'external',
    purpose: 'anything leaving with no receiver configured',
    source: 'egress',
    receiver: 'none',
  },
  {
    from: 'alertmanager',
    to: 'instance-metadata',
    port: 80,
    protocol: 'TCP',
    addressing: 'external',
    purpose: "the node's instance metadata (its role's credentials), even with SNS",
    source: 'egress',
    receiver: 'sns',
  },
  {
    from: 'grafana',
    to: 'alertmanager',
    port: WEB_UIS.alertmanager.port,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'Grafana reaching anything but Prometheus',
    source: 'egress',
  },
  {
    from: 'tenant-primary',
    to: 'kube-state-metrics',
    port: KUBE_STATE_METRICS.port,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'a tenant pod reading the cluster-wide object metrics',
    source: 'isolation',
  },
  {
    from: 'web-ui-load-balancer',
    to: 'alertmanager-peer',
    port: ALERTMANAGER_MESH_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'joining the Alertmanager mesh from outside it',
    source: 'isolation',
  },
  {
    from: 'prometheus-operator',
    to: 'tenant-exporter',
    port: EXPORTER_PORT,
    protocol: 'TCP',
    addressing: 'pod IP',
    purpose: 'the operator needs no pod but the API server',
    source: 'egress',
  },
];
