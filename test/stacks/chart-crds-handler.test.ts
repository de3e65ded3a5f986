/**
 * The function behind ChartCrds (lib/constructs/chart-crds-handler/index.py), run with
 * python3 against stand-ins for aws, helm and kubectl that record their arguments: what it
 * runs, in which order, and what it refuses to do.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const HANDLER_DIR = path.join(__dirname, '..', '..', 'lib', 'constructs', 'chart-crds-handler');
// The interpreter itself, not a version manager's shim, which would put its own bin directory
// (with a real aws CLI) ahead of the stand-ins on PATH.
const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
const PYTHON = python.status === 0 ? python.stdout.trim() : undefined;
const describeWithPython = PYTHON ? describe : describe.skip;

/** Stand-in binaries: each logs its argv; helm pull unpacks a chart with `crdFiles` in crds/. */
function fakeTools(dir: string, crdFiles: string[]): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'calls.log');
  const logLine = `echo "$(basename "$0") $*" >> ${log}`;
  fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\n${logLine}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\n${logLine}\n`, { mode: 0o755 });
  const makeCrds = crdFiles
    .map((file) => `echo "kind: CustomResourceDefinition" > "$out/pgo/crds/${file}"`)
    .join('\n');
  fs.writeFileSync(
    path.join(bin, 'helm'),
    `#!/bin/sh\n${logLine}\nwhile [ $# -gt 0 ]; do [ "$1" = --untardir ] && out=$2; shift; done\n` +
      `mkdir -p "$out/pgo/crds" "$out/pgo/templates"\n${makeCrds}\n`,
    { mode: 0o755 },
  );
  return bin;
}

function runHandler(requestType: string, crdFiles: string[], previousVersion?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-crds-'));
  const bin = fakeTools(dir, crdFiles);
  const event = {
    RequestType: requestType,
    ResourceProperties: {
      ClusterName: 'example-cluster',
      Repository: 'oci://registry.developers.crunchydata.com/crunchydata/pgo',
      Chart: 'pgo',
      Version: '6.0.4',
    },
    ...(previousVersion ? { OldResourceProperties: { Version: previousVersion } } : {}),
  };
  const result = spawnSync(
    PYTHON!,
    ['-c', 'import json, sys; import index; index.on_event(json.load(sys.stdin))'],
    {
      cwd: HANDLER_DIR,
      input: JSON.stringify(event),
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    },
  );
  const logFile = path.join(dir, 'calls.log');
  const calls = fs.existsSync(logFile)
    ? fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.replace(/\/\S*\/tmp\w+(?=\/|\s|$)/g, '<work>'))
    : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, calls };
}

describeWithPython('the chart CRD function', () => {
  test("pulls the chart version and applies each file of its crds/ folder server-side, taking Helm's fields", () => {
    const { status, calls } = runHandler('Update', ['postgresclusters.yaml', 'pgupgrades.yaml']);
    expect(status).toBe(0);
    expect(calls).toEqual([
      'aws eks update-kubeconfig --name example-cluster --kubeconfig <work>/kubeconfig',
      'helm pull oci://registry.developers.crunchydata.com/crunchydata/pgo --version 6.0.4 --untar --untardir <work>',
      'kubectl apply --server-side --force-conflicts --field-manager=chart-crds --kubeconfig <work>/kubeconfig -f <work>/pgo/crds/pgupgrades.yaml',
      'kubectl apply --server-side --force-conflicts --field-manager=chart-crds --kubeconfig <work>/kubeconfig -f <work>/pgo/crds/postgresclusters.yaml',
    ]);
  });

  test('applies on Create too: the first install gets the same CRDs before Helm runs', () => {
    const { status, calls } = runHandler('Create', ['postgresclusters.yaml']);
    expect([status, calls.filter((call) => call.startsWith('kubectl')).length]).toEqual([0, 1]);
  });

  test('leaves the CRDs on Delete: deleting one deletes every database of its kind', () => {
    const { status, calls } = runHandler('Delete', ['postgresclusters.yaml']);
    expect([status, calls]).toEqual([0, []]);
  });

  test('fails, naming the chart, when the chart has no crds/ folder to apply', () => {
    const { status, stderr, calls } = runHandler('Update', []);
    expect(status).not.toBe(0);
    expect(stderr).toContain('pgo 6.0.4 has no crds/ folder');
    expect(calls.filter((call) => call.startsWith('kubectl'))).toEqual([]);
  });

  test('applies them on an upgrade of the chart (6.0.3 to 6.0.4)', () => {
    const { status, calls } = runHandler('Update', ['postgresclusters.yaml'], '6.0.3');
    expect([status, calls.filter((call) => call.startsWith('kubectl')).length]).toEqual([0, 1]);
  });

  test('leaves the newer CRDs on a rollback of the chart (6.0.10 to 6.0.4)', () => {
    const { status, calls } = runHandler('Update', ['postgresclusters.yaml'], '6.0.10');
    expect([status, calls]).toEqual([0, []]);
  });
});
