/** Shared fixtures: the example configuration, variations of it, and synthesized stacks. */
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfigFile, validateConfig } from '../lib/config/load';
import type { EnvironmentConfig } from '../lib/config/schema';
import { createEnvironmentStacks } from '../lib/environment';
import type { PlatformStack } from '../lib/stacks/platform-stack';

/** Path of the example configuration every user starts from. */
export const EXAMPLE_CONFIG_FILE = path.join(__dirname, '..', 'config', 'example.yaml');

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
  const app = new App();
  const stack = createEnvironmentStacks(app, config).platform;
  return { app, stack, template: Template.fromStack(stack) };
}
