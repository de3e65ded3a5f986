/**
 * Properties of the whole synthesized app: cdk-nag findings, determinism, size limits and
 * the logical IDs of stateful resources.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { addComplianceChecks, createEnvironmentStacks } from '../lib/environment';
import { manifestsOf } from './conformance/template-manifests';
import { cdkJsonContext, exampleConfig, newApp, NewAppOptions, statefulLogicalIds } from './util';

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

describe('logical IDs of stateful resources', () => {
  // A public contract: a changed logical ID replaces the resource. Change one only with a
  // migration plan.
  test('the platform stack keeps its stateful logical IDs', () => {
    expect(statefulLogicalIds(example.templates['example-platform'])).toEqual([
      'AWS::EC2::VPC NetworkVpc7FB7348F',
      'AWS::EKS::Cluster KubernetesCluster0CA8310C',
      'AWS::EKS::Nodegroup DatabaseNodePoolNodegroupAC1DFC268',
      'AWS::EKS::Nodegroup DatabaseNodePoolNodegroupB3AA53779',
      'AWS::EKS::Nodegroup DatabaseNodePoolNodegroupCB2863FC2',
      'AWS::EKS::Nodegroup SystemNodePoolNodegroupD0D82D93',
      'AWS::KMS::Key AddonsVolumeKey3522A4A2',
      'AWS::KMS::Key KubernetesSecretsKey86ABA781',
      'AWS::KMS::Key LogEncryptionKeyC62AA08F',
      'AWS::Logs::LogGroup KubernetesClusterKubectlProviderHandlerLogGroup0383E0BB',
      'AWS::Logs::LogGroup KubernetesClusterKubectlProviderframeworkonEventLogGroup4A64E66D',
      'AWS::Logs::LogGroup NetworkFlowLogGroup4F8CEEEF',
      'AWS::Logs::LogGroup PostgresOperatorCrdsLogsC51EDC49',
      'AWS::S3::Bucket AccessLogsBucketCD784A59',
      'Custom::AWSCDK-EKS-HelmChart CertManagerChartF37E142F',
      'Custom::AWSCDK-EKS-HelmChart ExternalSecretsChart36758DB9',
      'Custom::AWSCDK-EKS-HelmChart KubernetesClusterchartClusterAutoscalerF3A8335F',
      'Custom::AWSCDK-EKS-HelmChart KubernetesClusterchartPrometheusOperatorCrdsA5C63A3A',
      'Custom::AWSCDK-EKS-HelmChart PostgresOperatorChart01690BC2',
      'Custom::AWSCDK-EKS-HelmChart PrometheusOperatorChart251A4160',
      'Custom::AWSCDK-EKS-HelmChart WebUisExternalDnsChart3A2A3F7B',
      'Custom::AWSCDK-EKS-HelmChart exampleplatformKubernetesClusterF8B27B7CAlbControllerDF430A1E',
      'Custom::AWSCDK-EKS-KubernetesResource KubernetesClusterGrafana0513352A',
      'Custom::AWSCDK-EKS-KubernetesResource KubernetesClusterMonitoring8D61ABCC',
      'Custom::AWSCDK-EKS-KubernetesResource KubernetesClusterPlatformCa4FA46A1C',
      'Custom::AWSCDK-EKS-KubernetesResource KubernetesClusterStorageClassFF7C6EFF',
      'Custom::AWSCDK-EKS-KubernetesResource KubernetesClusterWebUiIngressF30BBA39',
      'Custom::AWSCDK-EKS-KubernetesResource exampleplatformKubernetesClusterF8B27B7CAlbControlleralbsamanifestalbsaServiceAccountResource98B0A465',
    ]);
  });

  test('each tenant stack keeps its stateful logical IDs', () => {
    for (const tenant of ['orders', 'analytics']) {
      expect(statefulLogicalIds(example.templates[`example-tenant-${tenant}`])).toEqual([
        'AWS::EC2::VPCEndpointService PrivateLinkEndpointService58B98DE8',
        'AWS::ElasticLoadBalancingV2::LoadBalancer PrivateLinkLoadBalancer18F7DFD2',
        'AWS::KMS::Key BackupKey570ED138',
        'AWS::S3::Bucket BackupBucketBC94E555',
        'AWS::SecretsManager::Secret BackupPassphraseSecretDFC46DDE',
        'Custom::AWSCDK-EKS-KubernetesResource DatabaseB269D8BB',
      ]);
    }
  });
});
