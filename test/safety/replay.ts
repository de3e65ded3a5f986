/**
 * Replays day-2 operations on the example configuration: every state is synthesized once
 * (keyed by its configuration document), and each step's CloudFormation diff is read with
 * @aws-cdk/cloudformation-diff for what it does to stateful resources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { validateConfig } from '../../lib/config/load';
import { createEnvironmentStacks } from '../../lib/environment';
import type { AssemblyTemplates } from '../../lib/review/cloud-assembly';
import { STATEFUL_KINDS } from '../../lib/review/kubernetes-diff';
import { losesResource, resourceImpacts } from '../../lib/review/resource-impact';
import { reviewAssemblies } from '../../lib/review/review';
import { isStatefulType } from '../../lib/review/stateful-resources';
import { EXAMPLE_CONFIG_FILE, newApp } from '../util';
import type { AcceptedLoss, ConfigDocument, SafetyOperation } from './operation';

/** Where operations live: each file exports `operations: SafetyOperation[]`. */
export const OPERATIONS_DIR = path.join(__dirname, 'operations');

/** An operation and the file that defines it. */
export interface LoadedOperation extends SafetyOperation {
  /** Its file in test/safety/operations/. */
  readonly file: string;
}

/** Every operation of every file in test/safety/operations/, by file name. */
export function loadOperations(): LoadedOperation[] {
  return fs
    .readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .flatMap((file) => {
      // require: the files are found at run time, so a new one needs no edit here.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(path.join(OPERATIONS_DIR, file)) as { operations?: SafetyOperation[] };
      if (!Array.isArray(loaded.operations) || loaded.operations.length === 0) {
        throw new Error(
          `test/safety/operations/${file}: got no operations, expected \`export const operations: SafetyOperation[]\` with at least one`,
        );
      }
      return loaded.operations.map((operation) => ({ ...operation, file }));
    });
}

/** config/example.yaml as parsed YAML, before validation: what an operation edits. */
export function parsedExample(): ConfigDocument {
  return parse(fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));
}

/**
 * The configuration documents an operation goes through: the example after `setup`, then
 * the document after each step.
 */
export function operationStates(operation: SafetyOperation): ConfigDocument[] {
  const doc = parsedExample();
  operation.setup?.(doc);
  const states = [structuredClone(doc)];
  for (const step of operation.steps) {
    step.edit(doc);
    states.push(structuredClone(doc));
  }
  return states;
}

const syntheses = new Map<string, AssemblyTemplates>();

/**
 * The templates of a configuration document, by stack name. A synthesis takes about a
 * second, and most operations start from the same example: each distinct document is
 * synthesized once per test file.
 */
export function synthesizeDocument(doc: ConfigDocument): AssemblyTemplates {
  const key = JSON.stringify(doc);
  let templates = syntheses.get(key);
  if (!templates) {
    const app = newApp();
    createEnvironmentStacks(app, validateConfig(structuredClone(doc), 'config/example.yaml, edited'));
    templates = Object.fromEntries(app.synth().stacks.map((stack) => [stack.stackName, stack.template]));
    syntheses.set(key, templates);
  }
  return templates!;
}

/** Something a deploy does that can lose data. */
export interface Loss {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /**
   * A @aws-cdk/cloudformation-diff impact (WILL_REPLACE, MAY_REPLACE, WILL_DESTROY,
   * WILL_ORPHAN), or UPDATE_FAILS (CloudFormation refuses the change), PRUNES (the kubectl
   * provider deletes a Kubernetes object that left a manifest), REFUSED (Kubernetes refuses
   * the change: a volume would shrink).
   */
  readonly impact: string;
  /** What causes it. */
  readonly detail: string;
}

/** Every loss of a stateful resource (lib/review/stateful-resources.ts) between two syntheses. */
export function lossesBetween(before: AssemblyTemplates, after: AssemblyTemplates): Loss[] {
  const losses: Loss[] = [];
  const stacks = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const stack of stacks) {
    for (const entry of resourceImpacts(before[stack], after[stack])) {
      if (!isStatefulType(entry.type)) {
        continue;
      }
      const { logicalId, type } = entry;
      if (losesResource(entry.impact)) {
        const detail = entry.replacedBy.length > 0 ? `${entry.replacedBy.join(', ')} changed` : '';
        losses.push({ stack, logicalId, type, impact: entry.impact, detail });
      }
      if (entry.updateFailsOn.length > 0) {
        losses.push({
          stack,
          logicalId,
          type,
          impact: 'UPDATE_FAILS',
          detail: entry.updateFailsOn.join(', '),
        });
      }
    }
  }
  const review = reviewAssemblies(before, after);
  for (const stack of review.stacks) {
    for (const resource of stack.resources.filter((change) => change.change === 'modified')) {
      const pruned = resource.objects.filter(
        (object) => object.change === 'removed' && STATEFUL_KINDS.includes(object.kind),
      );
      for (const object of pruned) {
        losses.push({ ...resourceOf(stack.stack, resource), impact: 'PRUNES', detail: object.object });
      }
    }
  }
  for (const error of review.errors) {
    const [stack] = error.split(':');
    losses.push({ stack, logicalId: '', type: '', impact: 'REFUSED', detail: error.slice(stack.length + 2) });
  }
  return losses;
}

function resourceOf(stack: string, resource: { logicalId: string; type: string }) {
  return { stack, logicalId: resource.logicalId, type: resource.type };
}

/** Whether `accepted` covers `loss`. */
export function accepts(accepted: AcceptedLoss, loss: Loss): boolean {
  return (
    accepted.stack === loss.stack &&
    accepted.type === loss.type &&
    accepted.impact === loss.impact &&
    loss.logicalId.startsWith(accepted.logicalIdPrefix ?? '')
  );
}

/** The losses no accepted loss covers, and the accepted losses that did not happen. */
export function judgeLosses(
  losses: readonly Loss[],
  accepted: readonly AcceptedLoss[] = [],
): { unaccepted: Loss[]; unused: AcceptedLoss[] } {
  return {
    unaccepted: losses.filter((loss) => !accepted.some((entry) => accepts(entry, loss))),
    unused: accepted.filter((entry) => !losses.some((loss) => accepts(entry, loss))),
  };
}

/** `example-tenant-orders: AWS::S3::Bucket BackupBucketBC94E555 WILL_REPLACE (BucketName changed)`. */
export function formatLoss(loss: Loss): string {
  const what = [loss.type, loss.logicalId].filter((part) => part !== '').join(' ');
  return `${loss.stack}: ${what ? `${what} ` : ''}${loss.impact}${loss.detail ? ` (${loss.detail})` : ''}`;
}
