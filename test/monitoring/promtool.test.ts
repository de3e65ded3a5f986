/**
 * The PostgreSQL alert rules, as the app applies them, through Prometheus' own tools:
 * `promtool check rules` (syntax, PromQL) and `promtool test rules` (each alert fires on the
 * series in test/monitoring/alert-cases.ts and stays silent on the others). The rule file is
 * written from the synthesized PrometheusRule's spec, so promtool checks exactly what applies.
 * promtool comes from Debian's `prometheus` package; .ci/run installs it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { ALERT_CASES, AlertCase } from './alert-cases';
import { DEFAULT_ALERT_THRESHOLDS } from '../../lib/config/monitoring-schema';
import { MonitoringChart } from '../../k8s/monitoring/monitoring-chart';
import type { AlertRule, RuleGroup } from '../../k8s/monitoring/postgres-alerts';
import { monitoringChartProps } from './monitoring-chart-fixture';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = promtool.status === 0;
if (!available) {
  if (process.env.CI === 'true') {
    throw new Error(
      'promtool not found: the alert rule checks cannot be skipped in CI (apt-get install prometheus)',
    );
  }
  process.stderr.write(
    '\nNOTICE: promtool tests skipped, promtool not found (apt-get install prometheus)\n\n',
  );
}
const describeWithPromtool = available ? describe : describe.skip;

/** The rule groups of the PrometheusRule the chart synthesizes. */
function appliedRuleGroups(): RuleGroup[] {
  const chart = new MonitoringChart(
    Testing.app(),
    'monitoring',
    monitoringChartProps({ alertThresholds: DEFAULT_ALERT_THRESHOLDS }),
  );
  const rule = Testing.synth(chart).find((object) => object.kind === 'PrometheusRule');
  return rule.spec.groups;
}

const rules = appliedRuleGroups().flatMap((group) => group.rules);

/** Fills `{{ $labels.x }}` the way Prometheus does, for the annotations promtool compares. */
function render(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
}

function promtoolTest(testCase: AlertCase, rule: AlertRule) {
  return {
    interval: '1m',
    input_series: testCase.inputSeries,
    alert_rule_test: [
      {
        eval_time: testCase.evalTime,
        alertname: testCase.alert,
        exp_alerts: testCase.firing.map((labels) => {
          const expected = { ...labels, severity: rule.labels.severity };
          return {
            exp_labels: expected,
            exp_annotations: {
              summary: render(rule.annotations.summary, expected),
              description: render(rule.annotations.description, expected),
            },
          };
        }),
      },
    ],
  };
}

function run(args: string[]) {
  return spawnSync('promtool', args, { encoding: 'utf8' });
}

describe('the alert test cases', () => {
  test.each(rules.map((rule) => [rule.alert]))('fire %s in one case and not in another', (alert) => {
    const cases = ALERT_CASES.filter((testCase) => testCase.alert === alert);
    expect(cases.some((testCase) => testCase.firing.length > 0)).toBe(true);
    expect(cases.some((testCase) => testCase.firing.length === 0)).toBe(true);
  });

  test('name only alerts the rules define', () => {
    const defined = new Set(rules.map((rule) => rule.alert));
    expect(ALERT_CASES.map((testCase) => testCase.alert).filter((alert) => !defined.has(alert))).toEqual([]);
  });
});

describeWithPromtool('promtool', () => {
  let dir: string;
  let rulesFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-rules-'));
    rulesFile = path.join(dir, 'postgres-alerts.rules.yaml');
    fs.writeFileSync(rulesFile, stringify({ groups: appliedRuleGroups() }));
  });

  test('check rules accepts the applied rules', () => {
    const result = run(['check', 'rules', rulesFile]);
    expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  test.each(ALERT_CASES.map((testCase) => [`${testCase.alert}: ${testCase.name}`, testCase]))(
    'test rules: %s',
    (_, testCase) => {
      const rule = rules.find((candidate) => candidate.alert === testCase.alert)!;
      const testFile = path.join(dir, `${testCase.alert}-${ALERT_CASES.indexOf(testCase)}.test.yaml`);
      fs.writeFileSync(
        testFile,
        stringify({
          rule_files: [path.basename(rulesFile)],
          evaluation_interval: '1m',
          tests: [promtoolTest(testCase, rule)],
        }),
      );
      const result = run(['test', 'rules', testFile]);
      expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
        status: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    },
  );
});
