#!/usr/bin/env node
/**
 * Loads one environment's configuration and creates its stacks.
 *
 *   npx cdk synth -c config=config/<env>.yaml
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfigFile } from '../lib/config/load';
import type { EnvironmentConfig } from '../lib/config/schema';
import { addComplianceChecks, createEnvironmentStacks } from '../lib/environment';

const app = new App();
const configFile = String(app.node.tryGetContext('config') ?? 'config/example.yaml');

let config: EnvironmentConfig;
try {
  config = loadConfigFile(configFile);
} catch (error) {
  if (error instanceof ConfigError) {
    // A user's mistake: say what is wrong, without a stack trace, and synthesize nothing.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

createEnvironmentStacks(app, config);
addComplianceChecks(app);
