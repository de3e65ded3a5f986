import { isDeepStrictEqual } from 'util';

/** The logical IDs that differ between two synthesized templates, by kind of change. */
export interface TemplateChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly modified: string[];
}

/**
 * Compares the `Resources` of two templates, IDs sorted; a resource whose definition differs at
 * all (properties or policies) is modified.
 */
export function resourceChanges(
  before: { Resources: Record<string, unknown> },
  after: { Resources: Record<string, unknown> },
): TemplateChanges {
  const ids = (template: { Resources: Record<string, unknown> }) => Object.keys(template.Resources).sort();
  return {
    added: ids(after).filter((id) => !(id in before.Resources)),
    removed: ids(before).filter((id) => !(id in after.Resources)),
    modified: ids(before).filter(
      (id) => id in after.Resources && !isDeepStrictEqual(before.Resources[id], after.Resources[id]),
    ),
  };
}
