/**
 * The onboarding document a provider hands to a tenant's customer: how to reach the
 * database over PrivateLink, generated from the configuration.
 */
import type { EnvironmentConfig } from './config/schema';
import { READ_ONLY_PORT, READ_WRITE_PORT } from './constructs/tenant-private-link';

/** What the document needs besides the configuration. */
export interface OnboardingOptions {
  /**
   * The deployed endpoint service name (the tenant stack's EndpointServiceName output).
   * @default - the document shows how to read it
   */
  readonly serviceName?: string;
}

/** The onboarding document of `tenantName`, as Markdown. */
export function onboardingDocument(
  config: EnvironmentConfig,
  tenantName: string,
  options: OnboardingOptions = {},
): string {
  const tenant = config.tenants.find((candidate) => candidate.name === tenantName);
  if (!tenant) {
    throw new Error(
      `tenant "${tenantName}" is not in the configuration; tenants: ${config.tenants.map((t) => t.name).join(', ') || '(none)'}`,
    );
  }
  const stackName = `${config.name}-tenant-${tenant.name}`;
  const serviceName = options.serviceName ?? '<EndpointServiceName>';
  const ports = tenant.replicas > 1 ? [READ_WRITE_PORT, READ_ONLY_PORT] : [READ_WRITE_PORT];
  const lines = [
    `# Connecting to the ${tenant.name} database`,
    '',
    `PostgreSQL ${tenant.postgresVersion}, ${tenant.replicas > 1 ? `highly available (${tenant.replicas} instances)` : 'single instance'}, reachable only over AWS PrivateLink from the accounts allowed for it, in region ${config.region}.`,
    '',
    '## 1. The endpoint service',
    '',
    `Service name: \`${serviceName}\``,
    ...(options.serviceName
      ? []
      : [
          '',
          'The provider reads it from the deployed stack:',
          '',
          '```sh',
          `aws cloudformation describe-stacks --region ${config.region} --stack-name ${stackName} \\`,
          '  --query "Stacks[0].Outputs[?OutputKey==\'EndpointServiceName\'].OutputValue" --output text',
          '```',
        ]),
    '',
    `Allowed principals: ${tenant.privateLink.allowedPrincipals.map((p) => `\`${p}\``).join(', ') || '(none yet: ask the provider to add your account)'}.`,
    tenant.privateLink.acceptanceRequired
      ? 'Each new endpoint connection waits until the provider accepts it.'
      : 'Endpoint connections from allowed principals are accepted automatically.',
    '',
    '## 2. Create an interface endpoint in your VPC',
    '',
    'With the consumer stack of this project (`config/consumer.example.yaml`), or directly:',
    '',
    '```sh',
    `aws ec2 create-vpc-endpoint --region ${config.region} --vpc-endpoint-type Interface \\`,
    `  --service-name ${serviceName} \\`,
    '  --vpc-id <your-vpc-id> --subnet-ids <subnet-a> <subnet-b> <subnet-c> \\',
    '  --security-group-ids <your-endpoint-security-group>',
    '```',
    '',
    '## 3. Allow your clients',
    '',
    'The endpoint security group needs inbound rules from your database clients:',
    '',
    ...ports.map(
      (port) =>
        `- TCP ${port} (${port === READ_WRITE_PORT ? 'read-write' : 'read-only replicas'}) from your client networks, e.g. \`aws ec2 authorize-security-group-ingress --group-id <sg> --protocol tcp --port ${port} --cidr <your-clients-cidr>\``,
    ),
    '',
    '## 4. Connect',
    '',
    'Use the first DNS name of the endpoint (`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <id>`).',
    'Credentials come from the provider through a secure channel, never by email or ticket.',
    'Connections are encrypted (TLS is on); verify-full with a CA you can check comes with customer-facing certificates.',
    '',
    '```sh',
    ...tenant.users.flatMap((user) =>
      ports.map(
        (port) =>
          `psql "host=<endpoint-dns-name> port=${port} dbname=${user.databases[0] ?? 'postgres'} user=${user.name} sslmode=require"  # ${port === READ_WRITE_PORT ? 'read-write' : 'read-only'}`,
      ),
    ),
    ...(tenant.users.length === 0 ? ['# no users are configured for this tenant yet'] : []),
    '```',
    '',
  ];
  return lines.join('\n');
}
