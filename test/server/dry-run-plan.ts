/**
 * What the server-side dry-run applies, and what it cannot: every Kubernetes object of every
 * synthesized stack (tokens replaced by plausible values), the kinds it skips because no CRD
 * for them is installed, and the namespaces that must exist first.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { KubernetesObject } from '../conformance/kubernetes-schemas';
import { manifestsOf } from '../conformance/template-manifests';
import { environmentOf, plausibleValues, type SynthesizedStack } from './plausible-values';

/** One object a manifest applies. */
export interface AppliedObject {
  /** `<stack>/<logical ID of the manifest>`. */
  readonly source: string;
  readonly object: KubernetesObject;
}

/** A Helm release the kubectl provider installs: not a manifest, so not dry-run. */
export interface HelmRelease {
  readonly source: string;
  readonly release: string;
  readonly namespace: string;
}

/** A kind the dry-run skips because the API server has no CRD for it, and why. */
export interface KindWithoutCrd {
  /** API group, without version: every version of the kind is skipped. */
  readonly group: string;
  readonly kind: string;
  readonly reason: string;
}

/**
 * Kinds applied without their CRD installed in the test server. A kind that the server does
 * not serve and that is not listed here fails the dry-run: it is a typo in an apiVersion, or
 * a CRD that belongs in ../shared/schemas/crds.
 */
export const KINDS_WITHOUT_CRD: readonly KindWithoutCrd[] = [
  ...['ExternalSecret', 'SecretStore', 'ClusterSecretStore'].map((kind) => ({
    group: 'external-secrets.io',
    kind,
    reason:
      "External Secrets Operator's CRDs are not in ../shared/schemas/crds (see its SOURCES.md); " +
      'the operator installs them with its Helm chart',
  })),
  {
    group: 'generators.external-secrets.io',
    kind: 'Password',
    reason:
      "External Secrets Operator's generator CRDs are not in ../shared/schemas/crds (see its " +
      'SOURCES.md); the operator installs them with its Helm chart',
  },
];

/** The namespaces every cluster has: kube-apiserver creates them itself. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The CloudFormation stacks of a cloud assembly (`cdk.out`), in the order of its manifest. */
export function loadAssembly(directory: string): SynthesizedStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(
      `${manifestFile} not found: synthesize first (npx cdk synth -c config=config/example.yaml)`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  return Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => ({
      stackName: artifact.properties?.stackName ?? id,
      ...environmentOf(artifact.environment),
      template: JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf8')),
    }));
}

/** Every object every manifest of `stacks` applies, with plausible values for its tokens. */
export function appliedObjects(stacks: readonly SynthesizedStack[]): AppliedObject[] {
  return stacks.flatMap((stack) =>
    manifestsOf(stack.template, plausibleValues(stack, stacks)).flatMap((manifest) =>
      manifest.objects.map((object) => ({ source: `${stack.stackName}/${manifest.logicalId}`, object })),
    ),
  );
}

/** The Helm releases of `stacks`. */
export function helmReleases(stacks: readonly SynthesizedStack[]): HelmRelease[] {
  return stacks.flatMap((stack) =>
    Object.entries<any>(stack.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'Custom::AWSCDK-EKS-HelmChart')
      .map(([logicalId, resource]) => ({
        source: `${stack.stackName}/${logicalId}`,
        release: String(resource.Properties.Release ?? resource.Properties.Chart),
        // The kubectl provider installs into `default` when no namespace is given.
        namespace: String(resource.Properties.Namespace ?? 'default'),
      })),
  );
}

/** The objects to dry-run, the kinds skipped, and the kinds that fail the run. */
export interface KindPlan {
  readonly apply: AppliedObject[];
  /** Listed kinds the server does not serve, with the objects skipped. */
  readonly skipped: { readonly entry: KindWithoutCrd; readonly objects: AppliedObject[] }[];
  /** `<apiVersion> <kind>` the server does not serve and no entry lists. */
  readonly unknown: string[];
  /** Listed kinds the server does serve: they are dry-run, and the entry is obsolete. */
  readonly obsolete: KindWithoutCrd[];
}

/** Splits `objects` by whether the server serves their kind (`served(apiVersion, kind)`). */
export function planKinds(
  objects: readonly AppliedObject[],
  served: (apiVersion: string, kind: string) => boolean,
  kindsWithoutCrd: readonly KindWithoutCrd[] = KINDS_WITHOUT_CRD,
): KindPlan {
  const apply: AppliedObject[] = [];
  const skipped = new Map<KindWithoutCrd, AppliedObject[]>();
  const unknown = new Set<string>();
  const obsolete = new Set<KindWithoutCrd>();
  for (const applied of objects) {
    const { apiVersion = '', kind = '' } = applied.object;
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const entry = kindsWithoutCrd.find((e) => e.group === group && e.kind === kind);
    if (served(apiVersion, kind)) {
      apply.push(applied);
      if (entry) {
        obsolete.add(entry);
      }
    } else if (entry) {
      skipped.set(entry, [...(skipped.get(entry) ?? []), applied]);
    } else {
      unknown.add(`${apiVersion} ${kind}`);
    }
  }
  return {
    apply,
    skipped: [...skipped].map(([entry, skippedObjects]) => ({ entry, objects: skippedObjects })),
    unknown: [...unknown],
    obsolete: [...obsolete],
  };
}

/** The namespaces the objects are applied in, by who creates them in a real cluster. */
export interface NamespacePlan {
  /** Namespace objects the app's manifests apply: applied for real before the dry-run. */
  readonly fromManifests: AppliedObject[];
  /** Namespaces that only a Helm release creates (`CreateNamespace`): created empty. */
  readonly fromHelm: HelmRelease[];
  /** Namespaces objects are applied in that nothing creates, with those objects' sources. */
  readonly missing: { readonly namespace: string; readonly sources: string[] }[];
}

/** Which namespaces exist before the manifests are applied, and which nothing creates. */
export function planNamespaces(
  objects: readonly AppliedObject[],
  releases: readonly HelmRelease[],
): NamespacePlan {
  const fromManifests = objects.filter(
    ({ object }) => object.apiVersion === 'v1' && object.kind === 'Namespace',
  );
  const created = new Set([
    ...SYSTEM_NAMESPACES,
    ...fromManifests.map(({ object }) => object.metadata?.name),
  ]);
  const fromHelm = releases.filter(
    (release, index) =>
      !created.has(release.namespace) &&
      releases.findIndex((other) => other.namespace === release.namespace) === index,
  );
  fromHelm.forEach((release) => created.add(release.namespace));
  const missing = new Map<string, string[]>();
  for (const { source, object } of objects) {
    const namespace = object.metadata?.namespace;
    if (namespace && !created.has(namespace)) {
      missing.set(namespace, [...new Set([...(missing.get(namespace) ?? []), source])]);
    }
  }
  return {
    fromManifests,
    fromHelm,
    missing: [...missing].map(([namespace, sources]) => ({ namespace, sources })),
  };
}

/** `<apiVersion> <kind> <namespace>/<name>` of an object, for messages. */
export function describeObject({ object }: AppliedObject): string {
  const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.apiVersion} ${object.kind} ${namespace}${object.metadata?.name}`;
}
