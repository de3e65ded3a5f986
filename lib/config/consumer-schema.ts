/**
 * The configuration of the customer side: interface endpoints to tenant endpoint services,
 * deployed with the customer's credentials into the customer's account. A separate file, so
 * the customer never needs the provider's configuration.
 */
import { z } from 'zod';
import { parseIpv4Cidr } from './cidr';

const ipv4Cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseIpv4Cidr(value);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
  } else if (parsed.prefixLength === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected the networks of your clients, not the whole internet',
    });
  }
});

/** One interface endpoint to one tenant's endpoint service. */
export const consumerEndpointSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, { message: 'expected a DNS-1123 label' })
    .max(30)
    .meta({ description: 'Name of the endpoint (the tenant it reaches is a good choice).' }),
  serviceName: z
    .string()
    .regex(/^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{8,17}$/, {
      message:
        'expected an endpoint service name such as com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
    })
    .meta({ description: "The provider's EndpointServiceName output for the tenant." }),
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, { message: 'expected a VPC id such as vpc-0123456789abcdef0' })
    .meta({ description: 'Your VPC.' }),
  subnetIds: z
    .array(
      z.string().regex(/^subnet-[0-9a-f]{8,17}$/, {
        message: 'expected a subnet id such as subnet-0123456789abcdef0',
      }),
    )
    .min(1)
    .max(6)
    .meta({
      description: 'Subnets for the endpoint, one per availability zone (two or three for availability).',
    }),
  allowedCidrs: z
    .array(ipv4Cidr)
    .min(1, { message: 'expected at least one CIDR: the endpoint admits nobody otherwise' })
    .meta({ description: 'Networks of your database clients.' }),
  readOnlyPort: z
    .boolean()
    .default(true)
    .meta({ description: 'Also open 5433 (read-only replicas); turn off for single-instance tenants.' }),
  privateDns: z
    .boolean()
    .default(false)
    .meta({ description: "Use the service's private DNS name (only when the provider has verified one)." }),
});

/** The schema of a consumer configuration file. */
export const consumerConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, { message: 'expected a DNS-1123 label' })
    .max(30)
    .meta({ description: 'Prefix of the stack name (`<name>-postgres-endpoints`).' }),
  account: z
    .string()
    .regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id, as a quoted string' }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/, { message: 'expected an AWS region such as eu-west-1' }),
  endpoints: z.array(consumerEndpointSchema).min(1),
});

/** A validated consumer configuration. */
export type ConsumerConfig = z.output<typeof consumerConfigSchema>;
/** One endpoint of a consumer configuration. */
export type ConsumerEndpointConfig = z.output<typeof consumerEndpointSchema>;
