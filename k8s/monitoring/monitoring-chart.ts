import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { PLATFORM_MONITORING_LABELS } from './labels';
import { postgresAlertRules, RuleGroup } from './postgres-alerts';
import type { AlertThresholds } from '../../lib/config/monitoring-schema';
import { MONITORING_NAMESPACE } from '../tenant-database-chart';

/** Name of the PrometheusRule that holds the PostgreSQL alerts. */
export const POSTGRES_ALERTS_RULE_NAME = 'postgres-alerts';

/** Properties of {@link MonitoringChart}. */
export interface MonitoringChartProps extends ChartProps {
  /** Thresholds of the PostgreSQL alerts (`monitoring.alerts` of the configuration). */
  readonly alertThresholds: AlertThresholds;
}

/**
 * The environment's monitoring namespace and the PostgreSQL alert rules. The rules apply to
 * every tenant: the tenants' PodMonitors feed one Prometheus, and each alert names the
 * namespace and cluster it is about. Prometheus and Alertmanager, which evaluate and route
 * them, come later (README, Monitoring and alerting).
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
  }
}
