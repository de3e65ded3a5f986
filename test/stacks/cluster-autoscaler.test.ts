/**
 * The Cluster Autoscaler as the platform installs it: pinned chart, auto-discovery of the
 * managed node groups by the tags EKS puts on their Auto Scaling groups, balanced zones, and
 * an IAM policy that can change only this cluster's groups (cluster-autoscaler
 * cloudprovider/aws/README.md; EKS best practices, Cluster Autoscaler).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { NODE_POOL_LABEL } from '../../k8s/node-pools';
import { CLUSTER_AUTOSCALER_CHART, DEFAULT_KUBERNETES_VERSION } from '../../lib/config/versions';
import { synthPlatform } from '../util';

let template: Template;
let resources: Record<string, any>;
beforeAll(() => {
  template = synthPlatform().template;
  resources = template.toJSON().Resources;
});

/** A value built with Fn::Join, its references written `<LogicalId>` and attributes `<LogicalId.Attr>`. */
function joined(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value.Ref) {
    return `<${value.Ref}>`;
  }
  if (value['Fn::GetAtt']) {
    return `<${value['Fn::GetAtt'].join('.')}>`;
  }
  const [separator, parts] = value['Fn::Join'];
  return parts.map(joined).join(separator);
}

const clusterId = () =>
  Object.keys(template.findResources('AWS::EKS::Cluster')).find((id) => id.startsWith('KubernetesCluster'))!;

function autoscalerChart(): [string, any] {
  const charts = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).filter(
    ([, r]: any) => r.Properties.Chart === 'cluster-autoscaler',
  );
  expect(charts).toHaveLength(1);
  return charts[0] as [string, any];
}

const chartValues = () => JSON.parse(joined(autoscalerChart()[1].Properties.Values));

function autoscalerRoleId(): string {
  const association = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).find(
    (r: any) => r.Properties.ServiceAccount === 'cluster-autoscaler',
  ) as any;
  return association.Properties.RoleArn['Fn::GetAtt'][0];
}

function autoscalerStatements(): any[] {
  const roleId = autoscalerRoleId();
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('the chart', () => {
  test('is the pinned cluster-autoscaler chart from the project repository, installed in kube-system', () => {
    expect(autoscalerChart()[1].Properties).toMatchObject({
      Repository: 'https://kubernetes.github.io/autoscaler',
      Chart: 'cluster-autoscaler',
      Version: CLUSTER_AUTOSCALER_CHART.version,
      Namespace: 'kube-system',
    });
  });

  test("runs the autoscaler release of the cluster's Kubernetes minor version", () => {
    expect(chartValues().image.tag).toBe(CLUSTER_AUTOSCALER_CHART.imageTag);
    expect(CLUSTER_AUTOSCALER_CHART.imageTag).toMatch(
      new RegExp(`^v${DEFAULT_KUBERNETES_VERSION.replace('.', '\\.')}\\.\\d+$`),
    );
  });

  test('discovers node groups by the cluster-autoscaler tags of this cluster', () => {
    expect(chartValues()).toMatchObject({
      cloudProvider: 'aws',
      awsRegion: 'eu-west-1',
      autoDiscovery: {
        clusterName: `<${clusterId()}>`,
        tags: ['k8s.io/cluster-autoscaler/enabled', `k8s.io/cluster-autoscaler/<${clusterId()}>`],
      },
    });
  });

  test("keeps similar node groups (the database pool's zones) the same size", () => {
    expect(chartValues().extraArgs).toMatchObject({
      'balance-similar-node-groups': true,
      'balancing-ignore-label': 'eks.amazonaws.com/nodegroup',
    });
  });

  test('never drains a node to save cost while a PostgreSQL pod (which has emptyDir volumes) runs there', () => {
    expect(chartValues().extraArgs['skip-nodes-with-local-storage']).toBe(true);
  });

  test('runs on the system pool with requests equal to limits', () => {
    const values = chartValues();
    expect(values.nodeSelector).toEqual({ [NODE_POOL_LABEL]: 'system' });
    expect(values.resources.requests).toEqual(values.resources.limits);
  });

  test('is installed once the system nodes and its Pod Identity association exist', () => {
    const [, chart] = autoscalerChart();
    const systemNodegroup = Object.keys(template.findResources('AWS::EKS::Nodegroup')).find((id) =>
      id.startsWith('SystemNodePool'),
    );
    expect(chart.DependsOn).toContain(systemNodegroup);
    const association = Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation')).find((id) =>
      id.startsWith('ClusterAutoscaler'),
    );
    expect(chart.DependsOn).toContain(association);
  });
});

describe('its AWS identity', () => {
  test('is an EKS Pod Identity association for kube-system/cluster-autoscaler, the account the chart creates', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system',
      ServiceAccount: 'cluster-autoscaler',
    });
    expect(chartValues().rbac.serviceAccount).toEqual({ create: true, name: 'cluster-autoscaler' });
  });

  test('is a role only EKS Pod Identity can assume, and no IRSA annotation points at it', () => {
    const roleId = autoscalerRoleId();
    expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
      },
    ]);
    expect(chartValues().rbac.serviceAccount.annotations).toBeUndefined();
  });

  test('may change only Auto Scaling groups tagged as owned by this cluster', () => {
    const mutating = autoscalerStatements().filter((statement) =>
      [statement.Action].flat().some((action: string) => !/:(Describe|Get)/.test(action)),
    );
    expect(mutating).toHaveLength(1);
    const [scale] = mutating;
    expect([scale.Action].flat().sort()).toEqual([
      'autoscaling:SetDesiredCapacity',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
    ]);
    const conditionId = scale.Condition.StringEquals['Fn::GetAtt'][0];
    const condition = resources[conditionId].Properties.Value;
    expect(JSON.parse(joined(condition))).toEqual({
      [`aws:ResourceTag/k8s.io/cluster-autoscaler/<${clusterId()}>`]: 'owned',
    });
  });

  test('reads node groups of this cluster only, and describes Auto Scaling and EC2 anywhere', () => {
    const statements = autoscalerStatements();
    const nodegroups = statements.find((statement) => statement.Action === 'eks:DescribeNodegroup');
    expect(joined(nodegroups.Resource)).toBe(
      `arn:aws:eks:eu-west-1:111111111111:nodegroup/<${clusterId()}>/*/*`,
    );
    const anywhere = statements.filter((statement) => statement.Resource === '*' && !statement.Condition);
    expect(
      anywhere
        .flatMap((statement) => [statement.Action].flat())
        .every((a: string) => /:(Describe|Get)/.test(a)),
    ).toBe(true);
  });
});
