/** Shared fixtures: the example configuration, variations of it, and synthesized stacks. */
import * as fs from 'fs';
import * as path from 'path';
import { App, cx_api as cxapi } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, loadConfigFile, validateConfig } from '../lib/config/load';
import type { EnvironmentConfig } from '../lib/config/schema';
import { createEnvironmentStacks } from '../lib/environment';
import type { PlatformStack } from '../lib/stacks/platform-stack';
import { STATEFUL_RESOURCE_TYPES } from '../lib/review/stateful-resources';

const PROJECT_ROOT = path.join(__dirname, '..');

/**
 * The context of cdk.json (feature flags), so tests synthesize exactly what `cdk synth` does:
 * without it aws-cdk-lib falls back to older defaults (e.g. a custom-resource OIDC provider).
 */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;
}

/** How a test app differs from the one the CDK CLI creates. */
export interface NewAppOptions {
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation on synthesis. It starts a 9 MB
   * WebAssembly module (about 2.3 s per test file), so only the test that gates on it
   * (test/app.test.ts) turns it on; `cdk synth` and CI always run it.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * A new app with the project's cdk.json context, as the CDK CLI would create it. Assets are
 * not staged (copied into the assembly): no test reads them, and the 59 MB kubectl layer
 * would be copied on every synthesis. Templates are the same either way.
 */
export function newApp(options: NewAppOptions = {}): App {
  return new App({
    context: { ...cdkJsonContext(), [cxapi.DISABLE_ASSET_STAGING_CONTEXT]: true },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
}

/** Path of the example configuration every user starts from. */
export const EXAMPLE_CONFIG_FILE = path.join(PROJECT_ROOT, 'config', 'example.yaml');

/** The example configuration, validated. */
export function exampleConfig(): EnvironmentConfig {
  return loadConfigFile(EXAMPLE_CONFIG_FILE);
}

/** The example document as plain data, for tests that change one key and validate again. */
export function exampleDocument(): Record<string, any> {
  // Round-trip through the validator output keeps only keys the schema knows.
  return JSON.parse(JSON.stringify(exampleConfig()));
}

/** Validates a document edited from the example; `edit` mutates a deep copy. */
export function configWith(edit: (doc: Record<string, any>) => void): EnvironmentConfig {
  const doc = exampleDocument();
  edit(doc);
  return validateConfig(doc, 'test');
}

/** A synthesized platform stack and its template. */
export interface SynthesizedPlatform {
  readonly app: App;
  readonly stack: PlatformStack;
  readonly template: Template;
}

/** Synthesizes the stacks of `config` in a fresh app, as bin/app.ts does, and returns the platform stack. */
export function synthPlatform(config: EnvironmentConfig = exampleConfig()): SynthesizedPlatform {
  const app = newApp();
  const stack = createEnvironmentStacks(app, config).platform;
  return { app, stack, template: Template.fromStack(stack) };
}

/** The problems reported for a document edited from the example; fails if it is accepted. */
export function problemsOf(edit: (doc: Record<string, any>) => void): string[] {
  try {
    configWith(edit);
  } catch (error) {
    if (error instanceof ConfigError) {
      return [...error.problems];
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

// The list lives in lib/ because the review command (scripts/review.ts) flags the same types.
export { STATEFUL_RESOURCE_TYPES };

/** `Type LogicalId` of every stateful resource of a template, sorted. */
export function statefulLogicalIds(template: { Resources: Record<string, { Type: string }> }): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => STATEFUL_RESOURCE_TYPES.includes(resource.Type))
    .map(([id, resource]) => `${resource.Type} ${id}`)
    .sort();
}
