/**
 * The system pool capacity rule (lib/config/system-capacity.ts): the system workloads and the
 * DaemonSets fit `nodePools.system` at minSize, without the Cluster Autoscaler, and at maxSize.
 * Node figures follow nodeadm's reservations and eni-max-pods (lib/config/instance-types.ts).
 */
import { nodeRoom } from '../../lib/config/node-room';
import { nodesNeeded, placeSystemPods } from '../../lib/config/system-capacity';
import { Spread, SystemWorkload, systemWorkloads } from '../../lib/config/system-workloads';
import { configWith, exampleConfig, problemsOf } from '../util';

/** The example with `count` tenants (database pool large enough for them). */
function withTenants(count: number, pgAdmin = true) {
  return (doc: Record<string, any>) => {
    doc.nodePools.database[0].instanceTypes = ['r7g.16xlarge'];
    doc.nodePools.database[0].maxSize = 99;
    doc.pgAdmin.enabled = pgAdmin;
    const template = doc.tenants[0];
    for (let i = doc.tenants.length; i < count; i++) {
      doc.tenants.push({ ...template, name: `tenant-${i}` });
    }
  };
}

const systemProblems = (problems: string[]) => problems.filter((p) => p.startsWith('nodePools.system'));

test('the example fits its system pool at minSize', () => {
  const config = exampleConfig();
  const needed = nodesNeeded(
    systemWorkloads({
      prometheus: config.monitoring.prometheus.resources,
      alertmanager: config.monitoring.alertmanager,
      tenants: config.tenants.length,
      pgAdmin: config.pgAdmin.enabled,
      webUis: config.webUis !== undefined,
    }),
    nodeRoom('m7g.large')!,
  );
  expect(needed).toBeLessThanOrEqual(config.nodePools.system.minSize);
});

test('pgAdmins that outgrow the pool at minSize are refused there, naming the total and what to change', () => {
  const problems = systemProblems(problemsOf(withTenants(10)));
  expect(problems).toEqual([
    expect.stringMatching(
      /^nodePools\.system\.minSize: got 3, expected at least 4: the system workloads ask \d+m CPU, [\d.]+Gi memory and \d+ pods in total \(largest: pgadmin 10x 250m\/512Mi.*\), and 3 m7g\.large nodes hold 5250m CPU, .*without the Cluster Autoscaler.*raise minSize to 4/,
    ),
  ]);
});

test('the same tenants without pgAdmin fit: each tenant with pgAdmin counts', () => {
  expect(configWith(withTenants(10, false)).tenants).toHaveLength(10);
});

test('a pool that cannot hold them even at maxSize is refused at maxSize too', () => {
  const problems = systemProblems(problemsOf(withTenants(30)));
  expect(problems).toEqual([
    expect.stringMatching(
      /^nodePools\.system\.maxSize: got 6, expected at least 8: .*6 m7g\.large nodes hold/,
    ),
    expect.stringMatching(/^nodePools\.system\.minSize: got 3, expected at least 8: /),
  ]);
});

test('raising minSize and maxSize to what the message asks is accepted', () => {
  const config = configWith((doc) => {
    withTenants(30)(doc);
    doc.nodePools.system.minSize = 8;
    doc.nodePools.system.maxSize = 8;
  });
  expect(config.tenants).toHaveLength(30);
});

test('a Prometheus larger than any node is refused at the instance type', () => {
  const problems = systemProblems(
    problemsOf((doc) => {
      doc.monitoring.prometheus.resources = { cpu: '1', memory: '8Gi' };
    }),
  );
  expect(problems).toEqual([
    expect.stringMatching(
      /^nodePools\.system\.instanceTypes: got \["m7g\.large"\], expected a type whose node holds the largest system pod, prometheus \(1050m CPU, 8\.1Gi\)/,
    ),
  ]);
});

test('an instance type without known figures is refused, naming the supported ones', () => {
  expect(systemProblems(problemsOf((doc) => (doc.nodePools.system.instanceTypes = ['t3.medium'])))).toEqual([
    expect.stringMatching(
      /^nodePools\.system\.instanceTypes\[0\]: got "t3\.medium", expected an instance type whose capacity is known/,
    ),
  ]);
});

describe('placement honours hard spread like the scheduler', () => {
  const node = nodeRoom('m7g.large')!;
  // Two pods of 4600Mi leave 2183Mi on their nodes (6783Mi each after reservations and
  // DaemonSets): a 2700Mi pod no longer fits beside them.
  const workload = (name: string, replicas: number, memory: string, spread: Spread[]): SystemWorkload => ({
    name,
    origin: { kind: 'Deployment', name },
    replicas,
    containers: [{ name, init: false, size: { cpu: '10m', memory } }],
    spread,
  });
  const big = workload('big', 2, '4600Mi', []);

  test('without a spread, two 2700Mi pods share the fourth node', () => {
    expect(placeSystemPods([big, workload('loose', 3, '2700Mi', [])], node, 4)).toBe(true);
  });

  test('with a zone spread (maxSkew 1), the third replica needs the zone whose node is full: a fifth node', () => {
    const spread = workload('spread', 3, '2700Mi', ['zone']);
    expect(placeSystemPods([big, spread], node, 4)).toBe(false);
    expect(nodesNeeded([big, spread], node)).toBe(5);
  });
});
