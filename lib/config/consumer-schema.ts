/**
 * The configuration of the customer side: interface endpoints to tenant endpoint services,
 * deployed with the customer's credentials into the customer's account. A separate file, so
 * the customer never needs the provider's configuration.
 */
import { z } from 'zod';
import { awsAccountId, awsRegion, dnsLabel, ipv4Cidr } from './fields';

const clientCidr = ipv4Cidr.refine((value) => !value.endsWith('/0'), {
  message: 'expected the networks of your clients, not the whole internet',
});

/** One interface endpoint to one tenant's endpoint service. */
export const consumerEndpointSchema = z.strictObject({
  name: dnsLabel(30).meta({ description: 'Name of the endpoint (the tenant it reaches is a good choice).' }),
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
    .array(clientCidr)
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
  name: dnsLabel(30).meta({ description: 'Prefix of the stack name (`<name>-postgres-endpoints`).' }),
  account: awsAccountId,
  region: awsRegion,
  endpoints: z.array(consumerEndpointSchema).min(1),
});

/** A validated consumer configuration. */
export type ConsumerConfig = z.output<typeof consumerConfigSchema>;
/** One endpoint of a consumer configuration. */
export type ConsumerEndpointConfig = z.output<typeof consumerEndpointSchema>;
