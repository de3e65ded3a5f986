/**
 * The logical IDs of stateful resources are a contract: CloudFormation knows a resource by
 * its logical ID, so a refactor that renames a construct (or moves it in the construct tree)
 * creates a new resource and deletes the old one, or orphans it when it is retained.
 */

/** `Type LogicalId` of stateful resources, by stack name. */
export type StatefulIds = Record<string, string[]>;

/** The file that pins them for the example configuration. */
export const PINNED_IDS_FILE = 'test/safety/stateful-logical-ids.json';

/**
 * What changed between the pinned IDs and the synthesized ones, as a message that says how to
 * keep an ID; undefined when nothing changed.
 */
export function logicalIdChanges(pinned: StatefulIds, current: StatefulIds): string | undefined {
  const stacks = [...new Set([...Object.keys(pinned), ...Object.keys(current)])].sort();
  const lines = stacks.flatMap((stack) => {
    const before = pinned[stack] ?? [];
    const after = current[stack] ?? [];
    const gone = before.filter((id) => !after.includes(id));
    const added = after.filter((id) => !before.includes(id));
    return gone.length + added.length === 0
      ? []
      : [`${stack}:`, ...gone.map((id) => `  gone: ${id}`), ...added.map((id) => `  new:  ${id}`)];
  });
  if (lines.length === 0) {
    return undefined;
  }
  return [
    'The logical IDs of stateful resources changed:',
    ...lines,
    '',
    'CloudFormation would create each new resource and delete the gone one with its data (or orphan it, if retained).',
    'To keep an ID, give the construct back its id and its place in the construct tree, or pin the ID where it is created:',
    "  (construct.node.defaultChild as CfnResource).overrideLogicalId('<the gone logical ID>')",
    `If the change is intended (a resource added or removed on purpose, reviewed with npm run review), update ${PINNED_IDS_FILE}.`,
  ].join('\n');
}
