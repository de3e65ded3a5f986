import { Match, Template } from 'aws-cdk-lib/assertions';
import { grafanaPasswordCommand } from '../../k8s/monitoring/grafana-chart';
import { DATABASE_STORAGE_CLASS } from '../../k8s/storage-class-chart';
import { ALB_CONTROLLER_VERSION, PROMETHEUS_OPERATOR_CRDS_CHART } from '../../lib/config/versions';
import { DATABASE_TAINT_KEY, NODE_POOL_LABEL } from '../../k8s/node-pools';
import { manifestsOf } from '../conformance/template-manifests';
import { configWith, synthPlatform, SynthesizedPlatform } from '../util';

/** The one resource of a type whose logical ID starts with `prefix`. */
function resourceOf(template: Template, type: string, prefix: string): { id: string; resource: any } {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(matches.map(([id]) => id)).toHaveLength(1);
  return { id: matches[0][0], resource: matches[0][1] };
}

let example: SynthesizedPlatform;
let template: Template;

beforeAll(() => {
  example = synthPlatform();
  template = example.template;
});

describe('network', () => {
  test('the VPC has the configured CIDR', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
  });

  test('public and private subnets exist in each of the three configured zones', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties);
    const byType = (type: string) =>
      subnets
        .filter((s) => s.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === type))
        .map((s) => s.AvailabilityZone)
        .sort();
    expect(byType('Public')).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(byType('Private')).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  const cidrs = (group: string, t = template) =>
    Object.entries(t.findResources('AWS::EC2::Subnet'))
      .filter(([id]) => id.startsWith(`NetworkVpc${group}Subnet`))
      .map(([, s]: [string, any]) => s.Properties.CidrBlock)
      .sort();

  // Subnets cannot change their CIDR in place: a new one would be created and every node,
  // pod and load balancer moved. These are the CIDRs deployed environments have.
  test('public and private subnets keep the CIDRs they were deployed with', () => {
    expect(cidrs('Public')).toEqual(['10.40.0.0/22', '10.40.4.0/22', '10.40.8.0/22']);
    expect(cidrs('Private')).toEqual(['10.40.128.0/18', '10.40.192.0/18', '10.40.64.0/18']);
  });

  test('load balancer subnets, a 64th of the VPC each, fill unused space in every zone', () => {
    expect(cidrs('LoadBalancers')).toEqual(['10.40.12.0/22', '10.40.16.0/22', '10.40.20.0/22']);
    const smallest = synthPlatform(configWith((d) => (d.network.vpcCidr = '10.8.0.0/20'))).template;
    expect(cidrs('LoadBalancers', smallest)).toEqual(['10.8.0.192/26', '10.8.1.0/26', '10.8.1.64/26']);
    expect(cidrs('Private', smallest)).toEqual(['10.8.12.0/22', '10.8.4.0/22', '10.8.8.0/22']);
  });

  test('load balancer subnets have no route out of the VPC', () => {
    const tables = Object.entries(template.findResources('AWS::EC2::RouteTable'))
      .filter(([id]) => id.startsWith('NetworkVpcLoadBalancersSubnet'))
      .map(([id]) => id);
    expect(tables).toHaveLength(3);
    const routes = Object.values(template.findResources('AWS::EC2::Route')).filter((r: any) =>
      tables.includes(r.Properties.RouteTableId.Ref),
    );
    expect(routes).toEqual([]);
  });

  test('tenant load balancers share one security group: nothing in, PostgreSQL out to the pod subnets', () => {
    const { resource } = resourceOf(template, 'AWS::EC2::SecurityGroup', 'NetworkLoadBalancerSecurityGroup');
    expect(resource.Properties.SecurityGroupIngress).toBeUndefined();
    expect(
      resource.Properties.SecurityGroupEgress.map((r: any) => [
        r.CidrIp,
        r.IpProtocol,
        r.FromPort,
        r.ToPort,
      ]).sort(),
    ).toEqual([
      ['10.40.128.0/18', 'tcp', 5432, 5432],
      ['10.40.192.0/18', 'tcp', 5432, 5432],
      ['10.40.64.0/18', 'tcp', 5432, 5432],
    ]);
  });

  test('public subnets do not give instances public addresses', () => {
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  test('private subnets carry the internal load balancer discovery tag', () => {
    const tagged = Object.values(template.findResources('AWS::EC2::Subnet')).filter((s: any) =>
      s.Properties.Tags.some((t: any) => t.Key === 'kubernetes.io/role/internal-elb' && t.Value === '1'),
    );
    expect(tagged).toHaveLength(3);
  });

  test('one NAT gateway per zone by default', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('the NAT gateway count follows the configuration', () => {
    const single = synthPlatform(configWith((d) => (d.network.natGateways = 1))).template;
    single.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('flow logs record all traffic into an encrypted, retained log group', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    const { resource } = resourceOf(template, 'AWS::Logs::LogGroup', 'NetworkFlowLogGroup');
    expect(resource.Properties.RetentionInDays).toBe(365);
    expect(resource.Properties.KmsKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^LogEncryptionKey/), 'Arn'],
    });
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  test('the log key lets only CloudWatch Logs of this region and account use it, for log groups', () => {
    const { resource } = resourceOf(template, 'AWS::KMS::Key', 'LogEncryptionKey');
    expect(resource.Properties.EnableKeyRotation).toBe(true);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:*'],
              ],
            },
          },
        },
      }),
    );
  });

  test('S3 traffic uses a gateway endpoint instead of NAT', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  test('the default security group is stripped of its rules', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('EKS cluster', () => {
  test('runs the configured Kubernetes version', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.35' });
  });

  test('sends every control-plane log type to CloudWatch Logs', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: {
        ClusterLogging: {
          EnabledTypes: Match.arrayEquals(
            ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({
              Type: type,
            })),
          ),
        },
      },
    });
  });

  test('envelope-encrypts secrets with a retained, rotated customer-managed key', () => {
    const { id, resource } = resourceOf(template, 'AWS::KMS::Key', 'KubernetesSecretsKey');
    expect(resource.Properties.EnableKeyRotation).toBe(true);
    expect(resource.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::EKS::Cluster', {
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [id, 'Arn'] } }, Resources: ['secrets'] }],
    });
  });

  test('has a private endpoint only, by default', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
    });
  });

  test('opens a public endpoint only to the listed networks', () => {
    const open = synthPlatform(
      configWith((d) => {
        d.cluster.endpointAccess = 'public-and-private';
        d.cluster.publicAccessCidrs = ['203.0.113.0/24'];
      }),
    ).template;
    open.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({
        EndpointPrivateAccess: true,
        EndpointPublicAccess: true,
        PublicAccessCidrs: ['203.0.113.0/24'],
      }),
    });
  });

  test('places the control plane in the private subnets', () => {
    const privateSubnetIds = Object.keys(template.findResources('AWS::EC2::Subnet')).filter((id) =>
      id.includes('PrivateSubnet'),
    );
    const cluster = resourceOf(template, 'AWS::EKS::Cluster', 'KubernetesCluster').resource;
    expect(cluster.Properties.ResourcesVpcConfig.SubnetIds.map((ref: any) => ref.Ref).sort()).toEqual(
      privateSubnetIds.sort(),
    );
  });

  test('authenticates through access entries only and does not make the deployer an admin', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      BootstrapSelfManagedAddons: false,
    });
  });

  test('uses the configured Service CIDR', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      KubernetesNetworkConfig: Match.objectLike({ ServiceIpv4Cidr: '172.20.0.0/16' }),
    });
  });

  test('grants each configured admin role cluster-admin', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::111111111111:role/platform-admins',
      AccessPolicies: [
        {
          PolicyArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
              ],
            ],
          },
          AccessScope: { Type: 'cluster' },
        },
      ],
    });
  });

  test('admin access entries keep their logical IDs when the list is reordered', () => {
    const admins = ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::222222222222:role/ops/b'];
    const ids = (list: string[]) => {
      const t = synthPlatform(configWith((d) => (d.cluster.adminRoleArns = list))).template;
      return Object.entries(t.findResources('AWS::EKS::AccessEntry'))
        .filter(([, r]: any) => admins.includes(r.Properties.PrincipalArn))
        .map(([id, r]: any) => `${r.Properties.PrincipalArn}=${id}`)
        .sort();
    };
    expect(ids([...admins].reverse())).toEqual(ids(admins));
  });

  test('runs the kubectl handler inside the VPC with the Kubernetes 1.35 kubectl layer', () => {
    const handler = Object.values(template.findResources('AWS::Lambda::Function')).find((f: any) =>
      String(f.Properties.Description).includes('kubectl'),
    ) as any;
    expect(handler.Properties.VpcConfig.SubnetIds).toHaveLength(3);
    const layers = Object.values(template.findResources('AWS::Lambda::LayerVersion')).map(
      (l: any) => l.Properties.Description,
    );
    expect(layers).toContainEqual(expect.stringMatching(/kubectl 1\.35\./));
  });

  test("encrypts the kubectl handler's log groups with the log key", () => {
    const kubectlLogGroups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) =>
      id.startsWith('KubernetesClusterKubectlProvider'),
    );
    expect(kubectlLogGroups).toHaveLength(2);
    for (const [, logGroup] of kubectlLogGroups as [string, any][]) {
      expect(logGroup.Properties.KmsKeyId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^LogEncryptionKey/), 'Arn'],
      });
    }
  });

  test('installs the pinned AWS Load Balancer Controller after the system nodes exist', () => {
    const chart = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
      ([, r]: any) => r.Properties.Chart === 'aws-load-balancer-controller',
    ) as [string, any];
    expect(chart[1].Properties.Version).toBe(ALB_CONTROLLER_VERSION.helmChartVersion);
    expect(chart[1].Properties.Namespace).toBe('kube-system');
    const systemNodegroup = resourceOf(template, 'AWS::EKS::Nodegroup', 'SystemNodePool').id;
    expect(chart[1].DependsOn).toContain(systemNodegroup);
  });
});

