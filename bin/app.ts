#!/usr/bin/env node
/**
 * Loads one configuration and creates its stacks:
 *
 *   npx cdk synth -c config=config/<env>.yaml          the provider: platform and tenants
 *   npx cdk synth -c consumers=config/<customer>.yaml  the customer side: interface endpoints
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfigFile, loadConsumerConfigFile } from '../lib/config/load';
import { addComplianceChecks, createConsumerStack, createEnvironmentStacks } from '../lib/environment';

const app = new App();
const consumerFile = app.node.tryGetContext('consumers') as string | undefined;

if (consumerFile) {
  // The customer side, deployed by the customer into their own account.
  const consumers = loadOrExit(() => loadConsumerConfigFile(consumerFile));
  createConsumerStack(app, consumers);
} else {
  const config = loadOrExit(() =>
    loadConfigFile(String(app.node.tryGetContext('config') ?? 'config/example.yaml')),
  );
  createEnvironmentStacks(app, config);
}
addComplianceChecks(app);

/** Loads a configuration, or reports a user's mistake without a stack trace and synthesizes nothing. */
function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
