import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ALERTMANAGER_PORT_NAME, PlatformAlertmanager } from './alertmanager';
import { WEB_UI_NAMESPACE_LABEL } from '../web-uis';
import { PLATFORM_MONITORING_LABELS } from './labels';
import { MonitoringNetworkPolicies } from './network-policies';
import { postgresAlertRules, RuleGroup } from './postgres-alerts';
import { PlatformPrometheus } from './prometheus';
import { ScrapeTargets } from './scrape-targets';
import type { AlertThresholds } from '../../lib/config/monitoring-schema';
import type { AlertmanagerConfig, PrometheusConfig } from '../../lib/config/prometheus-schema';
import { MONITORING_NAMESPACE } from '../tenant-database-chart';

/** Name of the PrometheusRule that holds the PostgreSQL alerts. */
export const POSTGRES_ALERTS_RULE_NAME = 'postgres-alerts';

/** Properties of {@link MonitoringChart}. */
export interface MonitoringChartProps extends ChartProps {
  /** Thresholds of the PostgreSQL alerts (`monitoring.alerts` of the configuration). */
  readonly alertThresholds: AlertThresholds;
  /** `monitoring.prometheus` of the configuration. */
  readonly prometheus: PrometheusConfig;
  /** `monitoring.alertmanager` of the configuration. */
  readonly alertmanager: AlertmanagerConfig;
  /** StorageClass of the Prometheus volume: the platform's encrypted gp3 class. */
  readonly storageClassName: string;
  /** Node labels of the system pool, where Prometheus and Alertmanager run. */
  readonly nodeSelector: Record<string, string>;
  /** The VPC's CIDR and the Kubernetes Service range, for the namespace's NetworkPolicies. */
  readonly network: { readonly vpcCidr: string; readonly serviceCidr: string };
}

/**
 * The environment's monitoring namespace, the PostgreSQL alert rules, the Prometheus that
 * evaluates them and the Alertmanager that routes them, the scrape targets beyond the tenants'
 * exporters, and the namespace's NetworkPolicies. The rules apply to every tenant: the tenants'
 * PodMonitors feed one Prometheus, and each alert names the namespace and cluster it is about.
 * The operator that runs Prometheus and Alertmanager is a Helm release
 * (lib/constructs/prometheus-operator.ts) installed after this chart.
 */
export class MonitoringChart extends Chart {
  /** The rule groups of the PrometheusRule, as applied; promtool checks exactly these. */
  readonly ruleGroups: RuleGroup[];

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, props);
    const namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: MONITORING_NAMESPACE,
        labels: {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          // Grafana, Prometheus and Alertmanager are routed from the web UI ALB.
          ...WEB_UI_NAMESPACE_LABEL,
        },
      },
    });

    this.ruleGroups = postgresAlertRules(props.alertThresholds);
    const rules = new ApiObject(this, 'PostgresAlerts', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: POSTGRES_ALERTS_RULE_NAME,
        namespace: MONITORING_NAMESPACE,
        labels: { ...PLATFORM_MONITORING_LABELS },
      },
      spec: { groups: this.ruleGroups },
    });
    rules.addDependency(namespace);

    const alertmanager = new PlatformAlertmanager(this, 'Alertmanager', {
      namespace: MONITORING_NAMESPACE,
      config: props.alertmanager,
      nodeSelector: props.nodeSelector,
    });
    const prometheus = new PlatformPrometheus(this, 'Prometheus', {
      namespace: MONITORING_NAMESPACE,
      config: props.prometheus,
      storageClassName: props.storageClassName,
      nodeSelector: props.nodeSelector,
      alertmanager: { serviceName: alertmanager.service.name, portName: ALERTMANAGER_PORT_NAME },
    });
    const targets = new ScrapeTargets(this, 'ScrapeTargets', { namespace: MONITORING_NAMESPACE });
    const policies = new MonitoringNetworkPolicies(this, 'NetworkPolicies', {
      namespace: MONITORING_NAMESPACE,
      ...props.network,
      receiver: props.alertmanager.receiver,
    });
    for (const child of [alertmanager, prometheus, targets, policies]) {
      child.node.addDependency(namespace);
    }
  }
}
