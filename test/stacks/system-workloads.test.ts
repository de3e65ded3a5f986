/**
 * The list of system-pool workloads (lib/config/system-workloads.ts), which the system pool
 * capacity rule places, against the synthesized app: every pod that lands on the system pool
 * (test/stacks/system-pool-pods.ts says how that is found) is listed with the same requests,
 * replicas and hard spread, and every listed workload is deployed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nodeRoom } from '../../lib/config/node-room';
import { nodesNeeded } from '../../lib/config/system-capacity';
import { systemWorkloads } from '../../lib/config/system-workloads';
import { podRequests } from '../../lib/config/tenant-pods';
import { createEnvironmentStacks } from '../../lib/environment';
import { exampleConfig, newApp } from '../util';
import { compareWithList, ObservedWorkload, originKey, systemPoolPods } from './system-pool-pods';

const config = exampleConfig();
const input = {
  prometheus: config.monitoring.prometheus.resources,
  alertmanager: config.monitoring.alertmanager,
  tenants: config.tenants.length,
  pgAdmin: config.pgAdmin.enabled,
  webUis: config.webUis !== undefined,
};
const list = systemWorkloads(input);
let observed: ObservedWorkload[];
const classification: string[] = [];

beforeAll(() => {
  const app = newApp();
  createEnvironmentStacks(app, config);
  observed = systemPoolPods(
    app.synth().stacks.map((stack) => stack.template),
    classification,
  );
});

test('every object the app applies is classified: it starts no pods, or its pods are modelled', () => {
  expect(classification).toEqual([]);
});

test('every pod on the system pool is listed with its requests, replicas and spread, and nothing else is', () => {
  expect(config.pgAdmin.enabled).toBe(true);
  expect(compareWithList(observed, list)).toEqual([]);
});

test('a system component missing from the list fails the comparison', () => {
  const webhook = list.find((workload) => workload.name === 'cert-manager-webhook')!;
  const withoutWebhook = list.filter((workload) => workload !== webhook);
  expect(compareWithList(observed, withoutWebhook)).toEqual([
    `${originKey(webhook.origin)} runs on the system pool but is not in lib/config/system-workloads.ts`,
  ]);
});

test("a pgAdmin per tenant: the list's count follows the tenants, and a wrong count fails", () => {
  const pgAdmin = list.find((workload) => workload.name === 'pgadmin')!;
  expect(pgAdmin.replicas).toBe(config.tenants.length);
  const wrong = list.map((workload) => (workload === pgAdmin ? { ...workload, replicas: 1 } : workload));
  expect(compareWithList(observed, wrong)).toEqual([
    `pgadmin: ${config.tenants.length} replicas deployed, 1 listed`,
  ]);
});

test('Alertmanager replicas must be in different zones and on different nodes', () => {
  const alertmanager = observed.find((workload) => workload.key === 'Alertmanager alertmanager')!;
  expect(alertmanager.spread.sort()).toEqual(['node', 'zone']);
});

describe('README "Capacity and autoscaling" describes the system pool as listed', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**The system pool.**'), readme.indexOf('**Autoscaling.**'));

  test.each(list.map((workload) => workload.name))('its table names %s', (name) => {
    expect(section).toMatch(new RegExp(`^\\|[^\\n]*\`${name}\``, 'm'));
  });

  test("it gives the example's total", () => {
    const total = list.reduce(
      (sum, workload) => {
        const pod = podRequests([...workload.containers]);
        return {
          cpu: sum.cpu + pod.cpu * workload.replicas,
          memoryBytes: sum.memoryBytes + pod.memoryBytes * workload.replicas,
          pods: sum.pods + workload.replicas,
        };
      },
      { cpu: 0, memoryBytes: 0, pods: 0 },
    );
    const gib = (total.memoryBytes / 2 ** 30).toFixed(1);
    expect(section).toContain(
      `In total ${Math.round(total.cpu * 1000)}m CPU, ${gib}Gi and ${total.pods} pods`,
    );
  });
});

test("README's tenants per pool size are the most the rule accepts at minSize and maxSize", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const [, atMin, atMax] = readme.match(/3 nodes hold (\d+) tenants with pgAdmin and\s+6 nodes (\d+)\./)!;
  const node = nodeRoom(config.nodePools.system.instanceTypes[0])!;
  const most = (nodes: number) => {
    let tenants = 0;
    while (nodesNeeded(systemWorkloads({ ...input, tenants: tenants + 1 }), node)! <= nodes) {
      tenants += 1;
    }
    return tenants;
  };
  expect([config.nodePools.system.minSize, config.nodePools.system.maxSize]).toEqual([3, 6]);
  expect([most(3), most(6)]).toEqual([Number(atMin), Number(atMax)]);
});
