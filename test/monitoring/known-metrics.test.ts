import { ALERT_CASES } from './alert-cases';
import { KNOWN_METRICS, metricsOf } from '../../k8s/monitoring/known-metrics';
import { postgresAlertRules } from '../../k8s/monitoring/postgres-alerts';
import { DEFAULT_ALERT_THRESHOLDS } from '../../lib/config/monitoring-schema';

const rules = postgresAlertRules(DEFAULT_ALERT_THRESHOLDS).flatMap((group) => group.rules);

test.each(rules.map((rule) => [rule.alert, rule.expr]))(
  '%s uses only metrics the deployed exporters produce',
  (_, expr) => {
    const used = metricsOf(expr);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !(name in KNOWN_METRICS))).toEqual([]);
  },
);

test('metricsOf finds the selected metrics, not functions or keywords', () => {
  expect(
    metricsOf('max by (ns) (a_b{job="x"}) > 1 and on (ns) increase(c_total{ns=~"t.+"}[1h]) or d{x="1"}'),
  ).toEqual(['a_b', 'c_total', 'd']);
});

test('an invented metric name is caught', () => {
  expect(
    metricsOf('ccp_connections_total{job="postgres-exporter"} > 1').filter((n) => !(n in KNOWN_METRICS)),
  ).toEqual(['ccp_connections_total']);
});

test('the promtool cases feed only known metrics, so they test what the exporters produce', () => {
  const fed = ALERT_CASES.flatMap((testCase) =>
    testCase.inputSeries.map((input) => input.series.split('{')[0]),
  );
  expect([...new Set(fed)].filter((name) => !(name in KNOWN_METRICS))).toEqual([]);
});
