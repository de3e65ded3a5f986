import { CfnOutput, Fn } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { ALERTMANAGER_NAME } from '../../k8s/monitoring/alertmanager';
import { GrafanaChart, grafanaPasswordCommand } from '../../k8s/monitoring/grafana-chart';
import { MonitoringChart } from '../../k8s/monitoring/monitoring-chart';
import {
  DATABASE_POOL,
  DATABASE_TAINT_KEY,
  NODE_POOL_LABEL,
  RETIRING_TAINT_KEY,
  SYSTEM_POOL,
} from '../../k8s/node-pools';
import { PlatformCaChart, platformCaExportCommand } from '../../k8s/platform-ca-chart';
import { DATABASE_STORAGE_CLASS, StorageClassChart } from '../../k8s/storage-class-chart';
import { MONITORING_NAMESPACE } from '../../k8s/tenant-database-chart';
import { FIRST_DATABASE_POOL_NAME } from '../config/node-pools';
import type { EnvironmentConfig } from '../config/schema';
import {
  ALB_CONTROLLER_VERSION,
  CERT_MANAGER_CHART,
  CLUSTER_AUTOSCALER_CHART,
  EXTERNAL_DNS_CHART,
  EXTERNAL_SECRETS_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
  KUBERNETES_RELEASES,
  POSTGRES_OPERATOR_CHART,
  PROMETHEUS_OPERATOR_CRDS_CHART,
} from '../config/versions';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { AlertTopicPublisher } from '../constructs/alert-topic-publisher';
import { CERT_MANAGER_NAMESPACE, CertManager } from '../constructs/cert-manager';
import { ClusterAddons } from '../constructs/cluster-addons';
import { ClusterAutoscaler } from '../constructs/cluster-autoscaler';
import { ExternalSecretsOperator } from '../constructs/external-secrets';
import { KubernetesCluster } from '../constructs/kubernetes-cluster';
import { LogEncryptionKey } from '../constructs/log-encryption-key';
import { NodePool } from '../constructs/node-pool';
import { PlatformNetwork } from '../constructs/platform-network';
import { PostgresOperator } from '../constructs/postgres-operator';
import { PrometheusOperator } from '../constructs/prometheus-operator';
import { WebUiAccess } from '../constructs/web-ui-access';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

/** Properties of {@link PlatformStack}. */
export interface PlatformStackProps extends EnvironmentStackProps {
  /** The validated environment configuration. */
  readonly config: EnvironmentConfig;
}

/**
 * One per environment: the network, the EKS cluster with its node pools and add-ons, the
 * default encrypted StorageClass and the Postgres Operator. Tenant stacks build on what it
 * exposes.
 */
export class PlatformStack extends EnvironmentStack {
  /** The environment's network. */
  readonly network: PlatformNetwork;
  /** The EKS cluster. */
  readonly cluster: eks.Cluster;
  /** Bucket for S3 server access logs and load balancer access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** The Postgres Operator; tenant resources depend on it. */
  readonly postgresOperator: PostgresOperator;
  /** External Secrets Operator; it syncs each tenant's backup passphrase into its namespace. */
  readonly externalSecrets: ExternalSecretsOperator;
  /** cert-manager. */
  readonly certManager: CertManager;
  /** The platform CA and its ClusterIssuer; tenant certificates are applied after it. */
  readonly platformCa: eks.KubernetesManifest;
  /** The web UIs' ALB ingress, certificate and DNS, when the config has `webUis`. */
  readonly webUiAccess?: WebUiAccess;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const release = KUBERNETES_RELEASES[config.cluster.kubernetesVersion];

    const logKey = new LogEncryptionKey(this, 'LogEncryptionKey').key;
    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    this.accessLogBucket = accessLogs.logTarget;
    this.network = new PlatformNetwork(this, 'Network', {
      logKey,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetention: config.network.flowLogRetentionDays as logs.RetentionDays,
    });

    const kubectlLayer = release.kubectlLayer(this, 'KubectlLayer');
    const kubernetes = new KubernetesCluster(this, 'Kubernetes', {
      vpc: this.network.vpc,
      version: release.eksVersion,
      kubectlLayer,
      publicAccessCidrs:
        config.cluster.endpointAccess === 'public-and-private' ? config.cluster.publicAccessCidrs : [],
      adminRoleArns: config.cluster.adminRoleArns,
      serviceIpv4Cidr: config.cluster.serviceCidr,
      albControllerVersion: ALB_CONTROLLER_VERSION,
      logKey,
    });
    this.cluster = kubernetes.cluster;

