/**
 * Prints a tenant's onboarding document:
 *   npm run onboarding -- <config file> <tenant> [<endpoint service name>]
 */
import { ConfigError, loadConfigFile } from '../lib/config/load';
import { onboardingDocument } from '../lib/onboarding';

const [configFile, tenant, serviceName] = process.argv.slice(2);
if (!configFile || !tenant) {
  console.error('usage: npm run onboarding -- <config file> <tenant> [<endpoint service name>]');
  process.exit(2);
}
try {
  process.stdout.write(onboardingDocument(loadConfigFile(configFile), tenant, { serviceName }));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
}
