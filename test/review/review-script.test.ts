/** `npm run review`: its exit status and arguments, on two small assemblies written to the run's temp folder. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Writes a cloud assembly whose stack `s` holds `resources`, as `cdk synth` lays it out. */
function writeAssembly(resources: object): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'review-assembly-'));
  fs.writeFileSync(
    path.join(directory, 'manifest.json'),
    JSON.stringify({
      artifacts: { s: { type: 'aws:cloudformation:stack', properties: { templateFile: 's.template.json' } } },
    }),
  );
  fs.writeFileSync(path.join(directory, 's.template.json'), JSON.stringify({ Resources: resources }));
  return directory;
}

function review(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin'), '--transpile-only', 'scripts/review.ts', ...args],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let withBucket: string;
let withoutBucket: string;
beforeAll(() => {
  withBucket = writeAssembly({ Bucket: { Type: 'AWS::S3::Bucket' } });
  withoutBucket = writeAssembly({});
});

test('exits 1 when a stateful resource is deleted', () => {
  const result = review('--baseline', withBucket, '--assembly', withoutBucket);
  expect(result.stdout).toContain('  - AWS::S3::Bucket Bucket  [DATA-LOSS RISK: is deleted]');
  expect(result.status).toBe(1);
});

test('exits 0 for the same change with --allow-data-loss', () => {
  expect(review('--baseline', withBucket, '--assembly', withoutBucket, '--allow-data-loss').status).toBe(0);
});

test('exits 0 when nothing stateful goes', () => {
  expect(review('--baseline', withoutBucket, '--assembly', withBucket).status).toBe(0);
});

test('exits 2 and says what is expected without a baseline', () => {
  const result = review('--assembly', withBucket);
  expect(result.stderr).toContain('--baseline: missing, expected the cloud assembly of the deployed commit');
  expect(result.status).toBe(2);
});

test('exits 2 and names the directory when it holds no cloud assembly', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'review-empty-'));
  const result = review('--baseline', empty, '--assembly', withBucket);
  expect(result.stderr).toContain(`${empty}: not a cloud assembly (no manifest.json)`);
  expect(result.status).toBe(2);
});