    const systemPool = new NodePool(this, 'SystemNodePool', {
      cluster: this.cluster,
      ...config.nodePools.system,
      labels: { [NODE_POOL_LABEL]: SYSTEM_POOL },
    });
    // Every database pool carries the same label and taint, so pods may run on any of them
    // while one pool replaces another.
    const databaseNodegroups = config.nodePools.database.flatMap((pool) => {
      const id = databasePoolId(pool.name);
      const { nodegroups } = new NodePool(this, id, {
        cluster: this.cluster,
        instanceTypes: pool.instanceTypes,
        minSize: pool.minSize,
        maxSize: pool.maxSize,
        desiredSize: pool.desiredSize,
        diskSizeGiB: pool.diskSizeGiB,
        labels: { [NODE_POOL_LABEL]: DATABASE_POOL },
        taints: [
          { key: DATABASE_TAINT_KEY, value: 'true', effect: eks.TaintEffect.NO_SCHEDULE },
          // Taints change in place (UpdateNodegroupConfig applies them to the group's nodes).
          ...(pool.retiring
            ? [{ key: RETIRING_TAINT_KEY, value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }]
            : []),
        ],
        // A database pod's volume lives in one zone; only a node group of that zone can add a node for it.
        availabilityZones: config.availabilityZones,
      });
      // EKS labels each node eks.amazonaws.com/nodegroup=<name>: the runbook selects a pool's nodes with these.
      new CfnOutput(this, `${id}Nodegroups`, {
        description: `Node groups of database pool ${pool.name}, space-separated`,
        value: Fn.join(
          ' ',
          nodegroups.map((nodegroup) => nodegroup.nodegroupName),
        ),
      });
      return nodegroups;
    });
    // The controller's Helm release waits for its pods, which need somewhere to run.
    this.cluster.albController?.node.addDependency(...systemPool.nodegroups);

    const addons = new ClusterAddons(this, 'Addons', {
      cluster: this.cluster,
      nodeGroups: [...systemPool.nodegroups, ...databaseNodegroups],
      versions: config.cluster.addonVersions,
    });

