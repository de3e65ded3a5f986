/**
 * Server-side dry-run of every object the app applies, against the real kube-apiserver that
 * scripts/server-dry-run.sh starts (KUBECONFIG set, the CRDs of ../shared/schemas/crds
 * installed, so their CEL rules are enforced):
 *   ts-node test/server/server-dry-run.ts <cdk.out directory>...
 *
 * First it proves the server rejects what it must (canaries: a CEL rule, an undeclared field,
 * a namespace nothing creates); a dry-run that cannot fail would prove nothing.
 */
import { spawnSync } from 'child_process';
import type { KubernetesObject } from '../conformance/kubernetes-schemas';
import {
  appliedObjects,
  describeObject,
  helmReleases,
  loadAssembly,
  planKinds,
  planNamespaces,
  type AppliedObject,
  type KindPlan,
  type NamespacePlan,
} from './dry-run-plan';

const FIELD_MANAGER = 'server-dry-run';
const DRY_RUN = [
  'apply',
  '--server-side',
  '--dry-run=server',
  '--validate=strict',
  `--field-manager=${FIELD_MANAGER}`,
  '-f',
  '-',
];

/** An object the server must reject, and the message that shows it rejected it for the right reason. */
interface Canary {
  readonly description: string;
  readonly object: KubernetesObject;
  readonly expected: RegExp;
}

