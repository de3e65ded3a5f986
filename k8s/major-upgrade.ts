/**
 * The start of a PostgreSQL major version upgrade, as PGO v6 requires it
 * (internal/controller/pgupgrade/pgupgrade_controller.go): a PGUpgrade naming the cluster, the
 * cluster annotated `allow-upgrade: <PGUpgrade name>`, and the cluster shut down. PGO then
 * runs pg_upgrade in a Job on the primary's volume, empties the replicas' volumes, and marks
 * the PGUpgrade `Succeeded`. Only then may the cluster's postgresVersion change (the finish
 * step): PGO treats a cluster already at `to` as "already running" and never upgrades it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Placement, ResourceRequirements } from './postgres-cluster';

/** The annotation on the PostgresCluster that lets one PGUpgrade, named by its value, run. */
export const ALLOW_UPGRADE_ANNOTATION = 'postgres-operator.crunchydata.com/allow-upgrade';

/** The PGUpgrade spec, covering the fields this project sets. */
export interface PGUpgradeSpec extends Omit<Placement, 'topologySpreadConstraints'> {
  readonly postgresClusterName: string;
  readonly fromPostgresVersion: number;
  readonly toPostgresVersion: number;
  /** The pg_upgrade image; PGO's RELATED_IMAGE_PGUPGRADE when unset. */
  readonly image?: string;
  readonly imagePullSecrets?: { readonly name: string }[];
  /** Resources of the upgrade Job's container. */
  readonly resources?: ResourceRequirements;
}

/** Properties of {@link PGUpgrade}. */
export interface PGUpgradeProps {
  /** Object metadata. */
  readonly metadata: { readonly name: string; readonly namespace: string };
  /** The spec. */
  readonly spec: PGUpgradeSpec;
}

/** A PGUpgrade custom resource (`postgres-operator.crunchydata.com/v1beta1`; PGO v6 serves no v1). */
export class PGUpgrade extends ApiObject {
  /** API version of PGUpgrade in PGO v6. */
  static readonly API_VERSION = 'postgres-operator.crunchydata.com/v1beta1';

  constructor(scope: Construct, id: string, props: PGUpgradeProps) {
    super(scope, id, { apiVersion: PGUpgrade.API_VERSION, kind: 'PGUpgrade', ...props });
  }
}

/**
 * The PGUpgrade's name. The major is part of it, so a later upgrade is a new object: PGO
 * never reruns a PGUpgrade that succeeded. PGO names its Jobs `<name>-pgdata` and
 * `<name>-<instance>` (pgupgrade/jobs.go); with a 20-character tenant name and PGO's
 * 28-character instance names the longest stays within the 63 characters of a label value.
 */
export function upgradeName(clusterName: string, to: number): string {
  return `${clusterName}-upgrade-pg${to}`;
}

/** Properties of {@link MajorUpgrade}. */
export interface MajorUpgradeProps {
  /** Namespace of the cluster. */
  readonly namespace: string;
  /** The PostgresCluster's name. */
  readonly clusterName: string;
  /** The major the cluster runs. */
  readonly from: number;
  /** The major to upgrade to. */
  readonly to: number;
  /**
   * The pg_upgrade image.
   * @default - PGO's RELATED_IMAGE_PGUPGRADE
   */
  readonly image?: string;
  /** Image pull Secret names. @default - none */
  readonly imagePullSecretNames?: string[];
  /**
   * Where the Job runs and with what. PGO copies the primary's pod template but takes
   * affinity and tolerations from the PGUpgrade alone (pgupgrade/jobs.go, generateUpgradeJob):
   * without the database pool's, the Job could never reach the tainted node its volume is on.
   */
  readonly placement: Omit<Placement, 'topologySpreadConstraints'>;
  /** Resources of the Job; the stopped instance's are free while it runs. */
  readonly resources: ResourceRequirements;
}

/** The PGUpgrade of a tenant, and what the PostgresCluster must carry while it runs. */
export class MajorUpgrade extends Construct {
  /** The annotation the PostgresCluster carries while the upgrade runs. */
  readonly clusterAnnotations: Record<string, string>;

  constructor(scope: Construct, id: string, props: MajorUpgradeProps) {
    super(scope, id);
    const name = upgradeName(props.clusterName, props.to);
    const pullSecrets = props.imagePullSecretNames ?? [];
    new PGUpgrade(this, 'Resource', {
      metadata: { name, namespace: props.namespace },
      spec: {
        postgresClusterName: props.clusterName,
        fromPostgresVersion: props.from,
        toPostgresVersion: props.to,
        image: props.image,
        imagePullSecrets:
          pullSecrets.length > 0 ? pullSecrets.map((secret) => ({ name: secret })) : undefined,
        resources: props.resources,
        ...props.placement,
      },
    });
    this.clusterAnnotations = { [ALLOW_UPGRADE_ANNOTATION]: name };
  }
}
