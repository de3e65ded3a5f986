/**
 * Every step of the upgrade operations (test/safety/operations/upgrades.ts) is a config the
 * loader accepts, in order: the replay suite can synthesize each one.
 */
import { validateConfig } from '../../lib/config/load';
import { exampleDocument } from '../util';
import { operations } from './operations/upgrades';

describe.each(operations.map((operation) => [operation.name, operation] as const))('%s', (_, operation) => {
  const doc = exampleDocument();
  operation.setup?.(doc);

  test.each(['(start)', ...operation.steps.map((step) => step.description)])(
    '%s validates',
    (description) => {
      const step = operation.steps.find((candidate) => candidate.description === description);
      step?.edit(doc);
      expect(() => validateConfig(JSON.parse(JSON.stringify(doc)), 'replay')).not.toThrow();
    },
  );
});