describe('node pools', () => {
  const nodegroup = (prefix: string) => resourceOf(template, 'AWS::EKS::Nodegroup', prefix).resource;
  /** Every node group whose logical ID starts with `prefix`. */
  const nodegroups = (prefix: string): any[] =>
    Object.entries(template.findResources('AWS::EKS::Nodegroup'))
      .filter(([id]) => id.startsWith(prefix))
      .map(([, resource]) => resource);
  const allNodegroups = () => [...nodegroups('SystemNodePool'), ...nodegroups('DatabaseNodePool')];

  test('the system pool is labelled and untainted', () => {
    const system = nodegroup('SystemNodePool').Properties;
    expect(system.Labels).toEqual({ [NODE_POOL_LABEL]: 'system' });
    expect(system.Taints).toBeUndefined();
  });

  test('the database pool is labelled and tainted so only PostgreSQL pods run there', () => {
    for (const database of nodegroups('DatabaseNodePool')) {
      expect(database.Properties.Labels).toEqual({ [NODE_POOL_LABEL]: 'database' });
      expect(database.Properties.Taints).toEqual([
        { Key: DATABASE_TAINT_KEY, Value: 'true', Effect: 'NO_SCHEDULE' },
      ]);
    }
  });

  test('pools take their sizes and instance types from the configuration, the database pool split over its zones', () => {
    expect(nodegroup('SystemNodePool').Properties).toMatchObject({
      InstanceTypes: ['m7g.large'],
      ScalingConfig: { MinSize: 3, DesiredSize: 3, MaxSize: 6 },
    });
    const database = nodegroups('DatabaseNodePool');
    expect(database).toHaveLength(3);
    for (const group of database) {
      expect(group.Properties).toMatchObject({
        InstanceTypes: ['r7g.xlarge'],
        ScalingConfig: { MinSize: 1, DesiredSize: 1, MaxSize: 3 },
      });
    }
  });

  test('Graviton instance types get the AL2023 arm64 AMI, others the x86_64 one', () => {
    expect(nodegroup('SystemNodePool').Properties.AmiType).toBe('AL2023_ARM_64_STANDARD');
    const x86 = synthPlatform(configWith((d) => (d.nodePools.system.instanceTypes = ['m7i.large']))).template;
    const system = Object.entries(x86.findResources('AWS::EKS::Nodegroup')).find(([id]) =>
      id.startsWith('System'),
    );
    expect((system![1] as any).Properties.AmiType).toBe('AL2023_x86_64_STANDARD');
  });

  test('the system pool is one node group over the private subnets of all three zones', () => {
    const subnets = nodegroup('SystemNodePool').Properties.Subnets.map((ref: any) => ref.Ref);
    expect(subnets).toHaveLength(3);
    expect(subnets.every((id: string) => id.includes('PrivateSubnet'))).toBe(true);
  });

  test("the database pool is one node group per zone, so the autoscaler can add a node in a volume's zone", () => {
    const subnets = nodegroups('DatabaseNodePool').map((group) =>
      group.Properties.Subnets.map((ref: any) => ref.Ref),
    );
    expect(subnets.map((list) => list.length)).toEqual([1, 1, 1]);
    const zoneOf = (subnetId: string) => template.toJSON().Resources[subnetId].Properties.AvailabilityZone;
    expect(subnets.map(([id]) => zoneOf(id)).sort()).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(subnets.every(([id]) => id.includes('PrivateSubnet'))).toBe(true);
  });

  test('nodes require IMDSv2 with a hop limit of 1 and have encrypted gp3 root volumes', () => {
    const templates = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    expect(templates).toHaveLength(2);
    for (const launchTemplate of templates as any[]) {
      expect(launchTemplate.Properties.LaunchTemplateData).toMatchObject({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 50, DeleteOnTermination: true },
          },
        ],
      });
    }
  });

  test("node groups use their pool's launch template", () => {
    for (const prefix of ['SystemNodePool', 'DatabaseNodePool']) {
      for (const group of nodegroups(prefix)) {
        expect(group.Properties.LaunchTemplate.Id).toEqual({
          Ref: expect.stringMatching(new RegExp(`^${prefix}LaunchTemplate`)),
        });
      }
    }
  });

  test('nodes are replaced one at a time and repaired automatically', () => {
    for (const group of allNodegroups()) {
      expect(group.Properties).toMatchObject({
        UpdateConfig: { MaxUnavailable: 1 },
        NodeRepairConfig: { Enabled: true },
      });
    }
  });

  test('updates respect PodDisruptionBudgets: a blocked drain fails the update instead of forcing the node out', () => {
    expect(nodegroups('DatabaseNodePool')).toHaveLength(3);
    for (const group of allNodegroups()) {
      expect(group.Properties.ForceUpdateEnabled).toBe(false);
    }
  });
});

