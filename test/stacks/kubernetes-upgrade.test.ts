/**
 * What a Kubernetes minor version upgrade changes in the platform stack: the control plane
 * and everything that must match its minor version, and not the node groups, which the
 * runbook upgrades one at a time afterwards (docs/runbooks/upgrade-kubernetes.md).
 */
import { Template } from 'aws-cdk-lib/assertions';
import {
  CLUSTER_AUTOSCALER_CHART,
  DEFAULT_KUBERNETES_VERSION,
  KUBERNETES_RELEASES,
} from '../../lib/config/versions';
import { configWith, problemsOf, synthPlatform } from '../util';

let previous: Template;
let current: Template;
beforeAll(() => {
  previous = synthPlatform(configWith((d) => (d.cluster.kubernetesVersion = '1.34'))).template;
  current = synthPlatform().template;
});

const clusterVersion = (template: Template) =>
  Object.values(template.findResources('AWS::EKS::Cluster')).map(
    (cluster: any) => cluster.Properties.Version,
  );
const autoscalerTag = (template: Template) => {
  const [release] = Object.values(
    template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Release: 'cluster-autoscaler' } }),
  ) as any[];
  // Values is a JSON string joined with tokens (the cluster name): read the tag from its text.
  return /\\?"tag\\?":\\?"(v[\d.]+)/.exec(JSON.stringify(release.Properties.Values))?.[1];
};

test('the control plane runs the configured minor version', () => {
  expect([clusterVersion(previous), clusterVersion(current)]).toEqual([
    ['1.34'],
    [DEFAULT_KUBERNETES_VERSION],
  ]);
});

test('the Cluster Autoscaler follows the minor version of the control plane', () => {
  expect([autoscalerTag(previous), autoscalerTag(current)]).toEqual(['v1.34.2', 'v1.35.0']);
});

test("the default version's autoscaler tag is the one pinned beside the chart", () => {
  expect(KUBERNETES_RELEASES[DEFAULT_KUBERNETES_VERSION].clusterAutoscalerImageTag).toBe(
    CLUSTER_AUTOSCALER_CHART.imageTag,
  );
});

test('each supported version has the kubectl layer of its own minor', () => {
  for (const [version, release] of Object.entries(KUBERNETES_RELEASES)) {
    expect([version, release.eksVersion.version]).toEqual([version, version]);
    expect(release.kubectlLayer.toString()).toContain(`KubectlV${version.replace('1.', '')}Layer`);
  }
});

test('node groups name no version: the control-plane deploy does not roll them', () => {
  // aws-eks-v2's Nodegroup never sets Version, so EKS keeps each group at the version it was
  // created with until `aws eks update-nodegroup-version` moves it (the runbook's last step).
  const nodegroups = Object.values(current.findResources('AWS::EKS::Nodegroup')) as any[];
  expect(nodegroups.length).toBeGreaterThan(0);
  expect(nodegroups.filter((group) => group.Properties.Version || group.Properties.ReleaseVersion)).toEqual(
    [],
  );
});

test('a version without a kubectl layer is refused, naming the supported ones', () => {
  expect(problemsOf((d) => (d.cluster.kubernetesVersion = '1.36'))).toEqual([
    'cluster.kubernetesVersion: got "1.36", expected one of 1.34, 1.35 (versions with a kubectl layer installed)',
  ]);
});