    const autoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', {
      cluster: this.cluster,
      ...CLUSTER_AUTOSCALER_CHART,
      imageTag: release.clusterAutoscalerImageTag,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
    });
    autoscaler.chart.node.addDependency(...systemPool.nodegroups, addons);

    this.postgresOperator = new PostgresOperator(this, 'PostgresOperator', {
      cluster: this.cluster,
      ...POSTGRES_OPERATOR_CHART,
      kubectlLayer,
      logKey,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
      images: config.images,
    });
    this.postgresOperator.chart.node.addDependency(...systemPool.nodegroups);

    this.externalSecrets = new ExternalSecretsOperator(this, 'ExternalSecrets', {
      cluster: this.cluster,
      ...EXTERNAL_SECRETS_CHART,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
    });
    this.externalSecrets.chart.node.addDependency(...systemPool.nodegroups);

    this.certManager = new CertManager(this, 'CertManager', {
      cluster: this.cluster,
      ...CERT_MANAGER_CHART,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
    });
    this.certManager.chart.node.addDependency(...systemPool.nodegroups);
    this.platformCa = this.cluster.addCdk8sChart(
      'PlatformCa',
      new PlatformCaChart(new cdk8s.App(), 'platform-ca', {
        certManagerNamespace: CERT_MANAGER_NAMESPACE,
        environmentName: config.name,
      }),
    );
    this.platformCa.node.addDependency(this.certManager.chart);

    const storage = this.cluster.addCdk8sChart(
      'StorageClass',
      new StorageClassChart(new cdk8s.App(), 'storage-class', { volumeKeyArn: addons.volumeKey.keyArn }),
    );
    storage.node.addDependency(addons.ebsCsiDriver);

    // The CRDs are cluster-scoped objects only (no pods), so nothing waits for nodes.
    const monitoringCrds = this.cluster.addHelmChart('PrometheusOperatorCrds', {
      ...PROMETHEUS_OPERATOR_CRDS_CHART,
      release: 'prometheus-operator-crds',
      namespace: 'kube-system',
      // Deleting a CRD deletes every object of its kind: Helm keeps annotated resources when
      // the release is uninstalled or replaced (Helm docs, "Tell Helm Not To Uninstall a
      // Resource"); the chart's crds subchart puts these annotations on every CRD.
      values: { crds: { annotations: { 'helm.sh/resource-policy': 'keep' } } },
    });
    const monitoring = this.cluster.addCdk8sChart(
      'Monitoring',
      new MonitoringChart(new cdk8s.App(), 'monitoring', {
        alertThresholds: config.monitoring.alerts,
        prometheus: config.monitoring.prometheus,
        alertmanager: config.monitoring.alertmanager,
        storageClassName: DATABASE_STORAGE_CLASS,
        nodeSelector: { [NODE_POOL_LABEL]: SYSTEM_POOL },
        network: { vpcCidr: config.network.vpcCidr, serviceCidr: config.cluster.serviceCidr },
      }),
    );
    // The Prometheus volume is claimed from the gp3 class.
    monitoring.node.addDependency(monitoringCrds, storage);
    const receiver = config.monitoring.alertmanager.receiver;
    if (receiver.kind === 'sns') {
      const publisher = new AlertTopicPublisher(this, 'AlertTopicPublisher', {
        cluster: this.cluster,
        serviceAccount: { namespace: MONITORING_NAMESPACE, name: ALERTMANAGER_NAME },
        topicArn: receiver.topicArn!,
      });
      // Alertmanager's pods find their credentials only if the association exists when they start.
      monitoring.node.addDependency(publisher.association);
    }
    // The release goes into the namespace the monitoring manifest creates; the operator then
    // starts the Prometheus and Alertmanager that manifest describes.
    const prometheusOperator = new PrometheusOperator(this, 'PrometheusOperator', {
      cluster: this.cluster,
      ...KUBE_PROMETHEUS_STACK_CHART,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
    });
    prometheusOperator.chart.node.addDependency(monitoring, ...systemPool.nodegroups);
    const grafana = this.cluster.addCdk8sChart(
      'Grafana',
      new GrafanaChart(new cdk8s.App(), 'grafana', {
        settings: config.monitoring.grafana,
        nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
        image: config.images.grafana,
        imagePullSecretNames: config.images.pullSecretNames,
      }),
    );
    // The monitoring namespace, ESO's kinds (its admin password) and the gp3 StorageClass first.
    grafana.node.addDependency(monitoring, this.externalSecrets.chart, storage);

    if (config.webUis) {
      this.webUiAccess = new WebUiAccess(this, 'WebUis', {
        cluster: this.cluster,
        config: config.webUis,
        environmentName: config.name,
        vpcCidr: config.network.vpcCidr,
        accessLogBucket: accessLogs.bucket,
        certManagerChart: this.certManager.chart,
        externalDnsChart: EXTERNAL_DNS_CHART,
        nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
      });
      this.webUiAccess.externalDns.chart.node.addDependency(...systemPool.nodegroups);
      // The Ingresses go into the UIs' namespaces: the monitoring one comes with its chart.
      this.webUiAccess.ingress.manifest.node.addDependency(monitoring);
      new CfnOutput(this, 'WebUiUrls', {
        description: `The web UIs (${config.webUis.scheme} ALB; names resolve once external-dns has run)`,
        value: this.webUiAccess.urls.join(' '),
      });
    }

    new CfnOutput(this, 'ClusterName', {
      description: 'Name of the EKS cluster',
      value: this.cluster.clusterName,
    });
    new CfnOutput(this, 'KubeconfigCommand', {
      description: 'Adds the cluster to your kubeconfig (run it with one of the admin roles)',
      value: `aws eks update-kubeconfig --region ${this.region} --name ${this.cluster.clusterName}`,
    });
    new CfnOutput(this, 'PlatformCaCommand', {
      description: 'Writes the platform CA certificate, which customers verify database servers with',
      value: platformCaExportCommand(CERT_MANAGER_NAMESPACE, 'platform-ca.crt'),
    });
    new CfnOutput(this, 'GrafanaPasswordCommand', {
      description: "Prints Grafana's admin password, generated in the cluster (user admin)",
      value: grafanaPasswordCommand(),
    });
    new CfnOutput(this, 'VpcId', {
      description: 'The VPC of the environment',
      value: this.network.vpc.vpcId,
    });
  }
}

/**
 * The construct ID of a database pool, which prefixes the logical IDs of its node groups. The
 * first pool keeps the ID the single database pool had (`DatabaseNodePool`), so adopting
 * named pools leaves deployed node groups in place; others are `DatabaseNodePool<Name>`.
 */
export function databasePoolId(name: string): string {
  if (name === FIRST_DATABASE_POOL_NAME) {
    return 'DatabaseNodePool';
  }
  const pascal = name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `DatabaseNodePool${pascal}`;
}