describe('add-ons', () => {
  const addon = (name: string) =>
    Object.entries(template.findResources('AWS::EKS::Addon')).find(
      ([, r]: any) => r.Properties.AddonName === name,
    ) as [string, any];

  test('the five platform add-ons are installed as EKS managed add-ons', () => {
    const names = Object.values(template.findResources('AWS::EKS::Addon')).map(
      (r: any) => r.Properties.AddonName,
    );
    expect(names.sort()).toEqual([
      'aws-ebs-csi-driver',
      'coredns',
      'eks-pod-identity-agent',
      'kube-proxy',
      'vpc-cni',
    ]);
  });

  test('the VPC CNI enforces NetworkPolicies', () => {
    expect(JSON.parse(addon('vpc-cni')[1].Properties.ConfigurationValues)).toEqual({
      enableNetworkPolicy: 'true',
    });
  });

  test('networking add-ons come before the nodes, Deployments after them', () => {
    const nodegroupIds = Object.keys(template.findResources('AWS::EKS::Nodegroup'));
    for (const id of nodegroupIds) {
      const dependsOn = template.toJSON().Resources[id].DependsOn;
      for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent']) {
        expect(dependsOn).toContain(addon(name)[0]);
      }
    }
    for (const name of ['coredns', 'aws-ebs-csi-driver']) {
      expect(addon(name)[1].DependsOn).toEqual(expect.arrayContaining(nodegroupIds));
    }
  });

  test('add-ons are kept on the cluster if they are ever removed from the app', () => {
    template.allResourcesProperties('AWS::EKS::Addon', { PreserveOnDelete: true });
  });

  test('add-on versions follow the configured pins, and EKS defaults otherwise', () => {
    expect(addon('coredns')[1].Properties.AddonVersion).toBeUndefined();
    const pinned = synthPlatform(
      configWith(
        (d) =>
          (d.cluster.addonVersions = {
            coredns: 'v1.12.4-eksbuild.1',
            'eks-pod-identity-agent': 'v1.3.9-eksbuild.3',
          }),
      ),
    ).template;
    const version = (name: string) =>
      (
        Object.values(pinned.findResources('AWS::EKS::Addon')).find(
          (r: any) => r.Properties.AddonName === name,
        ) as any
      ).Properties.AddonVersion;
    expect(version('coredns')).toBe('v1.12.4-eksbuild.1');
    expect(version('eks-pod-identity-agent')).toBe('v1.3.9-eksbuild.3');
  });

  test('the EBS CSI controller gets its role through EKS Pod Identity', () => {
    const { id: roleId, resource: role } = resourceOf(template, 'AWS::IAM::Role', 'AddonsEbsCsiDriverRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { Service: 'pods.eks.amazonaws.com' },
      }),
    ]);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system',
      ServiceAccount: 'ebs-csi-controller-sa',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
  });

  test('the EBS CSI driver may create key grants only for AWS resources', () => {
    const policy = resourceOf(template, 'AWS::IAM::Policy', 'AddonsEbsCsiDriverRole').resource;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AddonsVolumeKey/), 'Arn'] },
      }),
    );
  });
});

