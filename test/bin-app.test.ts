/**
 * bin/app.ts as the CDK CLI runs it: the context arrives in CDK_CONTEXT_JSON. Each case stops
 * before synthesis. The app is loaded in this process (a fresh module registry each time),
 * with process.exit and stderr captured, which costs a fraction of starting node and ts-node.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

class ExitCalled extends Error {
  constructor(readonly code: number | undefined) {
    super(`process.exit(${code})`);
  }
}

function runApp(context: Record<string, unknown>): { status: number | undefined; stderr: string[] } {
  const stderr: string[] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    stderr.push(args.join(' '));
  });
  const exit = jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    throw new ExitCalled(code === null || code === undefined ? undefined : Number(code));
  });
  process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  try {
    jest.isolateModules(() => {
      // bin/app.ts does its work when loaded; isolateModules needs a synchronous load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../bin/app');
    });
    return { status: undefined, stderr };
  } catch (caught) {
    if (caught instanceof ExitCalled) {
      return { status: caught.code, stderr };
    }
    throw caught;
  } finally {
    delete process.env.CDK_CONTEXT_JSON;
    error.mockRestore();
    exit.mockRestore();
  }
}

test('a mistyped context key stops the app with a message, instead of synthesizing the example', () => {
  expect(runApp({ conifg: 'config/prod.yaml' })).toEqual({
    status: 1,
    stderr: [
      'context: 1 problem(s) in the configuration:\n' +
        '  - -c conifg: unknown context key, expected config=<environment file> or consumers=<consumer file>',
    ],
  });
});

test('an empty config file stops the app with a message and no stack trace, after naming the file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'config-')), 'empty.yaml');
  fs.writeFileSync(file, '# nothing yet\n');
  expect(runApp({ config: file })).toEqual({
    status: 1,
    stderr: [
      `Using configuration ${file} (-c config)`,
      `${file}: 1 problem(s) in the configuration:\n` +
        '  - the file has no settings (it is empty or only comments); expected a mapping such as config/example.yaml',
    ],
  });
});
