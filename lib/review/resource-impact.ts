/**
 * What `cdk deploy` does to each resource of a stack, as `cdk diff` computes it: the
 * @aws-cdk/cloudformation-diff library reads the CloudFormation resource specification, so a
 * change of a property documented "Update requires: Replacement" replaces the resource, and
 * a resource that references a replaced one in such a property is replaced in turn.
 */
import { fullDiff, isPropertyDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { CloudFormationTemplate } from './cloud-assembly';
import { updateFailsOn } from './stateful-resources';

export { ResourceImpact };

/** What happens to one resource that changes. */
export interface ResourceImpactEntry {
  readonly logicalId: string;
  /** The type after the change (before it, for a removed resource). */
  readonly type: string;
  /**
   * WILL_CREATE, WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY (removed) or
   * WILL_ORPHAN (removed, but its DeletionPolicy keeps it).
   */
  readonly impact: ResourceImpact;
  /** The properties whose change replaces the resource (or may), for WILL_REPLACE and MAY_REPLACE. */
  readonly replacedBy: readonly string[];
  /** Changed properties CloudFormation refuses to update (a KMS key's `KeySpec`, a custom resource's `ServiceToken`). */
  readonly updateFailsOn: readonly string[];
}

const REPLACEMENTS: readonly ResourceImpact[] = [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE];

/**
 * The changed resources between two versions of one stack's template, sorted by logical ID.
 * A missing side is an empty template: every resource is created, or destroyed (orphaned
 * when its DeletionPolicy is Retain).
 */
export function resourceImpacts(
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
): ResourceImpactEntry[] {
  const diff = fullDiff(before ?? {}, after ?? {});
  const entries: ResourceImpactEntry[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    if (!change.isDifferent) {
      return;
    }
    // A type without a specification (a custom resource) reports property changes as no
    // change: its provider updates it in place unless it returns a new physical ID.
    const impact =
      change.changeImpact === ResourceImpact.NO_CHANGE ? ResourceImpact.WILL_UPDATE : change.changeImpact;
    const type = (change.newResourceType ?? change.oldResourceType)!;
    const replacedBy: string[] = [];
    const changedProperties: string[] = [];
    change.forEachDifference((kind, name, difference) => {
      if (kind !== 'Property') {
        return;
      }
      changedProperties.push(name);
      if (isPropertyDifference(difference) && REPLACEMENTS.includes(difference.changeImpact!)) {
        replacedBy.push(name);
      }
    });
    entries.push({
      logicalId,
      type,
      impact,
      replacedBy: REPLACEMENTS.includes(impact) ? replacedBy : [],
      updateFailsOn: change.isUpdate ? changedProperties.filter((name) => updateFailsOn(type, name)) : [],
    });
  });
  return entries.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** Whether the impact takes the resource away from its stack: replaced, destroyed or orphaned. */
export function losesResource(impact: ResourceImpact): boolean {
  return [
    ResourceImpact.WILL_REPLACE,
    ResourceImpact.MAY_REPLACE,
    ResourceImpact.WILL_DESTROY,
    ResourceImpact.WILL_ORPHAN,
  ].includes(impact);
}
