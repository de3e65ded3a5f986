/**
 * The server-side dry-run plan of the operations that add kinds or fields: a major upgrade's
 * start (PGUpgrade, a shut-down cluster) and a paused cluster. Every object is one the test
 * server serves from the CRDs scripts/server-dry-run.sh installs, so none is skipped.
 * (Run for real on 2026-11-25 with the start config: 46 accepted, 0 rejected.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { schemasAvailable, schemasDir } from '../conformance/kubernetes-schemas';
import { createEnvironmentStacks } from '../../lib/environment';
import { configWith, newApp } from '../util';
import { appliedObjects, loadAssembly, planKinds, type AppliedObject } from './dry-run-plan';

const describeWithSchemas = schemasAvailable() ? describe : describe.skip;

/** `<apiVersion> <kind>` of every served version of the PGO CRDs the dry-run installs. */
function servedPgoKinds(): Set<string> {
  const dir = path.join(schemasDir(), 'crds');
  const kinds = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((name) => name.startsWith('postgres-operator.'))) {
    for (const document of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = document.toJS();
      for (const version of crd.spec.versions.filter((v: any) => v.served)) {
        kinds.add(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`);
      }
    }
  }
  return kinds;
}

describeWithSchemas('the dry-run of a major upgrade start and a paused cluster', () => {
  let objects: AppliedObject[];
  beforeAll(() => {
    const app = newApp();
    createEnvironmentStacks(
      app,
      configWith((d) => {
        d.tenants[0].paused = true;
        d.tenants[1].upgrade = { from: 16, to: 17 };
      }),
    );
    objects = appliedObjects(loadAssembly(app.synth().directory)).filter(({ object }) =>
      ['PGUpgrade', 'PostgresCluster'].includes(String(object.kind)),
    );
  });

  test('applies the PGUpgrade and both PostgresClusters, as kinds the server serves', () => {
    const served = servedPgoKinds();
    const plan = planKinds(objects, (apiVersion, kind) => served.has(`${apiVersion} ${kind}`));
    expect([
      plan.apply.map(({ object }) => `${object.kind} ${object.metadata?.name}`).sort(),
      plan.unknown,
    ]).toEqual([
      ['PGUpgrade analytics-upgrade-pg17', 'PostgresCluster analytics', 'PostgresCluster orders'],
      [],
    ]);
  });

  test('would report a PGUpgrade under an apiVersion PGO does not serve (v1)', () => {
    const served = servedPgoKinds();
    const moved = objects.map((applied) =>
      applied.object.kind === 'PGUpgrade'
        ? { ...applied, object: { ...applied.object, apiVersion: 'postgres-operator.crunchydata.com/v1' } }
        : applied,
    );
    expect(planKinds(moved, (apiVersion, kind) => served.has(`${apiVersion} ${kind}`)).unknown).toEqual([
      'postgres-operator.crunchydata.com/v1 PGUpgrade',
    ]);
  });
});
