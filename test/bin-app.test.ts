/**
 * bin/app.ts as the CDK CLI runs it: the context arrives in CDK_CONTEXT_JSON. Each case stops
 * before synthesis, so these runs take about as long as loading the app's modules.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PROJECT_ROOT = path.join(__dirname, '..');

function runApp(context: Record<string, unknown>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--require', 'ts-node/register/transpile-only', path.join(PROJECT_ROOT, 'bin', 'app.ts')],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) },
      encoding: 'utf8',
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a mistyped context key stops the app with a message, instead of synthesizing the example', () => {
  const result = runApp({ conifg: 'config/prod.yaml' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('-c conifg: unknown context key, expected config=<environment file>');
  expect(result.stderr).not.toContain('Using configuration');
});

test('an empty config file stops the app with a message and no stack trace, after naming the file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'config-')), 'empty.yaml');
  fs.writeFileSync(file, '# nothing yet\n');
  const result = runApp({ config: file });
  expect(result.status).toBe(1);
  expect(result.stderr.split('\n')).toEqual([
    `Using configuration ${file} (-c config)`,
    `${file}: 1 problem(s) in the configuration:`,
    '  - the file has no settings (it is empty or only comments); expected a mapping such as config/example.yaml',
    '',
  ]);
  expect(result.stdout).toBe('');
});
