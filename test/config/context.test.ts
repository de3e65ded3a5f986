import { configSourceFromContext, describeConfigSource } from '../../lib/config/context';
import { ConfigError } from '../../lib/config/load';
import { cdkJsonContext } from '../util';

/** The problems reported for a context; fails if it is accepted. */
function problemsOf(context: Record<string, unknown>): string[] {
  try {
    configSourceFromContext(context);
  } catch (error) {
    if (error instanceof ConfigError) {
      return [...error.problems];
    }
    throw error;
  }
  throw new Error('expected the context to be rejected');
}

test('-c config=<file> names the environment configuration', () => {
  expect(configSourceFromContext({ ...cdkJsonContext(), config: 'config/prod.yaml' })).toEqual({
    kind: 'environment',
    file: 'config/prod.yaml',
    isDefault: false,
  });
});

test('-c consumers=<file> names the consumer configuration', () => {
  expect(configSourceFromContext({ consumers: 'config/acme.yaml' })).toEqual({
    kind: 'consumers',
    file: 'config/acme.yaml',
    isDefault: false,
  });
});

test("without either, the example is used (cdk.json's feature flags are not mistaken for ours)", () => {
  expect(configSourceFromContext(cdkJsonContext())).toEqual({
    kind: 'environment',
    file: 'config/example.yaml',
    isDefault: true,
  });
});

test('a mistyped key is refused instead of silently synthesizing the example', () => {
  expect(problemsOf({ ...cdkJsonContext(), conifg: 'config/prod.yaml' })).toEqual([
    '-c conifg: unknown context key, expected config=<environment file> or consumers=<consumer file>',
  ]);
});

test('near misses of either key are refused', () => {
  for (const key of ['configs', 'Config', 'cofig', 'consumer', 'consumrs']) {
    expect(problemsOf({ [key]: 'x.yaml' })).toHaveLength(1);
  }
});

test('unrelated keys without a namespace are left alone', () => {
  expect(configSourceFromContext({ 'acknowledged-issue-numbers': [32775] }).file).toBe('config/example.yaml');
});

test('both keys at once are refused', () => {
  expect(problemsOf({ config: 'config/prod.yaml', consumers: 'config/acme.yaml' })).toEqual([
    expect.stringMatching(/^-c consumers: got it together with -c config, expected one of them/),
  ]);
});

test('the stderr line names the file, and says when it is the example by default', () => {
  expect(describeConfigSource(configSourceFromContext({}))).toBe(
    'Using configuration config/example.yaml (the example: no -c config=<file> given)',
  );
  expect(describeConfigSource(configSourceFromContext({ config: 'config/prod.yaml' }))).toBe(
    'Using configuration config/prod.yaml (-c config)',
  );
});