function kubectl(args: string[], input?: KubernetesObject): { ok: boolean; output: string } {
  const result = spawnSync('kubectl', args, {
    input: input && JSON.stringify(input),
    encoding: 'utf8',
  });
  if (result.error) {
    throw result.error;
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Whether the server serves `kind` in `apiVersion`, from its discovery document (cached per apiVersion). */
function discovery(): (apiVersion: string, kind: string) => boolean {
  const kindsByApiVersion = new Map<string, Set<string>>();
  return (apiVersion, kind) => {
    if (!kindsByApiVersion.has(apiVersion)) {
      const result = kubectl([
        'get',
        '--raw',
        apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
      ]);
      if (!result.ok && !/NotFound|could not find the requested resource/.test(result.output)) {
        throw new Error(`discovery of ${apiVersion} failed: ${result.output}`);
      }
      const resources: { kind: string }[] = result.ok ? JSON.parse(result.output).resources : [];
      kindsByApiVersion.set(apiVersion, new Set(resources.map((resource) => resource.kind)));
    }
    return kindsByApiVersion.get(apiVersion)!.has(kind);
  };
}

/** Objects the server must reject, made from the app's own PostgresCluster so that only the planted fault is wrong. */
function canaries(objects: readonly AppliedObject[]): Canary[] {
  const cluster = objects.find(({ object }) => object.kind === 'PostgresCluster')?.object;
  if (!cluster) {
    throw new Error('no PostgresCluster among the objects: the canaries are made from one');
  }
  const withSpec = (spec: Record<string, unknown>): KubernetesObject => ({
    ...cluster,
    spec: { ...(cluster.spec as object), ...spec },
  });
  const config = (cluster.spec as any).config ?? {};
  return [
    {
      // PGO v6 CRD, spec.config.parameters x-kubernetes-validations (config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml)
      description:
        'a PostgresCluster breaking a CEL rule of its CRD (spec.config.parameters.listen_addresses)',
      object: withSpec({
        config: { ...config, parameters: { ...config.parameters, listen_addresses: '*' } },
      }),
      expected: /network connectivity is always enabled: listen_addresses/,
    },
    {
      description: 'a PostgresCluster with a field its schema does not declare (spec.replica)',
      object: withSpec({ replica: 2 }),
      expected: /unknown field "spec\.replica"|\.spec\.replica: field not declared in schema/,
    },
    {
      description: 'an object in a namespace that nothing creates',
      object: {
        ...cluster,
        metadata: { ...cluster.metadata, namespace: 'server-dry-run-no-such-namespace' },
      },
      expected: /namespaces "server-dry-run-no-such-namespace" not found/,
    },
  ];
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Reports the kinds skipped for want of a CRD; returns the kinds that fail the run. */
function reportKinds(kinds: KindPlan): string[] {
  for (const { entry, objects } of kinds.skipped) {
    print(`SKIPPED ${objects.length} ${entry.group} ${entry.kind} (no CRD installed: ${entry.reason}):`);
    objects.forEach((applied) => print(`  ${applied.source} ${describeObject(applied)}`));
  }
  for (const entry of kinds.obsolete) {
    print(`note: ${entry.group} ${entry.kind} is served now; remove it from KINDS_WITHOUT_CRD`);
  }
  return kinds.unknown.map(
    (kind) =>
      `${kind}: the API server does not serve it and it is not in KINDS_WITHOUT_CRD (test/server/dry-run-plan.ts); ` +
      'fix the apiVersion, add the CRD to ../shared/schemas/crds, or list the kind with the reason',
  );
}

/** Makes the namespaces exist as they would before the manifests are applied; returns the problems. */
function prepareNamespaces(namespaces: NamespacePlan): string[] {
  const problems: string[] = [];
  for (const applied of namespaces.fromManifests) {
    const result = kubectl(
      ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'],
      applied.object,
    );
    if (!result.ok) {
      problems.push(`${applied.source} ${describeObject(applied)}: ${result.output}`);
    }
  }
  for (const release of namespaces.fromHelm) {
    const result = kubectl(['create', 'namespace', release.namespace]);
    print(`namespace ${release.namespace} created empty: the Helm release ${release.release} creates it`);
    if (!result.ok) {
      problems.push(`namespace ${release.namespace}: ${result.output}`);
    }
  }
  for (const { namespace, sources } of namespaces.missing) {
    problems.push(
      `namespace ${namespace}: no manifest and no Helm release creates it, yet ${sources.join(', ')} apply objects in it`,
    );
  }
  return problems;
}

/** Dry-runs each canary; returns those the server did not reject for the expected reason. */
function runCanaries(objects: readonly AppliedObject[]): string[] {
  const problems: string[] = [];
  for (const canary of canaries(objects)) {
    const result = kubectl(DRY_RUN, canary.object);
    const reason = canary.expected.exec(result.output)?.[0];
    if (!result.ok && reason) {
      print(`canary rejected as expected: ${canary.description}: "${reason}"`);
    } else {
      problems.push(
        `canary ${result.ok ? 'accepted' : 'rejected for another reason'}: ${canary.description}: ${result.output}`,
      );
    }
  }
  return problems;
}

/** Dry-runs each object; returns the rejections. */
function dryRun(objects: readonly AppliedObject[]): string[] {
  const problems: string[] = [];
  for (const applied of objects) {
    const result = kubectl(DRY_RUN, applied.object);
    print(`${result.ok ? 'ok  ' : 'FAIL'} ${applied.source} ${describeObject(applied)}`);
    if (!result.ok) {
      problems.push(`${applied.source} ${describeObject(applied)}: ${result.output}`);
    }
    // The server's warnings (deprecated APIs, PodSecurity) do not fail the run but are shown.
    result.output
      .split('\n')
      .filter((line) => line.startsWith('Warning:'))
      .forEach((line) => print(`     ${line}`));
  }
  return problems;
}

function main(directories: string[]): number {
  if (directories.length === 0) {
    console.error('usage: ts-node test/server/server-dry-run.ts <cdk.out directory>...');
    return 2;
  }
  const stacks = directories.flatMap(loadAssembly);
  const objects = appliedObjects(stacks);
  const releases = helmReleases(stacks);
  const manifests = new Set(objects.map(({ source }) => source)).size;
  print(
    `server-side dry-run: ${objects.length} objects from ${manifests} manifests in ${stacks.length} stacks`,
  );
  print(
    'CloudFormation tokens are replaced by plausible values of their type (test/server/plausible-values.ts)',
  );
  for (const release of releases) {
    print(
      `not dry-run: Helm release ${release.release} in ${release.namespace} (${release.source}): not a manifest`,
    );
  }

  const kinds = planKinds(objects, discovery());
  const problems = [
    ...reportKinds(kinds),
    ...prepareNamespaces(planNamespaces(kinds.apply, releases)),
    ...runCanaries(kinds.apply),
  ];
  const rejected = dryRun(kinds.apply);
  problems.push(...rejected);

  problems.forEach((problem) => print(`ERROR ${problem}`));
  const skipped = kinds.skipped.reduce((sum, entry) => sum + entry.objects.length, 0);
  print(
    `server-side dry-run summary: ${kinds.apply.length - rejected.length} accepted, ${rejected.length} rejected, ` +
      `${skipped} skipped (kinds without a CRD), ${problems.length} problem(s)`,
  );
  return problems.length === 0 ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`ERROR ${(error as Error).message}`);
  process.exitCode = 1;
}
