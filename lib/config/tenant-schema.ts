/** The schema of one entry of `tenants:`. */
import { z } from 'zod';

/**
 * Longest tenant name. Names are built from it (`<name>-pgbouncer`, `<name>-replicas`,
 * AWS load balancer and target group names of at most 32 characters with a suffix), so the
 * limit keeps every derived name valid.
 */
export const TENANT_NAME_MAX_LENGTH = 20;

/** One tenant: a highly available PostgreSQL cluster of its own. */
export const tenantSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      message: 'expected a DNS-1123 label: lower-case letters, digits and "-", starting with a letter',
    })
    .max(TENANT_NAME_MAX_LENGTH, { message: `expected at most ${TENANT_NAME_MAX_LENGTH} characters` })
    .meta({
      description: 'Tenant name, unique in the environment; names its stack and Kubernetes namespace.',
    }),
});

/** A validated tenant entry. */
export type TenantConfig = z.output<typeof tenantSchema>;
