/**
 * Properties of the whole synthesized app: cdk-nag findings, determinism and size limits
 * (the logical IDs of stateful resources: test/safety/logical-ids.test.ts).
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { addComplianceChecks, createEnvironmentStacks } from '../lib/environment';
import { manifestsOf } from './conformance/template-manifests';
import { cdkJsonContext, exampleConfig, newApp, NewAppOptions } from './util';

/**
 * Synthesizes the example environment as bin/app.ts does, compliance checks included (a
 * finding makes synthesis throw), and returns its templates by stack name. With
 * `cloudFormationValidation`, aws-cdk-lib's CloudFormation rules run too, as in `cdk synth`.
 */
function synthExample(options: NewAppOptions = {}): {
  app: ReturnType<typeof newApp>;
  templates: Record<string, any>;
} {
  const app = newApp(options);
  createEnvironmentStacks(app, exampleConfig());
  addComplianceChecks(app);
  const assembly = app.synth();
  return {
    app,
    templates: Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template])),
  };
}

let example: ReturnType<typeof synthExample>;
beforeAll(() => {
  // The one synthesis of the suite that runs the built-in CloudFormation validation, the gate
  // `cdk synth` (CI, deploy) applies: a finding nobody acknowledged makes it throw.
  example = synthExample({ cloudFormationValidation: true });
});

describe('built-in CloudFormation validation', () => {
  test('passes the example with its findings acknowledged (synthesis would have thrown)', () => {
    expect(Object.keys(example.templates)).toContain('example-platform');
  });

  test('is a gate: cdk.json makes its findings errors', () => {
    expect(cdkJsonContext()['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
  });

  test('fails synthesis on a template CloudFormation would reject', () => {
    const app = newApp({ cloudFormationValidation: true });
    new CfnResource(new Stack(app, 'Probe'), 'Bucket', {
      type: 'AWS::S3::Bucket',
      properties: { BucketNam: 'typo' },
    });
    expect(() => app.synth()).toThrow(/BucketNam/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('reports no unacknowledged finding (synthesis would have thrown)', () => {
    expect(Object.keys(example.templates)).toContain('example-platform');
  });

  test('fails synthesis on a finding nobody acknowledged', () => {
    const app = newApp();
    const stack = new Stack(app, 'Probe');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(
      /AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/AdministratorAccess\]/,
    );
  });

  test('every acknowledgment gives a specific reason', () => {
    const acknowledgments = example.app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      );
    expect(acknowledgments.length).toBeGreaterThan(0);
    const vague = acknowledgments.filter(([, reason]) => reason.length < 60).map(([id]) => id);
    expect(vague).toEqual([]);
  });
});

describe('synthesis', () => {
  test('is deterministic: two runs give byte-identical templates', () => {
    const again = synthExample();
    expect(Object.keys(again.templates)).toEqual(Object.keys(example.templates));
    for (const [name, template] of Object.entries(example.templates)) {
      expect(JSON.stringify(again.templates[name])).toBe(JSON.stringify(template));
    }
  });

  test('keeps every inline manifest under 200 KB (the kubectl Lambda request limit is 256 KB)', () => {
    const sizes = Object.values(example.templates).flatMap((template) =>
      manifestsOf(template).map((manifest) => ({
        id: manifest.logicalId,
        bytes: Buffer.byteLength(manifest.json),
      })),
    );
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.filter((size) => size.bytes >= 200 * 1024)).toEqual([]);
  });

  test('keeps every template under 1 MB and every stack under 500 resources', () => {
    for (const [name, template] of Object.entries(example.templates)) {
      expect({ name, bytes: Buffer.byteLength(JSON.stringify(template)) < 1024 * 1024 }).toEqual({
        name,
        bytes: true,
      });
      expect({ name, resources: Object.keys(template.Resources).length < 500 }).toEqual({
        name,
        resources: true,
      });
    }
  });
});
