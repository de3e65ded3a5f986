#!/usr/bin/env node
/**
 * Loads one environment's configuration and creates its stacks.
 *
 *   npx cdk synth -c config=config/<env>.yaml
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfigFile } from '../lib/config/load';
import { PlatformStack } from '../lib/stacks/platform-stack';

const app = new App();
const configFile = String(app.node.tryGetContext('config') ?? 'config/example.yaml');

let config;
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

const env = { account: config.account, region: config.region };
new PlatformStack(app, `${config.name}-platform`, {
  env,
  availabilityZones: config.availabilityZones,
  config,
  description: `Private PostgreSQL platform ${config.name}: network, EKS cluster, node pools and add-ons`,
  terminationProtection: config.stage === 'production',
});

for (const [key, value] of Object.entries(config.tags)) {
  Tags.of(app).add(key, value);
}
Tags.of(app).add('postgres-platform/environment', config.name);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
