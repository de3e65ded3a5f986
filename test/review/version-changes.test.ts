/**
 * The review refuses version changes that one deploy cannot make: a Kubernetes minor version
 * skipped or undone, and a PostgreSQL major changed without pg_upgrade having run.
 */
import type { CloudFormationResource } from '../../lib/review/cloud-assembly';
import { reviewAssemblies } from '../../lib/review/review';
import { kubernetesVersionErrors, postgresVersionErrors } from '../../lib/review/version-changes';
import { configWith } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';

const eks = (version: string): { Resources: Record<string, CloudFormationResource> } => ({
  Resources: { KubernetesCluster: { Type: 'AWS::EKS::Cluster', Properties: { Version: version } } },
});

describe('the Kubernetes version of the EKS cluster', () => {
  test('may move to the next minor version', () => {
    expect(kubernetesVersionErrors(eks('1.35'), eks('1.36'))).toEqual([]);
  });

  test('may not skip a minor version', () => {
    expect(kubernetesVersionErrors(eks('1.34'), eks('1.36'))).toEqual([
      expect.stringMatching(
        /^AWS::EKS::Cluster KubernetesCluster Kubernetes version: got 1\.36, expected 1\.35: EKS upgrades one minor version at a time/,
      ),
    ]);
  });

  test('may not go back', () => {
    expect(kubernetesVersionErrors(eks('1.35'), eks('1.34'))).toEqual([
      'AWS::EKS::Cluster KubernetesCluster Kubernetes version: got 1.34, expected 1.35 or 1.36: EKS never downgrades a cluster',
    ]);
  });

  test('is not checked for a new cluster, which EKS creates at any version it offers', () => {
    expect(kubernetesVersionErrors({ Resources: {} }, eks('1.35'))).toEqual([]);
  });

  test('a skip is an error of the review, which no flag accepts', () => {
    const review = reviewAssemblies({ platform: eks('1.34') }, { platform: eks('1.36') });
    expect(review.errors).toEqual([expect.stringMatching(/^platform: AWS::EKS::Cluster KubernetesCluster/)]);
  });
});

describe('the PostgreSQL major of a PostgresCluster', () => {
  const ANALYTICS = 1;
  const analytics = (edit: (tenant: Record<string, any>) => void) =>
    synthTenantChart(configWith((d) => edit(d.tenants[ANALYTICS])).tenants[ANALYTICS]);
  const running16 = analytics(() => undefined);
  const started = analytics((t) => (t.upgrade = { from: 16, to: 17 }));
  const running17 = analytics((t) => (t.postgresVersion = 17));

  test('may change once the start of the upgrade is deployed', () => {
    expect(postgresVersionErrors(started, running17)).toEqual([]);
  });

  test('may not change without the start: PostgreSQL 17 cannot open a 16 data directory', () => {
    expect(postgresVersionErrors(running16, running17)).toEqual([
      "PostgresCluster tenant-analytics/analytics postgresVersion: got 17, expected 16 until the upgrade's start step (upgrade: { from: 16, to: 17 }) is deployed and PGO reports the PGUpgrade succeeded",
    ]);
  });

  test('may not move to another major than the one the upgrade started for', () => {
    const running18 = analytics((t) => (t.postgresVersion = 18));
    expect(postgresVersionErrors(started, running18)).toEqual([
      expect.stringMatching(/postgresVersion: got 18, expected 16 until/),
    ]);
  });

  test('may not go back', () => {
    expect(postgresVersionErrors(running17, running16)).toEqual([
      'PostgresCluster tenant-analytics/analytics postgresVersion: got 16, expected 17: a major version is never downgraded in place',
    ]);
  });

  test('starting the upgrade itself changes no major', () => {
    expect(postgresVersionErrors(running16, started)).toEqual([]);
  });
});
