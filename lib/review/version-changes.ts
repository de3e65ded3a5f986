/**
 * Version changes that cannot be applied in one deploy, found by comparing the baseline with
 * the current synthesis: the config alone cannot tell them, since it knows only the version
 * it asks for, not the one running.
 */
import type { CloudFormationTemplate } from './cloud-assembly';
import { KubernetesObject, objectKey } from './kubernetes-diff';

/**
 * Every EKS cluster whose Kubernetes version goes down or skips a minor version. EKS updates
 * a control plane one minor version at a time and never back ("Update existing cluster to new
 * Kubernetes version", Amazon EKS User Guide: "Once you upgrade a cluster, you can't downgrade
 * to a previous version"; the update API takes only the next minor version), so CloudFormation
 * would fail the update after its other changes, and roll them back.
 */
export function kubernetesVersionErrors(
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
): string[] {
  return Object.entries(after?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::EKS::Cluster')
    .flatMap(([logicalId, resource]) => {
      const previous = minorVersion(before?.Resources?.[logicalId]?.Properties?.Version);
      const next = minorVersion(resource.Properties?.Version);
      if (!previous || !next || previous.text === next.text) {
        return [];
      }
      const cluster = `AWS::EKS::Cluster ${logicalId} Kubernetes version`;
      if (next.major !== previous.major || next.minor < previous.minor) {
        return [
          `${cluster}: got ${next.text}, expected ${previous.text} or ${previous.major}.${previous.minor + 1}: EKS never downgrades a cluster`,
        ];
      }
      if (next.minor > previous.minor + 1) {
        return [
          `${cluster}: got ${next.text}, expected ${previous.major}.${previous.minor + 1}: EKS upgrades one minor version at a time ` +
            `(deploy ${previous.major}.${previous.minor + 1} first, then upgrade the node groups, see docs/runbooks/upgrade-kubernetes.md)`,
        ];
      }
      return [];
    });
}

function minorVersion(value: unknown): { text: string; major: number; minor: number } | undefined {
  const match = typeof value === 'string' ? /^(\d+)\.(\d+)$/.exec(value) : null;
  return match ? { text: value as string, major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** The PGO annotation that lets one PGUpgrade, named by its value, run (k8s/major-upgrade.ts). */
const ALLOW_UPGRADE = 'postgres-operator.crunchydata.com/allow-upgrade';

/**
 * Every PostgresCluster whose `postgresVersion` changes without the upgrade's start deployed
 * in the baseline. PostgreSQL refuses to start on a data directory of another major, so a
 * new major is only possible after PGO's pg_upgrade ran: the baseline must hold the cluster
 * shut down and annotated for a PGUpgrade to exactly this major (docs/runbooks/major-upgrade.md).
 */
export function postgresVersionErrors(before: KubernetesObject[], after: KubernetesObject[]): string[] {
  const beforeByKey = new Map(before.map((object) => [objectKey(object), object]));
  return after
    .filter((object) => object.kind === 'PostgresCluster')
    .flatMap((cluster) => {
      const previous = beforeByKey.get(objectKey(cluster));
      const [from, to] = [previous, cluster].map((object) => spec(object)?.postgresVersion);
      if (!previous || typeof from !== 'number' || typeof to !== 'number' || from === to) {
        return [];
      }
      const name = objectKey(cluster);
      if (to < from) {
        return [
          `${name} postgresVersion: got ${to}, expected ${from}: a major version is never downgraded in place`,
        ];
      }
      const upgradeName = (previous.metadata as { annotations?: Record<string, string> } | undefined)
        ?.annotations?.[ALLOW_UPGRADE];
      const upgrade = before.find(
        (object) =>
          object.kind === 'PGUpgrade' &&
          object.metadata?.name === upgradeName &&
          object.metadata?.namespace === cluster.metadata?.namespace,
      );
      const started = spec(previous)?.shutdown === true && spec(upgrade)?.toPostgresVersion === to;
      return started
        ? []
        : [
            `${name} postgresVersion: got ${to}, expected ${from} until the upgrade's start step ` +
              `(upgrade: { from: ${from}, to: ${to} }) is deployed and PGO reports the PGUpgrade succeeded`,
          ];
    });
}

function spec(object: KubernetesObject | undefined): Record<string, unknown> | undefined {
  return object?.spec as Record<string, unknown> | undefined;
}
