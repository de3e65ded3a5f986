import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateConfigFiles } from '../../lib/config/validate-files';
import { EXAMPLE_CONFIG_FILE } from '../util';

const CONSUMER_EXAMPLE = path.join(__dirname, '..', '..', 'config', 'consumer.example.yaml');

function writeConfig(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'validate-')), name);
  fs.writeFileSync(file, text);
  return file;
}

test('accepts the example environment and consumer files, recognizing each by its keys', () => {
  const report = validateConfigFiles([EXAMPLE_CONFIG_FILE, CONSUMER_EXAMPLE]);
  expect(report.ok).toBe(true);
  expect(report.lines).toContain(
    `${EXAMPLE_CONFIG_FILE}: valid, environment example with 2 tenant(s); ceilings:`,
  );
  expect(report.lines).toContain(`${CONSUMER_EXAMPLE}: valid, consumer acme with 1 endpoint(s); ceilings:`);
});

test("prints each ceiling with the example's use of it", () => {
  const lines = validateConfigFiles([EXAMPLE_CONFIG_FILE]).lines;
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^ {2}ok {6}Network Load Balancers per Region: 2 of 50 /),
      expect.stringMatching(/^ {2}ok {6}Inbound rules per security group \(node security group\): 2 of 60 /),
      expect.stringMatching(/^ {2}ok {6}IPv4 addresses per load balancer subnet: 2 of 1019 /),
      expect.stringMatching(/^ {2}ok {6}IPv4 addresses per private subnet: \d+ of 16379 /),
    ]),
  );
});

test('reports every problem of every file, and fails', () => {
  const broken = writeConfig(
    'broken.yaml',
    fs
      .readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')
      .replace("account: '111111111111'", 'account: 011111111111')
      .replace('eu-west-1b', 'eu-west-2b'),
  );
  const empty = writeConfig('empty.yaml', '');
  const report = validateConfigFiles([broken, EXAMPLE_CONFIG_FILE, empty]);
  expect(report.ok).toBe(false);
  expect(report.lines).toEqual([
    `${broken}: 2 problem(s) in the configuration:`,
    "  - account: got 011111111111 unquoted (YAML reads it as 11111111111), expected a string; quote it: '011111111111'",
    '  - availabilityZones[1]: got "eu-west-2b", expected a zone of region eu-west-1, such as eu-west-1a',
    expect.stringMatching(/: valid, environment example/),
    ...Array(4).fill(expect.stringMatching(/^ {2}ok /)),
    `${empty}: 1 problem(s) in the configuration:`,
    expect.stringMatching(/^ {2}- the file has no settings/),
  ]);
});

test('a consumer file with a problem is checked against the consumer schema', () => {
  const consumer = writeConfig(
    'acme.yaml',
    fs.readFileSync(CONSUMER_EXAMPLE, 'utf8').replace('vpc-0a1b2c3d4e5f60718', 'my-vpc'),
  );
  expect(validateConfigFiles([consumer]).lines).toEqual([
    `${consumer}: 1 problem(s) in the configuration:`,
    '  - endpoints[0].vpcId: got "my-vpc", expected a VPC id such as vpc-0123456789abcdef0',
  ]);
});

test('warns, without failing, when the private subnets cannot hold the largest cluster', () => {
  const small = writeConfig(
    'small.yaml',
    fs
      .readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')
      .replace('vpcCidr: 10.40.0.0/16', 'vpcCidr: 10.40.0.0/20')
      .replace('instanceTypes: [r7g.xlarge]', 'instanceTypes: [r7g.16xlarge]'),
  );
  const report = validateConfigFiles([small]);
  expect(report.ok).toBe(true);
  expect(report.lines).toContainEqual(
    expect.stringMatching(/^ {2}WARNING IPv4 addresses per private subnet: \d+ of 1019 /),
  );
});

test('environment configs are not git-ignored: they hold no secrets and are reviewed like code', () => {
  // `git check-ignore` exits 1 when no ignore rule matches the path.
  const result = spawnSync('git', ['check-ignore', '--no-index', 'config/prod.yaml', 'config/acme.yaml'], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  expect({ status: result.status, ignored: result.stdout }).toEqual({ status: 1, ignored: '' });
});
