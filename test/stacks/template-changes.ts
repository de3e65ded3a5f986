import { isDeepStrictEqual } from 'util';

/** The logical IDs that differ between two synthesized templates, by kind of change. */
export interface TemplateChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly modified: string[];
}

/** A synthesized template as `Template.toJSON()` returns it. */
type TemplateJson = Record<string, any>; // any: the shape of CloudFormation JSON is open

/**
 * Compares the `Resources` of two templates, IDs sorted; a resource whose definition differs at
 * all (properties or policies) is modified.
 */
export function resourceChanges(before: TemplateJson, after: TemplateJson): TemplateChanges {
  const resourcesBefore: Record<string, unknown> = before.Resources ?? {};
  const resourcesAfter: Record<string, unknown> = after.Resources ?? {};
  const idsBefore = Object.keys(resourcesBefore).sort();
  const idsAfter = Object.keys(resourcesAfter).sort();
  return {
    added: idsAfter.filter((id) => !(id in resourcesBefore)),
    removed: idsBefore.filter((id) => !(id in resourcesAfter)),
    modified: idsBefore.filter(
      (id) => id in resourcesAfter && !isDeepStrictEqual(resourcesBefore[id], resourcesAfter[id]),
    ),
  };
}
