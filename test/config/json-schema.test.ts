import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { configJsonSchema } from '../../lib/config/json-schema';
import { EXAMPLE_CONFIG_FILE } from '../util';

const committed = path.join(__dirname, '..', '..', 'config', 'schema.json');

test('config/schema.json is up to date (run `npm run config-schema` after changing the schema)', () => {
  expect(fs.readFileSync(committed, 'utf8')).toBe(configJsonSchema());
});

describe('editors validating against config/schema.json', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(configJsonSchema()));

  test('accept the example configuration', () => {
    expect(validate(parse(fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')))).toBe(true);
  });

  test('flag an unknown key', () => {
    const doc = parse(fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));
    doc.network.colour = 'blue';
    expect(validate(doc)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties' }));
  });
});
