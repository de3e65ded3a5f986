import { spawnSync } from 'child_process';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'server-dry-run.sh');

/** Runs the script with the API server tool missing; `ci` is the value of CI. */
function runWithoutTool(ci: string) {
  return spawnSync('bash', [SCRIPT], {
    env: { ...process.env, CI: ci, APISERVER_TOOL: '/nonexistent/run-apiserver.sh' },
    encoding: 'utf8',
  });
}

describe('scripts/server-dry-run.sh without the API server tool', () => {
  test('skips with a notice naming what is missing outside CI', () => {
    const result = runWithoutTool('');
    expect([result.status, result.stderr]).toEqual([
      0,
      expect.stringContaining('NOTICE: server-side dry-run SKIPPED: missing /nonexistent/run-apiserver.sh'),
    ]);
  });

  test('fails under CI=true', () => {
    const result = runWithoutTool('true');
    expect([result.status, result.stderr]).toEqual([
      1,
      expect.stringContaining(
        'server-side dry-run cannot run under CI=true: missing /nonexistent/run-apiserver.sh',
      ),
    ]);
  });
});
