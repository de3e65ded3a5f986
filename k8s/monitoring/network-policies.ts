/**
 * The NetworkPolicies of the monitoring namespace: deny by default, then exactly the flows of
 * k8s/monitoring/monitoring-flows.ts, written for the VPC CNI (k8s/network-policy-evaluator.ts):
 * a ClusterIP is admitted by a pod selector only when the Service's selector matches it, and
 * the `default/kubernetes` Service has none, so the API server is an ipBlock of its address.
 */
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ALERTMANAGER_MESH_PORT, ALERTMANAGER_POD_LABELS } from './alertmanager';
import { KUBE_STATE_METRICS, MONITORING_COMPONENTS, COMPONENT_LABEL, GRAFANA_POD_LABELS } from './labels';
import { EXPORTER_DISCOVERY_LABEL, PGBOUNCER_ROLE_LABEL } from './pod-monitor';
import { PROMETHEUS_POD_LABELS } from './prometheus';
import type { ReceiverConfig } from '../../lib/config/prometheus-schema';
import { KUBELET_SERVICE } from './labels';
import {
  EXPORTER_PORT,
  HTTPS_PORT,
  kubernetesServiceAddress,
  PGBOUNCER_EXPORTER_PORT,
  NON_PUBLIC_RANGES,
} from '../tenant-network-policies';
import { WEB_UIS } from '../web-uis';

/**
 * EKS Pod Identity agent, on every node at this link-local address, port 80: the AWS SDK asks
 * it for the credentials of the pod's role (EKS user guide, "Pod Identity agent").
 */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

/** Link-local addresses (the instance metadata service): never a receiver. */
const LINK_LOCAL = '169.254.0.0/16';

/** Properties of {@link MonitoringNetworkPolicies}. */
export interface MonitoringNetworkPoliciesProps {
  /** The monitoring namespace. */
  readonly namespace: string;
  /** The VPC's CIDR: the nodes' kubelets, and the addresses the ALB sends from to the web UIs. */
  readonly vpcCidr: string;
  /** The Kubernetes Service range; `default/kubernetes` has its first address. */
  readonly serviceCidr: string;
  /** Where Alertmanager sends alerts. */
  readonly receiver: ReceiverConfig;
}

const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const udp = (port: number) => ({ protocol: 'UDP', port: k8s.IntOrString.fromNumber(port) });
const pods = (labels: Record<string, string>) => ({ podSelector: { matchLabels: labels } });

/** Deny by default, then the monitoring flows. */
export class MonitoringNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringNetworkPoliciesProps) {
    super(scope, id);
    const policy = (constructId: string, name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, constructId, { metadata: { name, namespace: props.namespace }, spec });
    const api = {
      to: [{ ipBlock: { cidr: `${kubernetesServiceAddress(props.serviceCidr)}/32` } }],
      ports: [tcp(HTTPS_PORT)],
    };
    // kube-dns has a selector, so this peer admits its ClusterIP as well as its pods.
    const dns = {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [udp(53), tcp(53)],
    };
    const fromVpc = (port: number) => ({ from: [{ ipBlock: { cidr: props.vpcCidr } }], ports: [tcp(port)] });

    policy('DefaultDeny', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

    policy('Prometheus', 'allow-prometheus', {
      podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        fromVpc(WEB_UIS.prometheus.port),
        { from: [pods(GRAFANA_POD_LABELS)], ports: [tcp(WEB_UIS.prometheus.port)] },
      ],
      egress: [
        // The tenants' exporters, by pod IP (PodMonitor targets); their own policies admit
        // this namespace on the exporter port only.
        { to: [{ namespaceSelector: {}, ...pods(EXPORTER_DISCOVERY_LABEL) }], ports: [tcp(EXPORTER_PORT)] },
        // The PgBouncer exporter sidecars (k8s/pgbouncer-exporter.ts), likewise by pod IP.
        {
          to: [{ namespaceSelector: {}, ...pods(PGBOUNCER_ROLE_LABEL) }],
          ports: [tcp(PGBOUNCER_EXPORTER_PORT)],
        },
        // The kubelets, at the nodes' addresses (host network: no pod selector reaches them).
        { to: [{ ipBlock: { cidr: props.vpcCidr } }], ports: [tcp(KUBELET_SERVICE.port)] },
        { to: [pods(KUBE_STATE_METRICS.podLabels)], ports: [tcp(KUBE_STATE_METRICS.port)] },
        { to: [pods(ALERTMANAGER_POD_LABELS)], ports: [tcp(WEB_UIS.alertmanager.port)] },
        // Service discovery: pods, endpoint slices, services, nodes.
        api,
        dns,
      ],
    });

