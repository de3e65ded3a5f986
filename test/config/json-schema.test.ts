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

describe('editors flag what the loader refuses, through the patterns in config/schema.json', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(configJsonSchema()));
  const cases: [string, (doc: any) => void][] = [
    ['an account id of 11 digits', (doc) => (doc.account = '12345678901')],
    ['a region name that is not one', (doc) => (doc.region = 'Ireland')],
    ['a malformed availability zone', (doc) => (doc.availabilityZones[0] = 'eu-west-1')],
    ['a VPC CIDR without a prefix length', (doc) => (doc.network.vpcCidr = '10.40.0.0')],
    [
      'a public access CIDR with an octet over 255',
      (doc) => (doc.cluster.publicAccessCidrs = ['10.0.0.256/24']),
    ],
    ['a memory quantity that is not one', (doc) => (doc.tenants[0].memory = '4 GB')],
    ['a CPU quantity in words', (doc) => (doc.tenants[0].cpu = 'two')],
    [
      'an allowed principal that is neither an account nor an ARN',
      (doc) => (doc.tenants[0].privateLink.allowedPrincipals = ['acme']),
    ],
  ];

  test.each(cases)('%s', (_name, edit) => {
    const doc = parse(fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));
    edit(doc);
    expect(validate(doc)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'pattern' }));
  });
});