describe('storage', () => {
  let storageClass: any;
  let manifestResource: any;

  beforeAll(() => {
    const manifest = manifestsOf(template.toJSON()).find((m) =>
      m.objects.some((o) => o.kind === 'StorageClass'),
    )!;
    storageClass = manifest.objects[0];
    manifestResource = template.toJSON().Resources[manifest.logicalId];
  });

  test('the default StorageClass is gp3, encrypted with the volume key', () => {
    expect(storageClass.metadata.name).toBe(DATABASE_STORAGE_CLASS);
    expect(storageClass.metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'true',
    });
    expect(storageClass.provisioner).toBe('ebs.csi.aws.com');
    expect(storageClass.parameters).toMatchObject({ type: 'gp3', encrypted: 'true' });
    expect(JSON.stringify(manifestResource.Properties.Manifest)).toMatch(
      /"kmsKeyId\\":\\"",\{"Fn::GetAtt":\["AddonsVolumeKey[0-9A-F]+","Arn"\]\}/,
    );
  });

  test('volumes are created in the zone of the pod that claims them', () => {
    expect(storageClass.volumeBindingMode).toBe('WaitForFirstConsumer');
  });

  test('volumes can grow in place and outlive their claims', () => {
    expect(storageClass.allowVolumeExpansion).toBe(true);
    expect(storageClass.reclaimPolicy).toBe('Retain');
  });

  test('the volume key is rotated and retained', () => {
    const { resource } = resourceOf(template, 'AWS::KMS::Key', 'AddonsVolumeKey');
    expect(resource.Properties.EnableKeyRotation).toBe(true);
    expect(resource.DeletionPolicy).toBe('Retain');
  });
});

