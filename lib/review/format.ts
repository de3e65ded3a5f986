/** Renders a review as plain text lines, for a terminal or a pull request comment. */
import type { ResourceChange, Review } from './review';
import { formatChange } from './value-diff';

/** How the review should treat data-loss risks. */
export interface ReviewOptions {
  /**
   * Accept deletions and replacements of stateful resources (they are still listed).
   * Never accepts errors: a change Kubernetes would refuse fails the deploy either way.
   * @default false
   */
  readonly allowDataLoss?: boolean;
}

/** Whether the change may be deployed: no error, and no data-loss risk unless allowed. */
export function reviewPasses(review: Review, options: ReviewOptions = {}): boolean {
  return review.errors.length === 0 && (review.risks.length === 0 || options.allowDataLoss === true);
}

const SYMBOLS = { added: '+', removed: '-', modified: '~' } as const;

/** Fields shown per resource that is not a manifest (a Lambda's code hash or a policy can have many). */
const MAX_FIELDS = 12;

/** The review as lines: each changed stack with its resources, then risks, errors and the verdict. */
export function formatReview(review: Review, options: ReviewOptions = {}): string[] {
  const lines: string[] = [];
  for (const stack of review.stacks) {
    if (stack.change === 'unchanged') {
      lines.push(`Stack ${stack.stack}: no changes`);
      continue;
    }
    lines.push(`Stack ${stack.stack} (${stack.change})`);
    for (const resource of stack.resources) {
      lines.push(...formatResource(resource));
    }
  }
  if (review.risks.length > 0) {
    lines.push(
      '',
      `Data-loss risks (${review.risks.length})${options.allowDataLoss ? ', allowed by --allow-data-loss' : ''}:`,
    );
    lines.push(...review.risks.map((risk) => `  ${risk}`));
  }
  if (review.errors.length > 0) {
    lines.push('', `Errors (${review.errors.length}):`, ...review.errors.map((error) => `  ${error}`));
  }
  lines.push('', verdict(review, options));
  return lines;
}

function formatResource(resource: ResourceChange): string[] {
  const flag = resource.risk ? `  [DATA-LOSS RISK: ${resource.risk}]` : '';
  const lines = [`  ${SYMBOLS[resource.change]} ${resource.type} ${resource.logicalId}${flag}`];
  const fields = resource.fields.slice(0, MAX_FIELDS).map((field) => `      ${formatChange(field)}`);
  if (resource.fields.length > MAX_FIELDS) {
    fields.push(`      ... and ${resource.fields.length - MAX_FIELDS} more fields`);
  }
  lines.push(...fields);
  for (const object of resource.objects) {
    if (object.change === 'modified') {
      lines.push(...object.fields.map((field) => `      ~ ${object.object} ${formatChange(field)}`));
    } else {
      lines.push(`      ${SYMBOLS[object.change]} ${object.object}`);
    }
  }
  return lines;
}

function verdict(review: Review, options: ReviewOptions): string {
  if (review.errors.length > 0) {
    return 'FAIL: the change cannot be applied; fix the errors above.';
  }
  if (review.risks.length > 0 && !options.allowDataLoss) {
    return 'FAIL: the change deletes or replaces stateful resources; rerun with --allow-data-loss if that is intended.';
  }
  if (review.risks.length > 0) {
    return 'PASS with data loss allowed.';
  }
  return 'PASS: no stateful resource is deleted or replaced.';
}
