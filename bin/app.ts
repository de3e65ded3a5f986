#!/usr/bin/env node
/**
 * Loads one configuration and creates its stacks:
 *
 *   npx cdk synth -c config=config/<env>.yaml          the provider: platform and tenants
 *   npx cdk synth -c consumers=config/<customer>.yaml  the customer side: interface endpoints
 *
 * Without either, it synthesizes config/example.yaml. It says on stderr which file it uses.
 */
import { App } from 'aws-cdk-lib';
import { configSourceFromContext, describeConfigSource } from '../lib/config/context';
import { ConfigError, loadConfigFile, loadConsumerConfigFile } from '../lib/config/load';
import { addComplianceChecks, createConsumerStack, createEnvironmentStacks } from '../lib/environment';

const app = new App();
const source = loadOrExit(() => configSourceFromContext(app.node.getAllContext()));
console.error(describeConfigSource(source));

if (source.kind === 'consumers') {
  // The customer side, deployed by the customer into their own account.
  const consumers = loadOrExit(() => loadConsumerConfigFile(source.file));
  createConsumerStack(app, consumers);
} else {
  const config = loadOrExit(() => loadConfigFile(source.file));
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
