/** The monitoring chart as the example environment builds it, with parts of its config replaced. */
import { Testing } from 'cdk8s';
import { MonitoringChart, MonitoringChartProps } from '../../k8s/monitoring/monitoring-chart';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { DATABASE_STORAGE_CLASS } from '../../k8s/storage-class-chart';
import { exampleConfig } from '../util';

/** The chart's props for the example configuration, with `overrides` applied. */
export function monitoringChartProps(overrides: Partial<MonitoringChartProps> = {}): MonitoringChartProps {
  const config = exampleConfig();
  return {
    alertThresholds: config.monitoring.alerts,
    prometheus: config.monitoring.prometheus,
    alertmanager: config.monitoring.alertmanager,
    storageClassName: DATABASE_STORAGE_CLASS,
    nodeSelector: { [NODE_POOL_LABEL]: SYSTEM_POOL },
    network: { vpcCidr: config.network.vpcCidr, serviceCidr: config.cluster.serviceCidr },
    ...overrides,
  };
}

/** The synthesized objects of the monitoring chart. */
export function synthMonitoringChart(overrides: Partial<MonitoringChartProps> = {}): any[] {
  return Testing.synth(new MonitoringChart(Testing.app(), 'monitoring', monitoringChartProps(overrides)));
}
