/**
 * Scaling a tenant out/in and up/down, deploy by deploy as the runbooks describe them
 * (test/safety/operations/scaling.ts): each step is an in-place change of the tenant's
 * PostgresCluster, reviewed the way `npm run review` reviews it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { validateConfig } from '../../lib/config/load';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createEnvironmentStacks } from '../../lib/environment';
import { AssemblyTemplates, readAssembly } from '../../lib/review/cloud-assembly';
import { formatReview } from '../../lib/review/format';
import { Review, reviewAssemblies } from '../../lib/review/review';
import { memoryBudget } from '../../k8s/postgres-memory';
import { parseQuantity } from '../../lib/config/quantity';
import { operations } from '../safety/operations/scaling';
import { exampleDocument, newApp } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';

function synthesize(config: EnvironmentConfig): AssemblyTemplates {
  const app = newApp();
  createEnvironmentStacks(app, config);
  return readAssembly(app.synth().directory);
}

/** The review of every step of the operation run from `runbook`, and the config after each. */
function replay(runbook: string): { reviews: Review[]; configs: EnvironmentConfig[] } {
  const operation = operations.find((candidate) => candidate.runbook === runbook)!;
  const doc = exampleDocument();
  let before = synthesize(validateConfig(structuredClone(doc), 'example'));
  const reviews: Review[] = [];
  const configs: EnvironmentConfig[] = [];
  for (const step of operation.steps) {
    step.edit(doc);
    const config = validateConfig(structuredClone(doc), step.description);
    const after = synthesize(config);
    reviews.push(reviewAssemblies(before, after));
    configs.push(config);
    before = after;
  }
  return { reviews, configs };
}

/** Whether the runbook quotes the review exactly as `npm run review` prints it. */
function expectRunbookQuotes(runbook: string, review: Review): void {
  const printed = formatReview(review).join('\n');
  const text = fs.readFileSync(path.join(__dirname, '..', '..', runbook), 'utf8');
  expect(text).toContain(`\`\`\`text\n${printed.trim()}\n\`\`\``);
}

const changedStacks = (review: Review) =>
  review.stacks.filter((stack) => stack.change !== 'unchanged').map((stack) => stack.stack);

describe('scaling orders out to 3 instances and back in to 2', () => {
  let reviews: Review[];
  beforeAll(() => {
    ({ reviews } = replay('docs/runbooks/scale-out-in.md'));
  });

  test('each step changes only the replicas of the instance set, in place', () => {
    expect(
      reviews.map((review) => formatReview(review).filter((line) => line.startsWith('      ~ '))),
    ).toEqual([
      ['      ~ PostgresCluster tenant-orders/orders spec.instances[0].replicas: 2 -> 3'],
      ['      ~ PostgresCluster tenant-orders/orders spec.instances[0].replicas: 3 -> 2'],
    ]);
  });

  test('no step deletes or replaces a stateful resource, and only the orders stack changes', () => {
    expect(reviews.map((review) => review.risks)).toEqual([[], []]);
    expect(reviews.map(changedStacks)).toEqual([['example-tenant-orders'], ['example-tenant-orders']]);
  });

  test('the runbook quotes the review of scaling out', () => {
    expectRunbookQuotes('docs/runbooks/scale-out-in.md', reviews[0]);
  });
});

describe('scaling orders up to 2 CPU / 8Gi and back down', () => {
  let reviews: Review[];
  let configs: EnvironmentConfig[];
  beforeAll(() => {
    ({ reviews, configs } = replay('docs/runbooks/scale-up-down.md'));
  });

  test('no step deletes or replaces a stateful resource, and only the orders stack changes', () => {
    expect(reviews.map((review) => review.risks)).toEqual([[], []]);
    expect(reviews.map(changedStacks)).toEqual([['example-tenant-orders'], ['example-tenant-orders']]);
  });

  test('the runbook quotes the review of scaling up', () => {
    expectRunbookQuotes('docs/runbooks/scale-up-down.md', reviews[0]);
  });

  test('the memory-sized parameters follow the new size in the same change', () => {
    const lines = formatReview(reviews[0]);
    expect(lines).toContain(
      '      ~ PostgresCluster tenant-orders/orders spec.instances[0].resources.limits.memory: 4Gi -> 8Gi',
    );
    expect(lines).toContain(
      '      ~ PostgresCluster tenant-orders/orders spec.config.parameters.shared_buffers: 1024MB -> 2048MB',
    );
  });

  // k8s/postgres-memory.ts: past the container limit the OOM killer ends a backend and the
  // postmaster restarts every connection; the budget must hold at every size a step deploys.
  test.each([0, 1])('the worst-case memory of step %i stays within the new limit', (step) => {
    const tenant = configs[step].tenants[0];
    const cluster = synthTenantChart(tenant).find((object) => object.kind === 'PostgresCluster');
    const budget = memoryBudget(cluster.spec.config.parameters, parseQuantity(tenant.memory)!);
    expect(budget.totalBytes).toBeLessThanOrEqual(budget.limitBytes);
    expect(cluster.spec.instances[0].resources.limits.memory).toBe(tenant.memory);
  });
});
