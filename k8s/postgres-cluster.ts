/**
 * A typed PostgresCluster (PGO v6, `postgres-operator.crunchydata.com/v1`), covering the
 * fields this project sets. Hand-written instead of generated: the CRD is 2.9 MB. The
 * conformance tests check every object built from these types against the real CRD.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { SidecarContainer } from './pgbouncer-exporter';

/** Kubernetes resource requests and limits. */
export interface ResourceRequirements {
  readonly requests?: Record<string, string>;
  readonly limits?: Record<string, string>;
}

/** A pod toleration. */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A label selector by exact labels. */
export interface LabelSelector {
  readonly matchLabels: Record<string, string>;
}

/** A topology spread constraint. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector: LabelSelector;
}

/** Node affinity requiring a label value. */
export interface Affinity {
  readonly nodeAffinity: {
    readonly requiredDuringSchedulingIgnoredDuringExecution: {
      readonly nodeSelectorTerms: {
        readonly matchExpressions: {
          readonly key: string;
          readonly operator: 'In';
          readonly values: string[];
        }[];
      }[];
    };
  };
}

/**
 * A Secret mounted as a volume projection. PGO reads `tls.crt`, `tls.key` and `ca.crt` from
 * the Secrets it is given for TLS (PGO internal/controller/postgrescluster/pki.go,
 * internal/pgbouncer/certificates.go): cert-manager's key names, so no `items` mapping.
 */
export interface SecretProjection {
  readonly name: string;
}

/** Placement shared by PostgreSQL instances and PgBouncer. */
export interface Placement {
  readonly affinity?: Affinity;
  readonly tolerations?: Toleration[];
  readonly topologySpreadConstraints?: TopologySpreadConstraint[];
}

/** One set of PostgreSQL instances. */
export interface PostgresInstanceSetSpec extends Placement {
  readonly name: string;
  readonly replicas: number;
  /** Resources of the `database` container; PGO's init containers copy them. */
  readonly resources: ResourceRequirements;
  /** Resources of the containers PGO adds to each instance pod. */
  readonly sidecars?: { readonly replicaCertCopy?: { readonly resources: ResourceRequirements } };
  readonly dataVolumeClaimSpec: {
    readonly storageClassName: string;
    readonly accessModes: ['ReadWriteOnce'];
    readonly resources: {
      readonly requests: { readonly storage: string };
      /** With PGO's AutoGrowVolumes feature gate, the size PGO may grow the volume to. */
      readonly limits?: { readonly storage: string };
    };
  };
}

/** A pgBackRest repository in S3. */
export interface PgBackRestRepo {
  readonly name: string;
  readonly s3: { readonly bucket: string; readonly endpoint: string; readonly region: string };
  readonly schedules?: {
    readonly full?: string;
    readonly differential?: string;
    readonly incremental?: string;
  };
}

/** Backup configuration. */
export interface BackupsSpec {
  readonly pgbackrest: {
    readonly image?: string;
    readonly global: Record<string, string>;
    readonly repos: PgBackRestRepo[];
    readonly configuration?: { readonly secret: { readonly name: string } }[];
    /** What an on-demand backup does when the `pgbackrest-backup` annotation is set. */
    readonly manual?: { readonly repoName: string; readonly options?: string[] };
    /** An in-place restore, started when the `pgbackrest-restore` annotation changes. */
    readonly restore?: {
      readonly enabled: boolean;
      readonly repoName: string;
      readonly options?: string[];
      readonly resources?: ResourceRequirements;
      readonly affinity?: Affinity;
      readonly tolerations?: Toleration[];
    };
    /** Resources of the pgBackRest containers PGO adds to each instance pod. */
    readonly sidecars?: {
      readonly pgbackrest?: { readonly resources: ResourceRequirements };
      readonly pgbackrestConfig?: { readonly resources: ResourceRequirements };
    };
    /** Resources of the backup Jobs' container. */
    readonly jobs?: { readonly resources: ResourceRequirements };
  };
}

/**
 * A cloud repository to bootstrap a new cluster from (`spec.dataSource.pgbackrest`). Only
 * `configuration` is projected into the restore Job, not the cluster's own (PGO
 * internal/pgbackrest/config.go `AddConfigToRestorePod`).
 */