describe('stack', () => {
  test('outputs the cluster name, the kubeconfig command, the platform CA command, the Grafana password command, the VPC id and the database node groups', () => {
    const outputs = template.toJSON().Outputs;
    // Outputs without a description are the cross-stack references tenant stacks import.
    const described = Object.keys(outputs).filter((key) => outputs[key].Description);
    expect(described.sort()).toEqual([
      'ClusterName',
      'DatabaseNodePoolNodegroups',
      'GrafanaPasswordCommand',
      'KubeconfigCommand',
      'PlatformCaCommand',
      'VpcId',
      'WebUiUrls',
    ]);
    expect(outputs.KubeconfigCommand.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'aws eks update-kubeconfig --region eu-west-1 --name ',
          { Ref: expect.stringMatching(/^KubernetesCluster/) },
        ],
      ],
    });
  });

  test('is protected from deletion in production, not in development', () => {
    expect(example.stack.terminationProtection).toBe(true);
    const dev = synthPlatform(configWith((d) => (d.stage = 'development')));
    expect(dev.stack.terminationProtection).toBe(false);
  });

  test('tags resources with the environment and the configured tags', () => {
    for (const tag of [
      { Key: 'postgres-platform/environment', Value: 'example' },
      { Key: 'cost-center', Value: 'platform' },
      { Key: 'project', Value: 'private-postgres' },
    ]) {
      template.hasResourceProperties('AWS::EC2::VPC', { Tags: Match.arrayWith([tag]) });
    }
  });
});

describe('monitoring', () => {
  test('installs the pinned prometheus-operator CRDs, kept on uninstall, before the monitoring manifest applies', () => {
    const crds = resourceOf(
      template,
      'Custom::AWSCDK-EKS-HelmChart',
      'KubernetesClusterchartPrometheusOperatorCrds',
    );
    expect(crds.resource.Properties).toEqual(
      expect.objectContaining({
        Chart: PROMETHEUS_OPERATOR_CRDS_CHART.chart,
        Version: PROMETHEUS_OPERATOR_CRDS_CHART.version,
        Repository: PROMETHEUS_OPERATOR_CRDS_CHART.repository,
      }),
    );
    expect(JSON.parse(crds.resource.Properties.Values)).toEqual({
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
    });
    const monitoring = resourceOf(
      template,
      'Custom::AWSCDK-EKS-KubernetesResource',
      'KubernetesClusterMonitoring',
    );
    expect(monitoring.resource.DependsOn).toContain(crds.id);
  });

  test('applies Grafana after the monitoring namespace, ESO (its password generator) and the gp3 StorageClass', () => {
    const manifest = (prefix: string) =>
      resourceOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', `KubernetesCluster${prefix}`).id;
    const eso = resourceOf(template, 'Custom::AWSCDK-EKS-HelmChart', 'ExternalSecretsChart').id;
    const grafana = resourceOf(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'KubernetesClusterGrafana');
    expect(grafana.resource.DependsOn).toEqual(
      expect.arrayContaining([manifest('Monitoring'), manifest('StorageClass'), eso]),
    );
  });

  test("outputs the command that prints Grafana's generated admin password, never the password", () => {
    template.hasOutput('GrafanaPasswordCommand', { Value: grafanaPasswordCommand() });
  });
});
