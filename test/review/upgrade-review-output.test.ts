/**
 * The review output that docs/runbooks/major-upgrade.md and the README quote, computed from
 * the example, so the documents cannot drift from the code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createEnvironmentStacks } from '../../lib/environment';
import { readAssembly, type AssemblyTemplates } from '../../lib/review/cloud-assembly';
import { formatReview } from '../../lib/review/format';
import { reviewAssemblies } from '../../lib/review/review';
import { configWith, newApp } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

function assemblyOf(edit: (doc: Record<string, any>) => void): AssemblyTemplates {
  const app = newApp();
  createEnvironmentStacks(app, configWith(edit));
  return readAssembly(app.synth().directory);
}

/** The lines of one stack's block in a printed review. */
function stackBlock(printed: string[], stack: string): string {
  const start = printed.findIndex((line) => line.startsWith(`Stack ${stack} `));
  const end = printed.findIndex((line, index) => index > start && !line.startsWith(' '));
  return printed.slice(start, end).join('\n');
}

let running: AssemblyTemplates;
let started: AssemblyTemplates;
let finished: AssemblyTemplates;
beforeAll(() => {
  running = assemblyOf(() => undefined);
  started = assemblyOf((d) => (d.tenants[1].upgrade = { from: 16, to: 17 }));
  finished = assemblyOf((d) => (d.tenants[1].postgresVersion = 17));
});

test('the major upgrade runbook shows the review of the start', () => {
  const block = stackBlock(formatReview(reviewAssemblies(running, started)), 'example-tenant-analytics');
  expect(read('docs/runbooks/major-upgrade.md')).toContain(`\`\`\`text\n${block}\n\`\`\``);
});

test('the major upgrade runbook shows the review of the finish', () => {
  const block = stackBlock(formatReview(reviewAssemblies(started, finished)), 'example-tenant-analytics');
  expect(read('docs/runbooks/major-upgrade.md')).toContain(`\`\`\`text\n${block}\n\`\`\``);
});

test('the README shows the error of a major changed without the start', () => {
  const printed = formatReview(reviewAssemblies(running, finished));
  const errors = printed.slice(printed.findIndex((line) => line.startsWith('Errors')));
  expect(read('README.md')).toContain(`\`\`\`text\n${errors.slice(0, 2).join('\n')}\n\`\`\``);
});
