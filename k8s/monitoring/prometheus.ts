/**
 * The environment's Prometheus (prometheus-operator `monitoring.coreos.com/v1` Prometheus),
 * its service account and the read access its Kubernetes service discovery and kubelet
 * scraping need, and the Service the web UI ingress routes to.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { COMPONENT_LABEL, MONITORING_COMPONENTS, PLATFORM_MONITORING_LABELS } from './labels';
import type { PrometheusConfig } from '../../lib/config/prometheus-schema';
import { parseQuantity } from '../../lib/config/quantity';
import { WEB_UIS } from '../web-uis';

/** Name of the Prometheus object, its pods' instance label and its service account. */
export const PROMETHEUS_NAME = 'prometheus';

/** The labels the platform adds to the Prometheus pods; the `prometheus` Service selects them. */
export const PROMETHEUS_POD_LABELS = { [COMPONENT_LABEL]: MONITORING_COMPONENTS.prometheus } as const;

/** Prometheus replicas; see {@link PlatformPrometheus} for why one. */
export const PROMETHEUS_REPLICAS = 1;

/** Share of the volume Prometheus may fill before it deletes its oldest blocks. */
const RETENTION_SIZE_SHARE = 0.85;

/** Properties of {@link PlatformPrometheus}. */
export interface PlatformPrometheusProps {
  /** Namespace of Prometheus, its Service and its account. */
  readonly namespace: string;
  /** `monitoring.prometheus` of the configuration. */
  readonly config: PrometheusConfig;
  /** StorageClass of the Prometheus volume. */
  readonly storageClassName: string;
  /** Node labels of the pool Prometheus runs on. */
  readonly nodeSelector: Record<string, string>;
  /** The Alertmanager Service Prometheus sends alerts to (its endpoints: every replica). */
  readonly alertmanager: { readonly serviceName: string; readonly portName: string };
}

/**
 * One Prometheus replica with a persistent volume: it selects every PodMonitor, ServiceMonitor
 * and PrometheusRule that carries the platform's label, in any namespace, evaluates the rules
 * and sends alerts to every Alertmanager replica. One replica because the alerts tolerate a
 * restart (every rule has a `for` that outlasts it or fires on a state that persists), and a
 * second would double the volume for the same data; Alertmanager is the part that needs to be
 * redundant, and is.
 */
export class PlatformPrometheus extends Construct {
  /** The Prometheus object. */
  readonly prometheus: ApiObject;
  /** The Service of the web UI and API (`WEB_UIS.prometheus`). */
  readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: PlatformPrometheusProps) {
    super(scope, id);
    const { namespace, config } = props;
    const account = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: PROMETHEUS_NAME, namespace },
    });
    // What Prometheus' Kubernetes service discovery lists and watches (pods for PodMonitors,
    // services and endpoint slices for ServiceMonitors and the Alertmanager endpoints), and
    // nodes/metrics, which the kubelet's webhook authorizer asks for before it serves
    // /metrics (prometheus-operator Documentation/platform/rbac.md).
    const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: `${namespace}-${PROMETHEUS_NAME}` },
      rules: [
        {
          apiGroups: [''],
          resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `${namespace}-${PROMETHEUS_NAME}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: account.name, namespace }],
    });

    const platformObjects = { matchLabels: { ...PLATFORM_MONITORING_LABELS } };
    const everyNamespace = {};
    const resources = { cpu: config.resources.cpu, memory: config.resources.memory };
    this.prometheus = new ApiObject(this, 'Prometheus', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: PROMETHEUS_NAME, namespace },
      spec: {
        replicas: PROMETHEUS_REPLICAS,
        serviceAccountName: account.name,
        podMetadata: { labels: { ...PROMETHEUS_POD_LABELS } },
        podMonitorSelector: platformObjects,
        podMonitorNamespaceSelector: everyNamespace,
        serviceMonitorSelector: platformObjects,
        serviceMonitorNamespaceSelector: everyNamespace,
        ruleSelector: platformObjects,
        ruleNamespaceSelector: everyNamespace,
        // The operator maintains the kubelet's EndpointSlices, not Endpoints (deprecated since
        // Kubernetes 1.33); read both kinds of target the same way.
        serviceDiscoveryRole: 'EndpointSlice',
        scrapeInterval: '30s',
        evaluationInterval: '30s',
        retention: config.retention,
        retentionSize: retentionSize(config.storageSize),
        storage: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: props.storageClassName,
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: config.storageSize } },
            },
          },
        },
        resources: { requests: resources, limits: resources },
        nodeSelector: props.nodeSelector,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 2000,
          fsGroup: 2000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        alerting: {
          alertmanagers: [
            {
              namespace,
              name: props.alertmanager.serviceName,
              port: props.alertmanager.portName,
              apiVersion: 'v2',
            },
          ],
        },
      },
    });

    const ui = WEB_UIS.prometheus;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: ui.serviceName, namespace: ui.namespace },
      spec: {
        type: 'ClusterIP',
        selector: { ...PROMETHEUS_POD_LABELS },
        ports: [
          { name: 'web', port: ui.port, targetPort: k8s.IntOrString.fromNumber(ui.port), protocol: 'TCP' },
        ],
      },
    });
  }
}

/**
 * `retentionSize` for a volume of `storageSize`: Prometheus deletes its oldest blocks past it,
 * so a burst of series fills the volume's share instead of the volume (a full volume stops
 * Prometheus). The unit is Prometheus' `GiB`.
 */
export function retentionSize(storageSize: string): string {
  const bytes = parseQuantity(storageSize);
  if (bytes === undefined) {
    throw new Error(
      `monitoring.prometheus.storageSize: got ${JSON.stringify(storageSize)}, expected a quantity`,
    );
  }
  return `${Math.floor((bytes * RETENTION_SIZE_SHARE) / 2 ** 30)}GiB`;
}
