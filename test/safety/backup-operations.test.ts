/**
 * The backup, restore and storage-growth operations of test/safety/operations/backups.ts,
 * deployed step by step: each step is a valid configuration, and the review command (the same
 * rules `npm run review` applies) finds no error between steps and no data-loss risk but the
 * in-place restore itself, which it must name.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { validateConfig } from '../../lib/config/load';
import { createEnvironmentStacks } from '../../lib/environment';
import { AssemblyTemplates, readAssembly } from '../../lib/review/cloud-assembly';
import { formatReview } from '../../lib/review/format';
import { reviewAssemblies } from '../../lib/review/review';
import { EXAMPLE_CONFIG_FILE, newApp } from '../util';
import type { ConfigDocument } from './operation';
import { operations } from './operations/backups';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const exampleDocument = (): ConfigDocument => parse(fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));

function assemblyOf(doc: ConfigDocument): AssemblyTemplates {
  const stacks = createEnvironmentStacks(newApp(), validateConfig(structuredClone(doc), 'test'));
  return readAssembly((stacks.platform.node.root as App).synth().directory);
}

let baseline: AssemblyTemplates;
beforeAll(() => {
  baseline = assemblyOf(exampleDocument());
});

describe.each(operations.map((operation) => [operation.name, operation] as const))('%s', (_, operation) => {
  test('has its runbook', () => {
    expect(fs.existsSync(path.join(PROJECT_ROOT, operation.runbook))).toBe(true);
  });

  test('no step risks data or fails review', () => {
    const doc = exampleDocument();
    operation.setup?.(doc);
    let previous = operation.setup ? assemblyOf(doc) : baseline;
    const findings: string[] = [];
    for (const step of operation.steps) {
      step.edit(doc);
      const current = assemblyOf(doc);
      const review = reviewAssemblies(previous, current);
      findings.push(
        ...[...review.risks, ...review.errors].map((finding) => `${step.description}: ${finding}`),
      );
      previous = current;
    }
    // An in-place restore rewrites the data on purpose: the review makes the reviewer accept it.
    const accepted = operation.steps
      .filter((step) => step.description.startsWith('Set restore'))
      .map((step) => expect.stringMatching(new RegExp(`^${step.description}: .* restores in place`)));
    expect(findings).toEqual(accepted);
  });
});

describe('the runbooks show the review output their change produces', () => {
  const ordersOf = (doc: ConfigDocument) => {
    doc.tenants[0].backups ??= {};
    return doc.tenants[0];
  };
  test.each<[string, string, (doc: ConfigDocument) => void]>([
    [
      'backups.md',
      'an on-demand backup',
      (doc) => (ordersOf(doc).backups.onDemand = { id: '2026-11-25-before-upgrade', type: 'full' }),
    ],
    [
      'restore-in-place.md',
      'an in-place restore',
      (doc) => (ordersOf(doc).restore = { id: 'restore-1', targetTime: '2026-11-25T09:30:00Z' }),
    ],
    ['storage-growth.md', 'a storage limit', (doc) => (ordersOf(doc).storageLimit = '200Gi')],
  ])('%s, for %s', (runbook, _, edit) => {
    const doc = exampleDocument();
    edit(doc);
    const printed = formatReview(reviewAssemblies(baseline, assemblyOf(doc))).join('\n');
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'runbooks', runbook), 'utf8');
    expect(text).toContain(`\`\`\`text\n${printed.trim()}\n\`\`\``);
  });
});
