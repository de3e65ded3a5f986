import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfigFile, parseConfig, validateConfig } from '../../lib/config/load';
import { configWith, exampleDocument, EXAMPLE_CONFIG_FILE, problemsOf } from '../util';

describe('the example configuration', () => {
  test('is valid and keeps its values', () => {
    const config = loadConfigFile(EXAMPLE_CONFIG_FILE);
    expect(config.name).toBe('example');
    expect(config.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(config.cluster.kubernetesVersion).toBe('1.35');
  });

  test('gets defaults for keys it leaves out', () => {
    const doc = exampleDocument();
    delete doc.network.natGateways;
    delete doc.cluster.endpointAccess;
    delete doc.nodePools.system.diskSizeGiB;
    const config = validateConfig(doc, 'test');
    expect(config.network.natGateways).toBe(3);
    expect(config.cluster.endpointAccess).toBe('private');
    expect(config.nodePools.system.diskSizeGiB).toBe(50);
  });
});

describe('bad input is rejected with the key, the value and what is allowed', () => {
  test('an account id that is not 12 digits', () => {
    expect(problemsOf((d) => (d.account = '12345'))).toEqual([
      'account: got "12345", expected a 12-digit AWS account id, as a quoted string',
    ]);
  });

  test('an account id written as a number says to quote it', () => {
    expect(problemsOf((d) => (d.account = 111111111111))).toEqual([
      "account: got 111111111111 unquoted, expected a string; quote it: '111111111111'",
    ]);
  });

  test('a region that is not a region name', () => {
    expect(problemsOf((d) => (d.region = 'Ireland'))).toEqual([
      expect.stringMatching(/^region: got "Ireland", expected an AWS region/),
    ]);
  });

  test('an availability zone of another region', () => {
    expect(problemsOf((d) => (d.availabilityZones[1] = 'us-east-1b'))).toEqual([
      'availabilityZones[1]: got "us-east-1b", expected a zone of region eu-west-1, such as eu-west-1a',
    ]);
  });

  test('the same availability zone twice', () => {
    expect(problemsOf((d) => (d.availabilityZones[2] = 'eu-west-1a'))).toEqual([
      'availabilityZones[2]: got "eu-west-1a", expected each zone once',
    ]);
  });

  test('fewer than three availability zones', () => {
    expect(problemsOf((d) => d.availabilityZones.pop())).toEqual([
      'availabilityZones: got ["eu-west-1a","eu-west-1b"], expected exactly 3 availability zones',
    ]);
  });

  test('a VPC CIDR with host bits set', () => {
    expect(problemsOf((d) => (d.network.vpcCidr = '10.40.1.0/16'))).toEqual([
      'network.vpcCidr: got "10.40.1.0/16", host bits are set; the network address is 10.40.0.0/16',
    ]);
  });

  test('a VPC CIDR that is not a CIDR', () => {
    expect(problemsOf((d) => (d.network.vpcCidr = '10.300.0.0/16'))).toEqual([
      'network.vpcCidr: got "10.300.0.0/16", each of the four address octets must be from 0 to 255',
    ]);
  });

  test('a VPC too large or too small', () => {
    expect(problemsOf((d) => (d.network.vpcCidr = '10.0.0.0/8'))).toEqual([
      expect.stringMatching(
        /^network\.vpcCidr: got "10\.0\.0\.0\/8", expected a prefix length from \/16 to \/20/,
      ),
    ]);
    expect(problemsOf((d) => (d.network.vpcCidr = '10.0.0.0/24'))).toHaveLength(1);
  });

  test('a public VPC range', () => {
    expect(problemsOf((d) => (d.network.vpcCidr = '8.8.0.0/16'))).toEqual([
      expect.stringMatching(/^network\.vpcCidr: got "8\.8\.0\.0\/16", expected a private range/),
    ]);
  });

  test('a Service CIDR that overlaps the VPC', () => {
    expect(problemsOf((d) => (d.cluster.serviceCidr = '10.40.128.0/20'))).toEqual([
      'cluster.serviceCidr: got "10.40.128.0/20", expected a block that does not overlap network.vpcCidr (10.40.0.0/16)',
    ]);
  });

  test('a NAT gateway count outside 1 to 3', () => {
    expect(problemsOf((d) => (d.network.natGateways = 0))).toEqual([
      'network.natGateways: got 0, expected a number of at least 1',
    ]);
    expect(problemsOf((d) => (d.network.natGateways = 4))).toEqual([
      'network.natGateways: got 4, expected a number of at most 3',
    ]);
  });

  test('a flow log retention CloudWatch does not offer', () => {
    expect(problemsOf((d) => (d.network.flowLogRetentionDays = 100))).toEqual([
      expect.stringMatching(/^network\.flowLogRetentionDays: got 100, expected one of the allowed values/),
    ]);
  });

  test('a Kubernetes version without a kubectl layer, naming the supported ones', () => {
    expect(problemsOf((d) => (d.cluster.kubernetesVersion = '1.28'))).toEqual([
      'cluster.kubernetesVersion: got "1.28", expected one of 1.34, 1.35 (versions with a kubectl layer installed)',
    ]);
  });

  test('no cluster admins outside development', () => {
    expect(problemsOf((d) => (d.cluster.adminRoleArns = []))).toEqual([
      'cluster.adminRoleArns: got [], expected at least one IAM role in a production environment, or nobody can operate the cluster',
    ]);
  });

  test('no cluster admins is allowed in development', () => {
    const config = configWith((d) => {
      d.stage = 'development';
      d.cluster.adminRoleArns = [];
    });
    expect(config.cluster.adminRoleArns).toEqual([]);
  });

  test('an admin that is not an IAM role ARN', () => {
    expect(problemsOf((d) => (d.cluster.adminRoleArns = ['arn:aws:iam::111111111111:user/alice']))).toEqual([
      expect.stringMatching(
        /^cluster\.adminRoleArns\[0\]: got "arn:aws:iam::111111111111:user\/alice", expected an IAM role ARN/,
      ),
    ]);
  });

  test('a public endpoint without listed networks', () => {
    expect(problemsOf((d) => (d.cluster.endpointAccess = 'public-and-private'))).toEqual([
      'cluster.publicAccessCidrs: got [], expected at least one CIDR: a public endpoint is only opened to listed networks',
    ]);
  });

  test('a public endpoint opened to the whole internet', () => {
    expect(
      problemsOf((d) => {
        d.cluster.endpointAccess = 'public-and-private';
        d.cluster.publicAccessCidrs = ['0.0.0.0/0'];
      }),
    ).toEqual([
      'cluster.publicAccessCidrs[0]: got "0.0.0.0/0", expected a network of /8 or smaller: the API endpoint is never opened to the whole internet',
    ]);
  });

  test('public CIDRs on a private endpoint', () => {
    expect(problemsOf((d) => (d.cluster.publicAccessCidrs = ['203.0.113.0/24']))).toEqual([
      expect.stringMatching(
        /^cluster\.publicAccessCidrs: got \["203\.0\.113\.0\/24"\], expected no CIDRs while endpointAccess is private/,
      ),
    ]);
  });

  test('an unknown key, naming the keys allowed there', () => {
    expect(problemsOf((d) => (d.cluster.endpoint = 'private'))).toEqual([
      'cluster.endpoint: unknown key; allowed keys here: kubernetesVersion, endpointAccess, publicAccessCidrs, adminRoleArns, serviceCidr, addonVersions',
    ]);
  });

  test('a node pool whose minimum exceeds its maximum', () => {
    expect(problemsOf((d) => (d.nodePools.system.minSize = 7))).toEqual([
      'nodePools.system.minSize: got 7, expected at most maxSize (6)',
    ]);
  });

  test('a desired size outside the pool range', () => {
    expect(problemsOf((d) => (d.nodePools.system.desiredSize = 9))).toEqual([
      'nodePools.system.desiredSize: got 9, expected a number from minSize (3) to maxSize (6)',
    ]);
  });

  test('instance types of two CPU architectures in one pool', () => {
    expect(problemsOf((d) => (d.nodePools.database[0].instanceTypes = ['r7g.xlarge', 'r7i.xlarge']))).toEqual(
      [
        expect.stringMatching(
          /^nodePools\.database\[0\]\.instanceTypes: got \["r7g\.xlarge","r7i\.xlarge"\], expected instance types of one CPU architecture/,
        ),
      ],
    );
  });

  test('a malformed instance type', () => {
    expect(problemsOf((d) => (d.nodePools.system.instanceTypes = ['large']))).toEqual([
      'nodePools.system.instanceTypes[0]: got "large", expected an EC2 instance type such as m7g.large',
    ]);
  });

  test('fewer than three database nodes in production', () => {
    expect(problemsOf((d) => (d.nodePools.database[0].minSize = 2))).toEqual([
      'nodePools.database[0].minSize: got 2, expected at least 3 in production, so every availability zone keeps a database node',
    ]);
  });

  test('a tag key reserved by AWS', () => {
    expect(problemsOf((d) => (d.tags['aws:owner'] = 'x'))).toEqual([
      'tags["aws:owner"]: key not allowed, expected a tag key that does not start with "aws:" (reserved by AWS)',
    ]);
  });

  test('an environment name that is not a DNS label', () => {
    expect(problemsOf((d) => (d.name = 'Prod_EU'))).toEqual([
      expect.stringMatching(/^name: got "Prod_EU", expected a DNS-1123 label/),
    ]);
  });

  test('a missing required section', () => {
    expect(problemsOf((d) => delete d.nodePools)).toEqual(['nodePools: missing, expected a mapping']);
  });

  test('two tenants with the same name', () => {
    expect(problemsOf((d) => (d.tenants[1].name = 'orders'))).toEqual([
      'tenants[1].name: got "orders", expected a unique tenant name (tenants[0] has it already)',
    ]);
  });

  test('an add-on version pin that is not an EKS add-on version', () => {
    expect(problemsOf((d) => (d.cluster.addonVersions = { coredns: 'latest' }))).toEqual([
      'cluster.addonVersions.coredns: got "latest", expected an EKS add-on version such as v1.19.0-eksbuild.1',
    ]);
  });

  test('several problems are reported together', () => {
    const problems = problemsOf((d) => {
      d.account = 'x';
      d.availabilityZones[0] = 'us-east-1a';
      d.cluster.kubernetesVersion = '1.29';
    });
    expect(problems).toHaveLength(3);
  });
});

describe('reading files', () => {
  test('a YAML syntax error names the line', () => {
    expect(() => parseConfig('name: a\n  bad: [', 'broken.yaml')).toThrow(
      /broken\.yaml: .*\n.*YAML syntax at line \d/,
    );
  });

  test('a duplicate key is an error, not a silent override', () => {
    expect(() => parseConfig('name: a\nname: b\n', 'dup.yaml')).toThrow(/YAML syntax/);
  });

  test('a missing file says how to create it', () => {
    const missing = path.join(os.tmpdir(), 'no-such-config.yaml');
    expect(() => loadConfigFile(missing)).toThrow(/file not found; copy config\/example\.yaml/);
  });

  test('the error message lists every problem on its own line', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'config-')), 'env.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')
        .replace("'111111111111'", "'1'")
        .replace('eu-west-1b', 'eu-west-2b'),
    );
    expect(() => loadConfigFile(file)).toThrow(
      /2 problem\(s\)[^\n]*\n {2}- account: [^\n]*\n {2}- availabilityZones\[1\]/,
    );
  });

  test('an empty file is a configuration error, not a crash', () => {
    expect(problemsOfText('')).toEqual([
      'the file has no settings (it is empty or only comments); expected a mapping such as config/example.yaml',
    ]);
  });

  test('a file of comments only is a configuration error, not a crash', () => {
    expect(problemsOfText('# yaml-language-server: $schema=./schema.json\n# name: prod\n')).toEqual([
      'the file has no settings (it is empty or only comments); expected a mapping such as config/example.yaml',
    ]);
  });

  test('a list at the top level is a configuration error, not a crash', () => {
    expect(problemsOfText('- name: prod\n')).toEqual([
      '(top level): got a list, expected a mapping of settings such as name, account and region',
    ]);
  });

  test('a directory given as the file says so', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'config-dir-'));
    expect(() => loadConfigFile(directory)).toThrow(
      `${directory}: 1 problem(s) in the configuration:\n  - is a directory; expected a YAML file such as config/example.yaml`,
    );
  });

  test('an unquoted account id with a leading zero shows what was written and says to quote it', () => {
    const text = fs
      .readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')
      .replace("account: '111111111111'", 'account: 012345678901');
    expect(problemsOfText(text)).toEqual([
      "account: got 012345678901 unquoted (YAML reads it as 12345678901), expected a string; quote it: '012345678901'",
    ]);
  });

  test('the problem count matches the lines printed when several keys are unknown', () => {
    const text = `${fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')}\ncolour: blue\nsize: large\n`;
    let message = '';
    try {
      parseConfig(text, 'env.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}- colour: unknown key/),
      expect.stringMatching(/^ {2}- size: unknown key/),
    ]);
    expect(message).toMatch(/^env\.yaml: 2 problem\(s\)/);
  });
});

/** The problems reported for a configuration text; fails if it is accepted. */
function problemsOfText(text: string): string[] {
  try {
    parseConfig(text, 'env.yaml');
  } catch (error) {
    if (error instanceof ConfigError) {
      return [...error.problems];
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}
