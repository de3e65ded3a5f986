/**
 * Compares two synthesized cloud assemblies, the deployed one (the baseline) and the one
 * about to be deployed, and says what a `cdk deploy` would do to data: which stateful
 * resources it deletes or replaces, and which changes Kubernetes would refuse.
 */
import type { AssemblyTemplates, CloudFormationResource, CloudFormationTemplate } from './cloud-assembly';
import {
  diffObjects,
  manifestObjects,
  MANIFEST_RESOURCE_TYPE,
  ObjectChange,
  renderTokens,
  STATEFUL_KINDS,
  inPlaceRestores,
  reseededClusters,
  storageDecreases,
} from './kubernetes-diff';
import { resourceImpacts, ResourceImpact, ResourceImpactEntry } from './resource-impact';
import { isStatefulType } from './stateful-resources';
import { diffValues, FieldChange } from './value-diff';
import { kubernetesVersionErrors, postgresVersionErrors } from './version-changes';

/** What happens to one resource. */
export interface ResourceChange {
  readonly logicalId: string;
  /** The type after the change (before it, for a removed resource). */
  readonly type: string;
  readonly change: 'added' | 'removed' | 'modified';
  /** Why this change can lose data, when it can. */
  readonly risk?: string;
  /** The changed fields of a modified resource (its `Manifest` excepted: see `objects`). */
  readonly fields: FieldChange[];
  /** For a Kubernetes manifest: the Kubernetes objects added, removed or modified. */
  readonly objects: ObjectChange[];
}

/** What happens to one stack. */
export interface StackReview {
  readonly stack: string;
  readonly change: 'added' | 'removed' | 'modified' | 'unchanged';
  readonly resources: ResourceChange[];
}

/** The outcome of comparing two assemblies. */
export interface Review {
  readonly stacks: StackReview[];
  /** Deletions and replacements of stateful resources: `--allow-data-loss` accepts them. */
  readonly risks: string[];
  /** Changes that cannot be applied (a volume that would shrink, a version skipped): nothing accepts them. */
  readonly errors: string[];
}

/** Reviews the change from the `baseline` assembly to `current`. */
export function reviewAssemblies(baseline: AssemblyTemplates, current: AssemblyTemplates): Review {
  const names = [...new Set([...Object.keys(baseline), ...Object.keys(current)])].sort();
  const stacks = names.map((stack) => reviewStack(stack, baseline[stack], current[stack]));
  const risks: string[] = [];
  const errors: string[] = [];
  for (const stack of stacks) {
    for (const resource of stack.resources) {
      if (resource.risk) {
        risks.push(`${stack.stack}: ${resource.type} ${resource.logicalId} ${resource.risk}`);
      }
    }
  }
  for (const stack of names) {
    const [objectsBefore, objectsAfter] = [allObjects(baseline[stack]), allObjects(current[stack])];
    const objectRisks = [
      ...reseededClusters(objectsBefore, objectsAfter),
      ...inPlaceRestores(objectsBefore, objectsAfter),
    ];
    risks.push(...objectRisks.map((risk) => `${stack}: ${risk}`));
    errors.push(...templateErrors(baseline[stack], current[stack]).map((error) => `${stack}: ${error}`));
  }
  return { stacks, risks, errors };
}

function reviewStack(
  stack: string,
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
): StackReview {
  const oldResources = before?.Resources ?? {};
  const newResources = after?.Resources ?? {};
  const ids = [...new Set([...Object.keys(oldResources), ...Object.keys(newResources)])].sort();
  const impacts = new Map(resourceImpacts(before, after).map((entry) => [entry.logicalId, entry]));
  const resources = ids
    .map((id) =>
      reviewResource(
        id,
        oldResources[id],
        newResources[id],
        impacts.get(id),
        stackRemovalNote(before, after),
      ),
    )
    .filter((change): change is ResourceChange => change !== undefined)
    .map((change, _, all) => withRenameHint(change, all));
  const change = !before ? 'added' : !after ? 'removed' : resources.length > 0 ? 'modified' : 'unchanged';
  return { stack, change, resources };
}

/**
 * A stateful resource removed while one of its type is added is most likely a renamed
 * construct ID: CloudFormation creates the new one and deletes the old, with its data.
 */
function withRenameHint(change: ResourceChange, all: ResourceChange[]): ResourceChange {
  if (change.change !== 'removed' || !change.risk) {
    return change;
  }
  const added = all.filter((other) => other.change === 'added' && other.type === change.type);
  return added.length === 0
    ? change
    : {
        ...change,
        risk: `${change.risk} (renamed? ${added.map((other) => other.logicalId).join(', ')} of the same type is added)`,
      };
}

/** A stack missing from the current assembly is not deleted by `cdk deploy`, only by `cdk destroy`. */
function stackRemovalNote(
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
) {
  return before && !after ? ' when the stack is destroyed' : '';
}

