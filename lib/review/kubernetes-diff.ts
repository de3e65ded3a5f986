/**
 * What a change does to the Kubernetes objects inside a `Custom::AWSCDK-EKS-KubernetesResource`:
 * its `Manifest` is one JSON string (with CloudFormation tokens inside), so `cdk diff` shows
 * the whole string. This reads the objects back and compares them field by field.
 */
import { parseQuantity } from '../config/quantity';
import { diffValues, FieldChange } from './value-diff';

/** The resource type of manifests applied by the aws-eks-v2 kubectl provider. */
export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/** The Kubernetes kinds whose deletion deletes a database or its volumes. */
export const STATEFUL_KINDS: readonly string[] = ['PostgresCluster', 'PersistentVolumeClaim'];

/** A Kubernetes object as applied by the kubectl provider. */
export interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** What changed in one object, or that it was added or removed. */
export interface ObjectChange {
  /** `PostgresCluster tenant-orders/orders`. */
  readonly object: string;
  /** The kind, to tell stateful objects. */
  readonly kind: string;
  readonly change: 'added' | 'removed' | 'modified';
  /** The changed fields of a modified object. */
  readonly fields: FieldChange[];
}

/** The objects of a manifest property, tokens rendered as `Ref(X)` / `GetAtt(X.Attr)` so a changed reference shows. */
export function manifestObjects(manifest: unknown): KubernetesObject[] {
  const json = renderTokens(manifest);
  try {
    const parsed = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch (error) {
    throw new Error(`the manifest is not JSON once tokens are rendered: ${(error as Error).message}`);
  }
}

/** Joins `Fn::Join` parts and renders every other intrinsic as short text (the manifest is a JSON string, so the text must not break it). */
export function renderTokens(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = (value ?? {}) as Record<string, unknown>;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(renderTokens).join(separator);
  }
  if ('Ref' in intrinsic) {
    return `Ref(${intrinsic.Ref})`;
  }
  if ('Fn::GetAtt' in intrinsic) {
    const target: unknown = intrinsic['Fn::GetAtt'];
    return `GetAtt(${Array.isArray(target) ? target.join('.') : String(target)})`;
  }
  return `${Object.keys(intrinsic)[0] ?? 'Token'}(...)`;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function objectKey(object: KubernetesObject): string {
  const { name, namespace } = object.metadata ?? {};
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The objects added, removed and modified between two lists of objects, matched by kind, namespace and name. */
export function diffObjects(before: KubernetesObject[], after: KubernetesObject[]): ObjectChange[] {
  const beforeByKey = new Map(before.map((object) => [objectKey(object), object]));
  const afterByKey = new Map(after.map((object) => [objectKey(object), object]));
  const changes: ObjectChange[] = [];
  for (const [key, object] of beforeByKey) {
    const next = afterByKey.get(key);
    if (!next) {
      changes.push({ object: key, kind: String(object.kind), change: 'removed', fields: [] });
      continue;
    }
    const fields = diffValues(object, next);
    if (fields.length > 0) {
      changes.push({ object: key, kind: String(object.kind), change: 'modified', fields });
    }
  }
  for (const [key, object] of afterByKey) {
    if (!beforeByKey.has(key)) {
      changes.push({ object: key, kind: String(object.kind), change: 'added', fields: [] });
    }
  }
  return changes;
}

/**
 * Every instance set of a PostgresCluster whose volume request got smaller. A claim can only
 * grow: the API server rejects a smaller request on a bound claim with
 * `spec.resources.requests.storage: Forbidden: field can not be less than previous value`
 * (kubernetes/kubernetes pkg/apis/core/validation/validation.go, ValidatePersistentVolumeClaimUpdate),
 * so PGO cannot apply the smaller size and the tenant's deploy fails or stalls.
 *
 * With an auto-grow limit the volume may have grown past the request, up to the limit, and the
 * spec never shows it (PGO keeps the grown size in status). A request below the grown size is
 * fine: PGO requests the larger of the two (autogrow.go `getDesiredVolumeSize`). A limit that
 * goes down or away is not: PGO then requests the new limit, or the bare request, which may be
 * below the grown claim (autogrow.go `setVolumeSize`). So a lower ceiling is flagged too.
 */
export function storageDecreases(before: KubernetesObject[], after: KubernetesObject[]): string[] {
  const afterByKey = new Map(after.map((object) => [objectKey(object), object]));
  return before
    .filter((object) => object.kind === 'PostgresCluster')
    .flatMap((cluster) => {
      const next = afterByKey.get(objectKey(cluster));
      if (!next) {
        return [];
      }
      const sizesAfter = new Map(instanceStorage(next).map((entry) => [entry.set, entry]));
      return instanceStorage(cluster).flatMap(({ set, storage: previous, limit: previousLimit }) => {
        const current = sizesAfter.get(set);
        if (current === undefined) {
          return [];
        }
        const bytes = (quantity: string | undefined) => (quantity ? (parseQuantity(quantity) ?? 0) : 0);
        if (bytes(current.storage) < bytes(previous)) {
          return [
            `${objectKey(cluster)} instance set ${set}: storage got ${current.storage}, expected ${previous} or more ` +
              `(the previous size): a PersistentVolumeClaim can grow but never shrink`,
          ];
        }
        const ceiling = Math.max(bytes(current.storage), bytes(current.limit));
        if (previousLimit !== undefined && ceiling < bytes(previousLimit)) {
          return [
            `${objectKey(cluster)} instance set ${set}: storage limit got ${current.limit ?? 'none'}, expected ` +
              `${previousLimit} or more (the previous limit): the volume may have grown up to it, and a ` +
              `PersistentVolumeClaim never shrinks`,
          ];
        }
        return [];
      });
    });
}

/**
 * Every PostgresCluster that existed without a data source and now has one. PGO reads
 * `spec.dataSource` to bootstrap a cluster, and decides whether to by comparing its bootstrap
 * id (`~pgo-bootstrap-<cluster>`) with the restore id in its status: an existing cluster never
 * bootstrapped from a data source has another id there, so PGO stops every instance and
 * restores the data source over its data (internal/controller/postgrescluster/cluster.go
 * `reconcileDataSource`, pgbackrest.go `prepareForRestore`). A data-loss risk, not an error:
 * replacing a tenant's data with another's may be meant.
 */
export function reseededClusters(before: KubernetesObject[], after: KubernetesObject[]): string[] {
  const hasDataSource = (object: KubernetesObject) =>
    (object.spec as { dataSource?: unknown } | undefined)?.dataSource !== undefined;
  const existing = new Map(
    before.filter((object) => object.kind === 'PostgresCluster').map((object) => [objectKey(object), object]),
  );
  return after
    .filter((object) => object.kind === 'PostgresCluster' && hasDataSource(object))
    .filter((object) => {
      const previous = existing.get(objectKey(object));
      return previous !== undefined && !hasDataSource(previous);
    })
    .map(
      (object) =>
        `${objectKey(object)} gets spec.dataSource: PGO re-bootstraps an existing cluster from it, replacing its data ` +
        '(cloneFrom is for new tenants only)',
    );
}

/** PGO's in-place restore annotation (internal/naming/annotations.go `PGBackRestRestore`). */
const RESTORE_ANNOTATION = 'postgres-operator.crunchydata.com/pgbackrest-restore';

/**
 * Every PostgresCluster asked for a new in-place restore: a new `pgbackrest-restore` value with
 * `spec.backups.pgbackrest.restore.enabled`. PGO then stops every instance and rewrites the
 * data directory (pgbackrest.go `prepareForRestore`): data written after the target is lost.
 * A data-loss risk the reviewer accepts with `--allow-data-loss`, never a silent PASS.
 */
export function inPlaceRestores(before: KubernetesObject[], after: KubernetesObject[]): string[] {
  type Restorable = KubernetesObject & {
    metadata?: { annotations?: Record<string, string> };
    spec?: { backups?: { pgbackrest?: { restore?: { enabled?: boolean; options?: string[] } } } };
  };
  const previousIds = new Map(
    (before as Restorable[])
      .filter((object) => object.kind === 'PostgresCluster')
      .map((object) => [objectKey(object), object.metadata?.annotations?.[RESTORE_ANNOTATION]]),
  );
  return (after as Restorable[])
    .filter((object) => object.kind === 'PostgresCluster')
    .flatMap((object) => {
      const id = object.metadata?.annotations?.[RESTORE_ANNOTATION];
      const restore = object.spec?.backups?.pgbackrest?.restore;
      const existed = previousIds.has(objectKey(object));
      if (!existed || !id || restore?.enabled !== true || previousIds.get(objectKey(object)) === id) {
        return [];
      }
      const target = (restore.options ?? []).find((option) => option.startsWith('--target='));
      return [
        `${objectKey(object)} restores in place (${RESTORE_ANNOTATION}: ${id}${target ? `, ${target}` : ''}): ` +
          'every instance stops and data written after the target is lost',
      ];
    });
}

/** The fields of a PostgresCluster instance set the storage guard reads. */
interface InstanceSetStorage {
  readonly name?: string;
  readonly dataVolumeClaimSpec?: {
    readonly resources?: {
      readonly requests?: { readonly storage?: unknown };
      readonly limits?: { readonly storage?: unknown };
    };
  };
}

/** The storage request and auto-grow limit of each instance set, by instance set name. */
function instanceStorage(cluster: KubernetesObject): { set: string; storage: string; limit?: string }[] {
  const instances = (cluster.spec as { instances?: InstanceSetStorage[] } | undefined)?.instances ?? [];
  return instances
    .map((instance, index) => {
      const limit = instance.dataVolumeClaimSpec?.resources?.limits?.storage;
      return {
        // An unnamed set is shown by its position in spec.instances.
        set: typeof instance.name === 'string' && instance.name !== '' ? instance.name : `[${index}]`,
        storage: instance.dataVolumeClaimSpec?.resources?.requests?.storage,
        limit: typeof limit === 'string' ? limit : undefined,
      };
    })
    .filter(
      (entry): entry is { set: string; storage: string; limit: string | undefined } =>
        typeof entry.storage === 'string',
    );
}
