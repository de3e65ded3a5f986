/**
 * The environment's Alertmanager (prometheus-operator `monitoring.coreos.com/v1` Alertmanager),
 * its routing as an AlertmanagerConfig (`v1alpha1`), and the Service the web UI ingress routes
 * to.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { COMPONENT_LABEL, MONITORING_COMPONENTS } from './labels';
import type { AlertmanagerConfig, ReceiverConfig } from '../../lib/config/prometheus-schema';
import { WEB_UIS } from '../web-uis';

/** Name of the Alertmanager object, its AlertmanagerConfig and its service account. */
export const ALERTMANAGER_NAME = 'alertmanager';

/** The labels the platform adds to the Alertmanager pods. */
export const ALERTMANAGER_POD_LABELS = { [COMPONENT_LABEL]: MONITORING_COMPONENTS.alertmanager } as const;

/** Port name of the web UI and API on the Alertmanager pods and on the Service. */
export const ALERTMANAGER_PORT_NAME = 'web';

/** Port the replicas gossip silences and notifications on, TCP and UDP (`--cluster.listen-address`). */
export const ALERTMANAGER_MESH_PORT = 9094;

/** Key of the SMTP password in the Secret `passwordSecretName` names. */
export const SMTP_PASSWORD_KEY = 'password';

/** Properties of {@link PlatformAlertmanager}. */
export interface PlatformAlertmanagerProps {
  /** Namespace of Alertmanager, its Service and its account. */
  readonly namespace: string;
  /** `monitoring.alertmanager` of the configuration. */
  readonly config: AlertmanagerConfig;
  /** Node labels of the pool Alertmanager runs on. */
  readonly nodeSelector: Record<string, string>;
}

/**
 * Alertmanager, 2 or 3 replicas in different zones, without a persistent volume: its state
 * (silences, which notifications went out) is gossiped between the replicas, so a replica
 * that restarts gets it back from the others; only losing every replica at once loses the
 * silences. EBS volumes would tie each replica to its zone for good, and the platform's
 * StorageClass keeps a volume after its claim is deleted. Its account has no token: it never
 * calls the Kubernetes API; the SNS receiver's AWS credentials come from EKS Pod Identity,
 * which uses its own projected token.
 */
export class PlatformAlertmanager extends Construct {
  /** The Alertmanager object. */
  readonly alertmanager: ApiObject;
  /** Its routing and receivers. */
  readonly routing: ApiObject;
  /** The Service of the web UI and API (`WEB_UIS.alertmanager`). */
  readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: PlatformAlertmanagerProps) {
    super(scope, id);
    const { namespace, config } = props;
    const account = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: ALERTMANAGER_NAME, namespace },
      automountServiceAccountToken: false,
    });
    this.routing = new ApiObject(this, 'Routing', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: { name: ALERTMANAGER_NAME, namespace },
      spec: alertRouting(config.receiver),
    });

    const resources = { cpu: config.resources.cpu, memory: config.resources.memory };
    const spread = (topologyKey: string) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { ...ALERTMANAGER_POD_LABELS } },
    });
    this.alertmanager = new ApiObject(this, 'Alertmanager', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Alertmanager',
      metadata: { name: ALERTMANAGER_NAME, namespace },
      spec: {
        replicas: config.replicas,
        serviceAccountName: account.name,
        automountServiceAccountToken: false,
        podMetadata: { labels: { ...ALERTMANAGER_POD_LABELS } },
        // The AlertmanagerConfig above is the whole configuration: its route is the root, and
        // the operator adds no namespace matcher to it (the alerts carry the tenants'
        // namespaces, not this one). No other AlertmanagerConfig is selected.
        alertmanagerConfiguration: { name: this.routing.name },
        // The system pool spans every zone with at least one node in each (minSize 3).
        topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
        resources: { requests: resources, limits: resources },
        nodeSelector: props.nodeSelector,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 2000,
          fsGroup: 2000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    });

    const ui = WEB_UIS.alertmanager;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: ui.serviceName, namespace: ui.namespace },
      spec: {
        type: 'ClusterIP',
        selector: { ...ALERTMANAGER_POD_LABELS },
        ports: [
          {
            name: ALERTMANAGER_PORT_NAME,
            port: ui.port,
            targetPort: k8s.IntOrString.fromNumber(ui.port),
            protocol: 'TCP',
          },
        ],
      },
    });
  }
}

/** An AlertmanagerConfig matcher. */
const is = (name: string, value: string) => ({ name, value, matchType: '=' });
const isNot = (name: string, value: string) => ({ name, value, matchType: '!=' });

/**
 * The routing of the PostgreSQL alerts (k8s/monitoring/postgres-alerts.ts) to the one receiver:
 * grouped per tenant namespace and alert, critical alerts repeated hourly and warnings twice a
 * day while they last, and the alerts a worse one explains held back.
 */
export function alertRouting(receiver: ReceiverConfig): Record<string, unknown> {
  const target = receiverOf(receiver);
  return {
    route: {
      receiver: target.name,
      groupBy: ['namespace', 'alertname'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '12h',
      routes: [{ receiver: target.name, matchers: [is('severity', 'critical')], repeatInterval: '1h' }],
    },
    receivers: [target],
    inhibitRules: [
      // A down instance explains everything else about its pod (lag, connections, wraparound).
      {
        sourceMatch: [is('alertname', 'PostgresInstanceDown')],
        targetMatch: [isNot('alertname', 'PostgresInstanceDown')],
        equal: ['namespace', 'pod'],
      },
      // Without a primary, replication lag and the failover in progress are the same incident.
      {
        sourceMatch: [is('alertname', 'PostgresNoPrimary')],
        targetMatch: [
          { name: 'alertname', value: 'PostgresFailover|PostgresReplicationLag.*', matchType: '=~' },
        ],
        equal: ['namespace', 'pg_cluster'],
      },
      // An OOM kill is a restart with its reason: report it once.
      {
        sourceMatch: [is('alertname', 'PostgresPodOOMKilled')],
        targetMatch: [is('alertname', 'PostgresPodRestarting')],
        equal: ['namespace', 'pod', 'container'],
      },
    ],
  };
}

/** The one receiver of a configuration; `none` is a receiver without integrations. */
export function receiverOf(receiver: ReceiverConfig): { name: string } & Record<string, unknown> {
  switch (receiver.kind) {
    case 'none':
      return { name: 'null' };
    case 'email':
      return {
        name: 'email',
        emailConfigs: [
          {
            to: receiver.to,
            from: receiver.from,
            smarthost: receiver.smarthost,
            requireTLS: receiver.requireTls ?? true,
            sendResolved: true,
            ...(receiver.username !== undefined && {
              authUsername: receiver.username,
              authPassword: { name: receiver.passwordSecretName, key: SMTP_PASSWORD_KEY },
            }),
          },
        ],
      };
    case 'sns':
      return {
        name: 'sns',
        snsConfigs: [
          {
            topicARN: receiver.topicArn,
            // Signed with the credentials of the default chain: EKS Pod Identity's.
            sigv4: { region: snsTopicRegion(receiver.topicArn!) },
            sendResolved: true,
          },
        ],
      };
    case 'webhook':
      return { name: 'webhook', webhookConfigs: [{ url: receiver.url, sendResolved: true }] };
  }
}

/** The region of an SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`). */
export function snsTopicRegion(topicArn: string): string {
  return topicArn.split(':')[3];
}