function reviewResource(
  logicalId: string,
  before: CloudFormationResource | undefined,
  after: CloudFormationResource | undefined,
  impact: ResourceImpactEntry | undefined,
  removalNote: string,
): ResourceChange | undefined {
  if (!before && after) {
    return { logicalId, type: after.Type, change: 'added', fields: [], objects: addedObjects(after) };
  }
  if (before && !after) {
    const risk = isStatefulType(before.Type) ? removalRisk(before, removalNote) : undefined;
    return {
      logicalId,
      type: before.Type,
      change: 'removed',
      risk,
      fields: [],
      objects: removedObjects(before),
    };
  }
  const fields = readableFields(before!, after!, diffValues(deployed(before!), deployed(after!)));
  // A resource whose own definition is unchanged is still replaced when it references a
  // replaced resource in a property that requires replacement.
  const replaced =
    impact?.impact === ResourceImpact.WILL_REPLACE || impact?.impact === ResourceImpact.MAY_REPLACE;
  if (fields.length === 0 && !replaced) {
    return undefined;
  }
  const isManifest = after!.Type === MANIFEST_RESOURCE_TYPE && before!.Type === MANIFEST_RESOURCE_TYPE;
  const objects = isManifest
    ? diffObjects(manifestObjects(before!.Properties?.Manifest), manifestObjects(after!.Properties?.Manifest))
    : [];
  return {
    logicalId,
    type: after!.Type,
    change: 'modified',
    risk: modificationRisk(before!, after!, impact, objects),
    fields: isManifest ? fields.filter((field) => !field.path.startsWith('Properties.Manifest')) : fields,
    objects,
  };
}

/** The resource type of Helm releases applied by the aws-eks-v2 kubectl provider. */
const HELM_CHART_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-HelmChart';

/**
 * A Helm release's `Values` is one JSON string, like a manifest: its changes are shown field
 * by field (`Properties.Values.image.tag: v1 -> v2`) instead of as two long strings.
 */
function readableFields(
  before: CloudFormationResource,
  after: CloudFormationResource,
  fields: FieldChange[],
): FieldChange[] {
  const isHelmChart = before.Type === HELM_CHART_RESOURCE_TYPE && after.Type === HELM_CHART_RESOURCE_TYPE;
  const valuesChanged = fields.some((field) => field.path.startsWith('Properties.Values'));
  if (!isHelmChart || !valuesChanged) {
    return fields;
  }
  return [
    ...fields.filter((field) => !field.path.startsWith('Properties.Values')),
    ...diffValues(helmValues(before), helmValues(after), 'Properties.Values'),
  ];
}

function helmValues(resource: CloudFormationResource): unknown {
  const values = resource.Properties?.Values;
  return values === undefined ? undefined : JSON.parse(renderTokens(values));
}

/** The parts of a resource CloudFormation deploys: its metadata (the construct path) changes nothing. */
function deployed(resource: CloudFormationResource): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource).filter(([attribute]) => attribute !== 'Metadata'));
}

/**
 * Why a modification deletes or replaces something stateful, if it does: the replacement
 * comes from @aws-cdk/cloudformation-diff (the resource specification, as `cdk diff` reads it).
 */
function modificationRisk(
  before: CloudFormationResource,
  after: CloudFormationResource,
  impact: ResourceImpactEntry | undefined,
  objects: ObjectChange[],
): string | undefined {
  if (before.Type !== after.Type) {
    return isStatefulType(before.Type) ? `is replaced (type ${before.Type} -> ${after.Type})` : undefined;
  }
  const stateful = isStatefulType(after.Type);
  const replaced = stateful && impact?.impact === ResourceImpact.WILL_REPLACE;
  const mayBeReplaced = stateful && impact?.impact === ResourceImpact.MAY_REPLACE;
  const refused = stateful ? (impact?.updateFailsOn ?? []) : [];
  const deletedObjects = objects
    .filter((object) => object.change === 'removed' && STATEFUL_KINDS.includes(object.kind))
    .map((object) => object.object);
  const parts = [
    ...(replaced ? [`is replaced (${replacementCause(impact!)})`] : []),
    ...(mayBeReplaced ? [`may be replaced (${replacementCause(impact!)})`] : []),
    ...(refused.length > 0 ? [`cannot be updated (${refused.join(', ')} changed)`] : []),
    // The kubectl provider prunes objects that leave a manifest (aws-eks-v2 KubernetesManifest `prune`, on by default).
    ...(deletedObjects.length > 0 ? [`deletes ${deletedObjects.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The properties that replace a resource, or the replaced resource it follows. */
function replacementCause(impact: ResourceImpactEntry): string {
  return impact.replacedBy.length > 0
    ? `${impact.replacedBy.join(', ')} changed`
    : 'a resource it references is replaced';
}

/** A retained resource survives its removal, orphaned: still a risk, since nothing manages it any more. */
function removalRisk(resource: CloudFormationResource, removalNote: string): string {
  const policy = resource.DeletionPolicy;
  return policy === 'Retain' || policy === 'RetainExceptOnCreate'
    ? `leaves the stack${removalNote}; DeletionPolicy ${policy} keeps the resource itself, orphaned`
    : `is deleted${removalNote}`;
}

function addedObjects(resource: CloudFormationResource): ObjectChange[] {
  return resource.Type === MANIFEST_RESOURCE_TYPE
    ? diffObjects([], manifestObjects(resource.Properties?.Manifest))
    : [];
}

function removedObjects(resource: CloudFormationResource): ObjectChange[] {
  return resource.Type === MANIFEST_RESOURCE_TYPE
    ? diffObjects(manifestObjects(resource.Properties?.Manifest), [])
    : [];
}

/**
 * Changes Kubernetes refuses, found across every manifest of a stack (an object may move
 * from one manifest resource to another).
 */
function templateErrors(
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
) {
  const [objectsBefore, objectsAfter] = [allObjects(before), allObjects(after)];
  return [
    ...storageDecreases(objectsBefore, objectsAfter),
    ...postgresVersionErrors(objectsBefore, objectsAfter),
    ...kubernetesVersionErrors(before, after),
  ];
}

function allObjects(template: CloudFormationTemplate | undefined) {
  return Object.values(template?.Resources ?? {})
    .filter((resource) => resource.Type === MANIFEST_RESOURCE_TYPE)
    .flatMap((resource) => manifestObjects(resource.Properties?.Manifest));
}