    policy('Alertmanager', 'allow-alertmanager', {
      podSelector: { matchLabels: { ...ALERTMANAGER_POD_LABELS } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [pods(PROMETHEUS_POD_LABELS)], ports: [tcp(WEB_UIS.alertmanager.port)] },
        fromVpc(WEB_UIS.alertmanager.port),
        {
          from: [pods(ALERTMANAGER_POD_LABELS)],
          ports: [tcp(ALERTMANAGER_MESH_PORT), udp(ALERTMANAGER_MESH_PORT)],
        },
      ],
      egress: [
        // The replicas gossip silences and notifications by pod IP (alertmanager-operated, headless).
        {
          to: [pods(ALERTMANAGER_POD_LABELS)],
          ports: [tcp(ALERTMANAGER_MESH_PORT), udp(ALERTMANAGER_MESH_PORT)],
        },
        dns,
        ...receiverEgress(props.receiver),
      ],
    });

    policy('KubeStateMetrics', 'allow-kube-state-metrics', {
      podSelector: { matchLabels: { ...KUBE_STATE_METRICS.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods(PROMETHEUS_POD_LABELS)], ports: [tcp(KUBE_STATE_METRICS.port)] }],
      // It lists and watches objects through the API server's address (no DNS lookup).
      egress: [api],
    });

    policy('Operator', 'allow-prometheus-operator', {
      podSelector: { matchLabels: { [COMPONENT_LABEL]: MONITORING_COMPONENTS.operator } },
      policyTypes: ['Ingress', 'Egress'],
      // Its admission webhook is off: nothing connects to it.
      egress: [api],
    });

    // Grafana runs from its own chart (grafana-chart.ts); this namespace denies by default, so its flows are here.
    policy('Grafana', 'allow-grafana', {
      podSelector: { matchLabels: { ...GRAFANA_POD_LABELS } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [fromVpc(WEB_UIS.grafana.port)],
      // The `prometheus` Service selects exactly these labels, so its ClusterIP is admitted.
      egress: [{ to: [pods(PROMETHEUS_POD_LABELS)], ports: [tcp(WEB_UIS.prometheus.port)] }, dns],
    });
  }
}

/**
 * Alertmanager's egress to its receiver: the SMTP server's or webhook's port anywhere but
 * link-local addresses (a relay may be inside the VPC), or for SNS HTTPS to public addresses
 * and the node's Pod Identity agent. None for the null receiver.
 */
export function receiverEgress(receiver: ReceiverConfig): k8s.NetworkPolicyEgressRule[] {
  const anywhereBut = (except: string[]) => [{ ipBlock: { cidr: '0.0.0.0/0', except } }];
  switch (receiver.kind) {
    case 'none':
      return [];
    case 'email':
      return [{ to: anywhereBut([LINK_LOCAL]), ports: [tcp(Number(receiver.smarthost!.split(':').pop()))] }];
    case 'webhook':
      return [{ to: anywhereBut([LINK_LOCAL]), ports: [tcp(urlPort(receiver.url!))] }];
    case 'sns':
      return [
        { to: anywhereBut(NON_PUBLIC_RANGES), ports: [tcp(HTTPS_PORT)] },
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [tcp(POD_IDENTITY_AGENT.port)] },
      ];
  }
}

/** The TCP port a URL connects to. */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
}
