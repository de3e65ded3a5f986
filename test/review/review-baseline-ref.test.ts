/**
 * `npm run review -- --baseline-ref <ref>` on a real before/after pair: a temporary git
 * repository holding this project's tracked files, one commit with the example as it is and
 * one that scales the orders tenant out. The review synthesizes the first commit in a
 * temporary worktree and the working tree itself, both with the CDK CLI, as a user runs it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dependencyWarnings } from '../../lib/review/synthesize';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

function review(cwd: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('ts-node/dist/bin'),
      '--transpile-only',
      path.join(PROJECT_ROOT, 'scripts', 'review.ts'),
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let repository: string;
beforeAll(() => {
  repository = fs.mkdtempSync(path.join(os.tmpdir(), 'review-ref-'));
  for (const file of git(PROJECT_ROOT, 'ls-files').split('\n')) {
    const source = path.join(PROJECT_ROOT, file);
    if (fs.existsSync(source)) {
      fs.mkdirSync(path.dirname(path.join(repository, file)), { recursive: true });
      fs.copyFileSync(source, path.join(repository, file));
    }
  }
  git(repository, 'init', '--quiet');
  git(repository, 'add', '--all');
  git(repository, 'commit', '--quiet', '-m', 'deployed');
  const config = path.join(repository, 'config', 'example.yaml');
  const text = fs.readFileSync(config, 'utf8');
  fs.writeFileSync(config, text.replace('    replicas: 2\n', '    replicas: 3\n'));
  git(repository, 'commit', '--quiet', '--all', '-m', 'scale orders out');
  // As in a user's checkout: node_modules is there, and not committed.
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(repository, 'node_modules'), 'dir');
});

describe('against the previous commit', () => {
  let result: ReturnType<typeof review>;
  beforeAll(() => {
    result = review(repository, '--baseline-ref', 'HEAD~1');
  }, 300_000);

  test('shows the change between the ref and the working tree, field by field', () => {
    expect(result.stdout).toContain(
      '      ~ PostgresCluster tenant-orders/orders spec.instances[0].replicas: 2 -> 3',
    );
    expect(result.stdout).toContain('Stack example-platform: no changes');
  });

  test('passes, without a warning: the ref has the same package-lock.json', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('removes its temporary worktree', () => {
    expect(git(repository, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});

test('exits 2 and names a ref that does not exist', () => {
  const result = review(repository, '--baseline-ref', 'no-such-ref');
  expect(result.stderr).toContain('--baseline-ref: got no-such-ref, expected a commit, branch or tag');
  expect(result.status).toBe(2);
});

test('exits 2 when given both a baseline directory and a ref', () => {
  const result = review(repository, '--baseline', 'cdk.out', '--baseline-ref', 'HEAD');
  expect(result.stderr).toContain('--baseline-ref: got it together with --baseline, expected one of them');
  expect(result.status).toBe(2);
});

test('warns when the ref was locked to other dependencies than the ones it is synthesized with', () => {
  expect(dependencyWarnings('deployed/prod', '{"a":1}', '{"a":2}')).toEqual([
    expect.stringMatching(/^warning: package-lock.json at deployed\/prod differs from this checkout's/),
  ]);
  expect(dependencyWarnings('deployed/prod', '{"a":1}', '{"a":1}')).toEqual([]);
});
