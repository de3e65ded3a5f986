import { Testing } from 'cdk8s';
import { DEFAULT_ALERT_THRESHOLDS } from '../../lib/config/monitoring-schema';
import { MonitoringChart } from '../../k8s/monitoring/monitoring-chart';
import { configWith, exampleConfig, problemsOf } from '../util';
import { monitoringChartProps } from './monitoring-chart-fixture';

/** The expression of one alert in the PrometheusRule synthesized for `config`. */
function exprOf(alert: string, config = exampleConfig()): string {
  const chart = new MonitoringChart(
    Testing.app(),
    'monitoring',
    monitoringChartProps({ alertThresholds: config.monitoring.alerts }),
  );
  const rule = Testing.synth(chart).find((object) => object.kind === 'PrometheusRule');
  return rule.spec.groups.flatMap((group: any) => group.rules).find((r: any) => r.alert === alert).expr;
}

describe('monitoring.alerts', () => {
  test('is optional: a configuration without it gets the default thresholds', () => {
    expect(exampleConfig().monitoring.alerts).toEqual(DEFAULT_ALERT_THRESHOLDS);
  });

  test('a configured threshold replaces its default and keeps the others', () => {
    const config = configWith((doc) => (doc.monitoring = { alerts: { connectionsPercent: 70 } }));
    expect(config.monitoring.alerts).toEqual({ ...DEFAULT_ALERT_THRESHOLDS, connectionsPercent: 70 });
  });

  test('a configured threshold reaches the applied rule', () => {
    const config = configWith((doc) => (doc.monitoring = { alerts: { backupMaxAgeHours: 200 } }));
    expect(exprOf('PostgresBackupTooOld', config)).toMatch(/ > 720000$/);
    expect(exprOf('PostgresBackupTooOld')).toMatch(/ > 108000$/);
  });

  test('the PgBouncer waiting-clients threshold reaches the applied rule', () => {
    const config = configWith((doc) => (doc.monitoring = { alerts: { pgBouncerClientsWaiting: 20 } }));
    expect(exprOf('PgBouncerClientsWaiting', config)).toMatch(/ > 20$/);
    expect(exprOf('PgBouncerClientsWaiting')).toMatch(/ > 0$/);
  });

  test('a percentage of 100 or more is refused with the allowed range', () => {
    expect(problemsOf((doc) => (doc.monitoring = { alerts: { diskUsagePercent: 100 } }))).toEqual([
      'monitoring.alerts.diskUsagePercent: got 100, expected a whole percentage from 1 to 99',
    ]);
  });

  test('a backup age shorter than two hours is refused', () => {
    expect(problemsOf((doc) => (doc.monitoring = { alerts: { backupMaxAgeHours: 1 } }))).toEqual([
      'monitoring.alerts.backupMaxAgeHours: got 1, expected whole hours from 2 to 2232 (93 days)',
    ]);
  });

  test('an unknown threshold is refused', () => {
    expect(problemsOf((doc) => (doc.monitoring = { alerts: { cpuPercent: 90 } }))).toEqual([
      expect.stringMatching(/^monitoring\.alerts\.cpuPercent: unknown key/),
    ]);
  });
});

describe('monitoring.alerts.backupMaxAgeHours against the tenants’ backup schedules', () => {
  const weekly = (doc: Record<string, any>) =>
    (doc.tenants[1].backups = { fullSchedule: '0 1 * * 0', differentialSchedule: '0 1 * * 0' });

  test('is refused when a tenant backs up less often, naming the gap and the tenant', () => {
    expect(problemsOf(weekly)).toEqual([
      'monitoring.alerts.backupMaxAgeHours: got 30, expected more than 168 hours, the longest gap between the scheduled backups of tenants[1]',
    ]);
  });

  test('is accepted once it exceeds that gap', () => {
    const config = configWith((doc) => {
      weekly(doc);
      doc.monitoring = { alerts: { backupMaxAgeHours: 170 } };
    });
    expect(config.monitoring.alerts.backupMaxAgeHours).toBe(170);
  });
});
