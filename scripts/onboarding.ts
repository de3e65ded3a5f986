/**
 * Prints a tenant's onboarding document, and nothing else, on stdout:
 *   npm run --silent onboarding -- <config file> <tenant> [<endpoint service name>] > <tenant>.md
 * (`--silent` keeps npm's "> private-postgres-paas onboarding" banner out of the document.)
 */
import { ConfigError, loadConfigFile } from '../lib/config/load';
import { onboardingDocument } from '../lib/onboarding';

const [configFile, tenant, serviceName] = process.argv.slice(2);
if (!configFile || !tenant) {
  console.error(
    'usage: npm run --silent onboarding -- <config file> <tenant> [<endpoint service name>] > <tenant>.md',
  );
  process.exit(2);
}
try {
  process.stdout.write(onboardingDocument(loadConfigFile(configFile), tenant, { serviceName }));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
}
