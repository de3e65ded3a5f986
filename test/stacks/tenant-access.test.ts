/**
 * Granting or withdrawing access to a tenant is a change of its endpoint service permissions
 * alone: the endpoint service, whose name customers' endpoints are bound to, and the load
 * balancer behind it stay as they are (AWS::EC2::VPCEndpointServicePermissions: only
 * ServiceId is create-only, so AllowedPrincipals changes in place).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createEnvironmentStacks } from '../../lib/environment';
import { AssemblyTemplates, readAssembly } from '../../lib/review/cloud-assembly';
import { formatReview } from '../../lib/review/format';
import { reviewAssemblies } from '../../lib/review/review';
import { configWith, exampleConfig, newApp } from '../util';
import { resourceChanges } from './template-changes';

/** The orders tenant's template for `config`. */
const ordersTemplate = (config: EnvironmentConfig) =>
  Template.fromStack(createEnvironmentStacks(newApp(), config).tenants.orders).toJSON();

/** The orders tenant's template with `principals` allowed instead of the example's. */
const withPrincipals = (principals: string[]) =>
  ordersTemplate(configWith((d) => (d.tenants[0].privateLink.allowedPrincipals = principals)));

let example: Record<string, any>;
let permissionsId: string;

beforeAll(() => {
  example = ordersTemplate(exampleConfig());
  [permissionsId] = Object.keys(example.Resources).filter(
    (id) => example.Resources[id].Type === 'AWS::EC2::VPCEndpointServicePermissions',
  );
});

const allowed = (template: Record<string, any>) =>
  template.Resources[permissionsId].Properties.AllowedPrincipals;

test('adding a principal updates only the endpoint service permissions', () => {
  const added = withPrincipals(['222222222222', 'arn:aws:iam::444444444444:role/app']);
  expect(resourceChanges(example, added)).toEqual({ added: [], removed: [], modified: [permissionsId] });
  expect(allowed(added)).toHaveLength(2);
});

test('removing a principal updates only the endpoint service permissions', () => {
  const two = withPrincipals(['222222222222', '444444444444']);
  const one = withPrincipals(['444444444444']);
  expect(resourceChanges(two, one)).toEqual({ added: [], removed: [], modified: [permissionsId] });
});

test('removing the last principal keeps the permissions resource, with an empty list', () => {
  // The aws-ec2 VpcEndpointService L2 would drop the resource here; a delete is not an update.
  const none = withPrincipals([]);
  expect(resourceChanges(example, none)).toEqual({ added: [], removed: [], modified: [permissionsId] });
  expect(allowed(none)).toEqual([]);
});

test('the endpoint service id is an output, for listing and rejecting connections', () => {
  const [serviceId] = Object.keys(example.Resources).filter(
    (id) => example.Resources[id].Type === 'AWS::EC2::VPCEndpointService',
  );
  expect(example.Outputs.EndpointServiceId.Value).toEqual({ Ref: serviceId });
});

test('the runbook shows the review output of adding an account', () => {
  const assemblyOf = (config: EnvironmentConfig): AssemblyTemplates => {
    const app = newApp();
    createEnvironmentStacks(app, config);
    return readAssembly(app.synth().directory);
  };
  const added = configWith((d) => d.tenants[0].privateLink.allowedPrincipals.push('444444444444'));
  const printed = formatReview(reviewAssemblies(assemblyOf(exampleConfig()), assemblyOf(added))).join('\n');
  const runbook = fs.readFileSync(
    path.join(__dirname, '..', '..', 'docs', 'runbooks', 'change-access.md'),
    'utf8',
  );
  expect(runbook).toContain(`\`\`\`text\n${printed.trim()}\n\`\`\``);
});
