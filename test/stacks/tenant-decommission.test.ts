/**
 * `decommission: true` prepares a tenant stack for `cdk destroy`: an endpoint service cannot
 * be deleted while endpoints are Available or PendingAcceptance (EC2 API reference,
 * DeleteVpcEndpointServiceConfigurations), and a load balancer with deletion protection
 * cannot be deleted at all (Elastic Load Balancing docs, "Deletion protection"). The deploy
 * before the destroy withdraws every principal and the protection; the data stays.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createEnvironmentStacks, EnvironmentStacks } from '../../lib/environment';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { readAssembly } from '../../lib/review/cloud-assembly';
import { formatReview, reviewPasses } from '../../lib/review/format';
import { reviewAssemblies } from '../../lib/review/review';
import { configWith, exampleConfig, newApp, problemsOf } from '../util';
import { resourceChanges } from './template-changes';

let current: EnvironmentStacks;
let decommissioning: EnvironmentStacks;
let before: Template;
let after: Template;

const stacksOf = (config: EnvironmentConfig) => createEnvironmentStacks(newApp(), config);
/** The cloud assembly of the app `stacks` belong to, read back as `npm run review` reads it. */
const assemblyOf = (stacks: EnvironmentStacks) =>
  readAssembly((stacks.platform.node.root as App).synth().directory);
const ofType = (template: Template, type: string) => Object.entries(template.findResources(type));
/** The manifest resource holding the tenant's PostgresCluster, as [logical ID, resource]. */
const databaseManifest = (template: Template) => {
  const found = ofType(template, 'Custom::AWSCDK-EKS-KubernetesResource').filter(([id]) =>
    id.startsWith('Database'),
  );
  expect(found).toHaveLength(1);
  return found[0];
};

beforeAll(() => {
  current = stacksOf(exampleConfig());
  decommissioning = stacksOf(configWith((d) => (d.tenants[0].decommission = true)));
  before = Template.fromStack(current.tenants.orders);
  after = Template.fromStack(decommissioning.tenants.orders);
});

test('is off by default, and an explicit false synthesizes the same template', () => {
  expect(exampleConfig().tenants[0].decommission).toBe(false);
  const explicit = stacksOf(configWith((d) => (d.tenants[0].decommission = false)));
  expect(Template.fromStack(explicit.tenants.orders).toJSON()).toEqual(before.toJSON());
});

test('changes only the load balancer, the endpoint service permissions and the database deletion policy', () => {
  const [[loadBalancerId]] = ofType(before, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const [[permissionsId]] = ofType(before, 'AWS::EC2::VPCEndpointServicePermissions');
  const [databaseId] = databaseManifest(before);
  expect(resourceChanges(before.toJSON(), after.toJSON())).toEqual({
    added: [],
    removed: [],
    modified: [loadBalancerId, permissionsId, databaseId].sort(),
  });
});

test('turns the load balancer deletion protection off', () => {
  const attribute = (template: Template) =>
    (
      ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0][1] as any
    ).Properties.LoadBalancerAttributes.find((a: { Key: string }) => a.Key === 'deletion_protection.enabled')
      .Value;
  expect([attribute(before), attribute(after)]).toEqual(['true', 'false']);
});

test('allows no principal to create an endpoint', () => {
  const principals = (template: Template) =>
    (ofType(template, 'AWS::EC2::VPCEndpointServicePermissions')[0][1] as any).Properties.AllowedPrincipals;
  expect(principals(before)).toHaveLength(1);
  expect(principals(after)).toEqual([]);
});

test('keeps the backup bucket, its key and the passphrase secret when the stack is destroyed', () => {
  for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
    const resources = ofType(after, type);
    expect(resources).toHaveLength(1);
    expect(resources[0][1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  }
});

test('keeps the PostgresCluster running, so a last backup can be taken before the destroy', () => {
  const manifest = (template: Template) => databaseManifest(template)[1] as any;
  expect(JSON.stringify(manifest(before).Properties.Manifest)).toContain('PostgresCluster');
  expect(manifest(after).Properties).toEqual(manifest(before).Properties);
});

// Only the policy changes: CloudFormation sends the kubectl provider no update for it.
test('lets the destroy delete the database, which is retained otherwise', () => {
  const policies = (template: Template) => {
    const { DeletionPolicy, UpdateReplacePolicy } = databaseManifest(template)[1] as any;
    return { DeletionPolicy, UpdateReplacePolicy };
  };
  expect(policies(before)).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  expect(policies(after)).toEqual({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
});

test('lifts the termination protection of the tenant stack only', () => {
  expect(current.tenants.orders.terminationProtection).toBe(true);
  expect(decommissioning.tenants.orders.terminationProtection).toBe(false);
  expect(decommissioning.tenants.analytics.terminationProtection).toBe(true);
  expect(decommissioning.platform.terminationProtection).toBe(true);
});

test('leaves the other tenants and the platform unchanged', () => {
  expect(Template.fromStack(decommissioning.tenants.analytics).toJSON()).toEqual(
    Template.fromStack(current.tenants.analytics).toJSON(),
  );
  expect(Template.fromStack(decommissioning.platform).toJSON()).toEqual(
    Template.fromStack(current.platform).toJSON(),
  );
});

test('the review of the decommissioning deploy finds no data-loss risk', () => {
  const review = reviewAssemblies(assemblyOf(current), assemblyOf(decommissioning));
  expect(review.risks).toEqual([]);
  expect(review.errors).toEqual([]);
  expect(reviewPasses(review)).toBe(true);
  expect(formatReview(review)).toContain('Stack example-tenant-orders (modified)');
});

test('the runbook shows the review output this change produces', () => {
  const printed = formatReview(reviewAssemblies(assemblyOf(current), assemblyOf(decommissioning))).join('\n');
  const runbook = fs.readFileSync(
    path.join(__dirname, '..', '..', 'docs', 'runbooks', 'decommission-tenant.md'),
    'utf8',
  );
  expect(runbook).toContain(`\`\`\`text\n${printed.trim()}\n\`\`\``);
});

test('a value other than true or false is refused, naming the key', () => {
  expect(problemsOf((d) => (d.tenants[0].decommission = 'yes'))).toEqual([
    'tenants[0].decommission: got "yes", expected true (prepare the tenant for cdk destroy) or false',
  ]);
});