export interface PgBackRestDataSource {
  readonly stanza: string;
  readonly repo: PgBackRestRepo;
  readonly global?: Record<string, string>;
  readonly configuration?: { readonly secret: { readonly name: string } }[];
  readonly options?: string[];
  readonly resources?: ResourceRequirements;
  readonly affinity?: Affinity;
  readonly tolerations?: Toleration[];
}

/** A PostgreSQL user PGO manages; its password goes into a generated Secret. */
export interface PostgresUserSpec {
  readonly name: string;
  readonly databases?: string[];
}

/** The PostgresCluster spec. */
export interface PostgresClusterSpec {
  readonly postgresVersion: number;
  readonly image?: string;
  /** Scales every workload to zero and suspends backups; a major upgrade requires it. */
  readonly shutdown?: boolean;
  /** Suspends PGO's rollout of spec changes (see docs/runbooks/upgrade-operator.md). */
  readonly paused?: boolean;
  readonly imagePullSecrets?: { readonly name: string }[];
  /** Labels and annotations PGO propagates to every object it creates, service accounts included. */
  readonly metadata?: {
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly instances: PostgresInstanceSetSpec[];
  readonly backups: BackupsSpec;
  /** Where the data of a new cluster comes from; read once, when the cluster bootstraps. */
  readonly dataSource?: { readonly pgbackrest: PgBackRestDataSource };
  /** PostgreSQL's server certificate, key and CA, instead of the ones PGO generates. */
  readonly customTLSSecret?: SecretProjection;
  /** The `_crunchyrepl` client certificate; required with `customTLSSecret`, same `ca.crt`. */
  readonly customReplicationTLSSecret?: SecretProjection;
  readonly proxy?: {
    readonly pgBouncer: Placement & {
      readonly replicas: number;
      readonly image?: string;
      readonly resources?: ResourceRequirements;
      /** PgBouncer's server certificate, key and CA, instead of the ones PGO generates. */
      readonly customTLSSecret?: SecretProjection;
      /** PgBouncer settings; `global` goes to the [pgbouncer] section (values are strings). */
      readonly config?: { readonly global?: Record<string, string> };
      /** Resources of the configuration reload sidecar. */
      readonly sidecars?: { readonly pgbouncerConfig?: { readonly resources: ResourceRequirements } };
      /** Extra containers PGO appends to each PgBouncer pod (the metrics exporter). */
      readonly containers?: SidecarContainer[];
    };
  };
  readonly replicaService?: { readonly type: 'ClusterIP' };
  readonly monitoring?: {
    readonly pgmonitor: {
      readonly exporter: { readonly image?: string; readonly resources?: ResourceRequirements };
    };
  };
  readonly users?: PostgresUserSpec[];
  /**
   * PostgreSQL settings. PGO's CRD validates `parameters` at admission (CEL rules refuse the
   * names PGO owns; at most 50; values int-or-string), unlike Patroni's dynamicConfiguration.
   */
  readonly config?: { readonly parameters?: Record<string, string> };
}

/** Properties of {@link PostgresCluster}. */
export interface PostgresClusterProps {
  /** Object metadata; `name` becomes the cluster name PGO derives Service names from. */
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Record<string, string>;
    /** Annotations PGO reads on the cluster itself (e.g. `autoCreateUserSchema`). */
    readonly annotations?: Record<string, string>;
  };
  /** The spec. */
  readonly spec: PostgresClusterSpec;
}

/**
 * The label every platform PostgresCluster carries so that a PGAdmin's
 * `serverGroups[].postgresClusterSelector` finds it (k8s/pgadmin.ts).
 */
export const PGADMIN_DISCOVERY_LABEL = { 'postgres-platform/pgadmin': 'discover' } as const;

/** A PostgresCluster custom resource. */
export class PostgresCluster extends ApiObject {
  /** API version of PostgresCluster in PGO v6. */
  static readonly API_VERSION = 'postgres-operator.crunchydata.com/v1';

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id, {
      apiVersion: PostgresCluster.API_VERSION,
      kind: 'PostgresCluster',
      ...props,
      metadata: { ...props.metadata, labels: { ...props.metadata.labels, ...PGADMIN_DISCOVERY_LABEL } },
    });
  }
}
