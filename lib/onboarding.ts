/**
 * The onboarding document a provider hands to a tenant's customer: how to reach the
 * database over PrivateLink, generated from the configuration.
 */
import type { EnvironmentConfig } from './config/schema';
import {
  NLB_TCP_IDLE_TIMEOUT_SECONDS,
  READ_ONLY_PORT,
  READ_WRITE_PORT,
} from './constructs/tenant-private-link';
import { TCP_KEEPALIVE } from '../k8s/connection-keepalives';
import { platformCaExportCommand } from '../k8s/platform-ca-chart';
import { CERT_MANAGER_NAMESPACE } from './constructs/cert-manager';

/**
 * The client keepalive settings the document recommends (libpq `keepalives_*`, PostgreSQL docs
 * "Parameter Key Words"): the timing the servers behind the load balancer use too.
 */
export const CLIENT_KEEPALIVES = TCP_KEEPALIVE;

/** File name the document gives the platform CA certificate, for libpq's `sslrootcert`. */
export const CA_FILE = 'platform-ca.crt';

/**
 * The libpq TLS settings a customer connects with. With a private DNS name the servers'
 * certificates hold that name, so libpq checks the chain and the name (`verify-full`).
 * Without one, customers connect to their own endpoint's DNS names (`vpce-...`), which no
 * certificate can hold (every endpoint gets its own, unknown when the certificate is issued):
 * `verify-ca` then checks that the server's certificate comes from the platform CA, and the
 * PrivateLink endpoint service, which reaches this tenant only, gives the rest (PostgreSQL docs
 * "SSL Support": `verify-ca`, `verify-full`).
 */
export function clientSslSettings(privateDnsName: string | undefined): string {
  return `sslmode=${privateDnsName ? 'verify-full' : 'verify-ca'} sslrootcert=${CA_FILE}`;
}

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
  const privateDnsName = tenant.privateLink.privateDnsName;
  // With a verified private DNS name, the name resolves to the customer's own endpoint in their VPC.
  const host = privateDnsName ?? '<endpoint-dns-name>';
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
    `  --security-group-ids <your-endpoint-security-group>${privateDnsName ? ' \\' : ''}`,
    ...(privateDnsName ? ['  --private-dns-enabled'] : []),
    '```',
    ...(privateDnsName
      ? [
          '',
          `Private DNS name: \`${privateDnsName}\`. With private DNS enabled on the endpoint (\`privateDns: true\` in the consumer stack's file), this name resolves inside your VPC to your endpoint. It works once the provider has verified the domain; until then, use the endpoint's own DNS name. Your VPC needs DNS hostnames and DNS resolution turned on.`,
        ]
      : []),
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
    privateDnsName
      ? `Use the private DNS name \`${privateDnsName}\`, or the first DNS name of the endpoint (\`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <id>\`).`
      : 'Use the first DNS name of the endpoint (`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <id>`).',
    'Credentials come from the provider through a secure channel, never by email or ticket.',
    '',
    ...serverVerification(privateDnsName),
    '',
    '```sh',
    ...tenant.users.flatMap((user) =>
      ports.map(
        (port) =>
          `psql "host=${host} port=${port} dbname=${user.databases[0] ?? 'postgres'} user=${user.name} ${clientSslSettings(privateDnsName)}"  # ${port === READ_WRITE_PORT ? 'read-write' : 'read-only'}`,
      ),
    ),
    ...(tenant.users.length === 0 ? ['# no users are configured for this tenant yet'] : []),
    '```',
    '',
    '## 5. Where your tables go',
    '',
    'Each user has a schema of its own name in each of its databases, owned by it and first on its',
    'default `search_path` (`"$user", public`): tables created without a schema name land there.',
    'Since PostgreSQL 15 ordinary users may not create objects in `public`.',
    '',
    ...tenant.users.map((user) => `- \`${user.name}\`: ${userSchemas(user)}`),
    '',
    '## 6. Keep idle connections open',
    '',
    `The load balancer in front of the database drops a TCP connection that has carried nothing for ${NLB_TCP_IDLE_TIMEOUT_SECONDS} seconds.`,
    `Enable TCP keepalives in your clients, with the first probe well below ${NLB_TCP_IDLE_TIMEOUT_SECONDS} seconds, so idle pooled connections stay open:`,
    '',
    `- libpq (psql, psycopg, most drivers built on it): \`keepalives=1 keepalives_idle=${CLIENT_KEEPALIVES.idleSeconds} keepalives_interval=${CLIENT_KEEPALIVES.intervalSeconds} keepalives_count=${CLIENT_KEEPALIVES.count}\` in the connection string.`,
    `- Drivers that only switch keepalives on (e.g. JDBC \`tcpKeepAlive=true\`) use the operating system's timers: on Linux set \`net.ipv4.tcp_keepalive_time\` below ${NLB_TCP_IDLE_TIMEOUT_SECONDS} (the default is 7200).`,
    `- Or let your connection pool retire connections idle for less than ${NLB_TCP_IDLE_TIMEOUT_SECONDS} seconds.`,
    '',
  ];
  return lines.join('\n');
}

/** How the customer gets the platform CA certificate, and what libpq checks with it. */
function serverVerification(privateDnsName: string | undefined): string[] {
  return [
    `Connections are encrypted, and the server proves who it is with a certificate from the provider's private CA. Get the CA certificate (\`${CA_FILE}\`, a public certificate, no secret) from the provider through a channel you trust to be authentic; the provider exports it with:`,
    '',
    '```sh',
    platformCaExportCommand(CERT_MANAGER_NAMESPACE, CA_FILE),
    '```',
    '',
    privateDnsName
      ? `The server certificates hold the name \`${privateDnsName}\`, so connect to that name with \`sslmode=verify-full\`: libpq checks the certificate chain and the name. The endpoint's own \`vpce-...\` DNS names are not in the certificates: until the provider has verified the domain, use one of them with \`sslmode=verify-ca\` instead.`
      : `The endpoint's DNS names (\`vpce-...\`) are your own endpoint's and cannot be in the server certificates, so libpq cannot check the name: use \`sslmode=verify-ca\`, which checks that the certificate comes from the provider's CA. Your endpoint reaches this database only. For \`sslmode=verify-full\`, ask the provider for a private DNS name.`,
    'The CA certificate is valid for ten years and renewed a year before it expires with the same key: refresh your copy when the provider announces a renewal.',
  ];
}

/**
 * Where PGO creates a user's schema: in each of its databases, unless the user has none or its
 * name is one PGO reserves (PGO internal/postgres/users.go `WriteUsersSchemasInPostgreSQL`,
 * `RESERVED_SCHEMA_NAMES`).
 */
function userSchemas(user: { readonly name: string; readonly databases: string[] }): string {
  if (['pgbouncer', 'monitor'].includes(user.name)) {
    return 'no schema of its own (the name is reserved by the operator); ask the provider for one';
  }
  if (user.databases.length === 0) {
    return 'no database of its own, so no schema of its own; ask the provider for one';
  }
  return user.databases.map((database) => `schema \`${user.name}\` in \`${database}\``).join(', ');
}
