/** Field rules shared by the environment, tenant and consumer configuration schemas. */
import { z } from 'zod';
import { parseIpv4Cidr } from './cidr';

/** A DNS-1123 label of at most `maxLength` characters (names of stacks, namespaces, tenants). */
export const dnsLabel = (maxLength: number) =>
  z
    .string()
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      message: 'expected a DNS-1123 label: lower-case letters, digits and "-", starting with a letter',
    })
    .max(maxLength, { message: `expected at most ${maxLength} characters` });

/** A 12-digit AWS account id, written as a quoted string in YAML. */
export const awsAccountId = z
  .string()
  .regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id, as a quoted string' });

/** An AWS region name, commercial, GovCloud or ISO partition. */
export const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, {
  message: 'expected an AWS region such as eu-west-1',
});

/** An IPv4 network in CIDR notation, host bits clear. */
export const ipv4Cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseIpv4Cidr(value);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
  }
});
// For editors (config/schema.json): the shape of a CIDR; the loader also checks the host bits.
ipv4Cidr.register(z.globalRegistry, {
  pattern:
    '^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)/(3[0-2]|[12]?\\d)$',
});
