/**
 * The `webUis` block of an environment: how operators reach Grafana, Prometheus, Alertmanager
 * and pgAdmin. Absent, nothing is exposed (no load balancer, no DNS, no certificate) and the
 * UIs are reached with `kubectl port-forward` (README, "Reaching the web UIs").
 */
import { z } from 'zod';
import { tenantPgAdminUi, WEB_UIS, WebUiName } from '../../k8s/web-uis';
import { parseIpv4Cidr } from './cidr';
import { ipv4Cidr } from './fields';

/** Load balancer schemes: `internal` is reachable from the VPC and networks routed to it only. */
export const WEB_UI_SCHEMES = ['internal', 'internet-facing'] as const;

/**
 * The widest network an internet-facing load balancer without OIDC may admit: the same limit
 * as the public Kubernetes API endpoint (`cluster.publicAccessCidrs`).
 */
export const WIDEST_UNAUTHENTICATED_PREFIX = 8;

const DNS_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const dnsName = (example: string) =>
  z.string().regex(DNS_NAME, { message: `expected a lower-case DNS name such as ${example}` });

const httpsUrl = (description: string) =>
  z
    .string()
    .regex(/^https:\/\/[^\s/]+(\/\S*)?$/, { message: 'expected an https:// URL' })
    .meta({ description });

/** OpenID Connect at the load balancer (ALB `authenticate-oidc`): every request needs a login. */
const oidcSchema = z.strictObject({
  issuer: httpsUrl('The identity provider\'s issuer ("iss" of its tokens).'),
  authorizationEndpoint: httpsUrl('Where the browser is sent to log in.'),
  tokenEndpoint: httpsUrl('Where the load balancer exchanges the code for tokens (it must reach it).'),
  userInfoEndpoint: httpsUrl('Where the load balancer reads the user claims (it must reach it).'),
  clientSecretName: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, {
      message: 'expected the name of a Kubernetes Secret (a DNS-1123 subdomain)',
    })
    .meta({
      description:
        'NAME of a Kubernetes Secret with keys clientID and clientSecret, created by you in each UI namespace (monitoring, and tenant-<t> for the pgAdmin of each tenant). Never the values.',
    }),
  scope: z
    .string()
    .regex(/^[\w:.-]+( [\w:.-]+)*$/, { message: 'expected space-separated scopes such as "openid email"' })
    .default('openid')
    .meta({ description: 'Scopes requested from the identity provider.' }),
  sessionTimeoutSeconds: z
    .number()
    .int()
    .min(60, { message: 'expected whole seconds from 60 to 604800 (7 days)' })
    .max(604800, { message: 'expected whole seconds from 60 to 604800 (7 days)' })
    .default(28800)
    .meta({ description: 'How long a login lasts.' }),
});

/** A certificate authority that speaks ACME, for certificates cert-manager issues inside the cluster. */
export const ACME_SERVERS = {
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

const acmeSchema = z.strictObject({
  email: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+\.[a-z]{2,63}$/i, { message: 'expected an e-mail address' })
    .meta({ description: 'ACME account e-mail: the CA sends expiry and policy notices there.' }),
  server: z
    .enum(Object.keys(ACME_SERVERS) as [keyof typeof ACME_SERVERS])
    .default('letsencrypt-production')
    .meta({ description: 'letsencrypt-production or letsencrypt-staging (untrusted, for trials).' }),
});

const hostnamesShape = Object.fromEntries(
  Object.entries(WEB_UIS).map(([name, ui]) => [
    name,
    dnsName(`${ui.defaultHostLabel}.ops.example.com`)
      .optional()
      .meta({ description: `Hostname of ${name}. Defaults to ${ui.defaultHostLabel}.<domain>.` }),
  ]),
) as Record<WebUiName, z.ZodOptional<z.ZodString>>;

const webUiShape = z.strictObject({
  domain: dnsName('ops.example.com').meta({
    description: 'Domain of the UI hostnames; external-dns manages records under it only.',
  }),
  hostedZone: z
    .strictObject({
      id: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, { message: 'expected a Route 53 hosted zone id such as Z0123456789ABC' })
        .meta({ description: 'Id of the Route 53 hosted zone.' }),
      name: dnsName('example.com').meta({ description: 'Its name: the domain must be within it.' }),
    })
    .meta({
      description:
        'A PUBLIC Route 53 hosted zone: ACM validates the certificate through public DNS, so a private zone cannot. Internal load balancers get public names with private addresses.',
    }),
  scheme: z.enum(WEB_UI_SCHEMES).default('internal').meta({
    description:
      'internal (default) or internet-facing; internet-facing needs inboundCidrs or oidc, and without oidc no network wider than /8.',
  }),
  inboundCidrs: z.array(ipv4Cidr).default([]).meta({
    description:
      'Networks allowed to connect. Default: the VPC CIDR only (internal); internet-facing needs a list or oidc.',
  }),
  oidc: oidcSchema
    .optional()
    .meta({ description: 'Log in through an OpenID Connect provider at the load balancer.' }),
  hostnames: z.strictObject(hostnamesShape).default({}).meta({ description: 'Hostname per UI.' }),
  dnsPolicy: z.enum(['upsert-only', 'sync']).default('upsert-only').meta({
    description:
      'external-dns policy: upsert-only never deletes a record; sync also deletes the records it owns once their Ingress is gone.',
  }),
  acme: acmeSchema.optional().meta({
    description:
      'Configures a cert-manager ClusterIssuer "acme" (DNS-01 in the hosted zone) for in-cluster certificates; nothing uses it by default.',
  }),
});

/** The `webUis` block. */
export const webUiSchema = webUiShape
  .superRefine(checkWebUis)
  .optional()
  .meta({ description: 'Web UIs behind one ALB. Absent: nothing is exposed; use kubectl port-forward.' });

/** A validated `webUis` block, defaults applied. */
export type WebUiConfig = NonNullable<z.output<typeof webUiSchema>>;
/** Its OIDC settings. */
export type WebUiOidcConfig = NonNullable<WebUiConfig['oidc']>;
/** Its ACME settings. */
export type AcmeConfig = NonNullable<WebUiConfig['acme']>;

function checkWebUis(block: z.output<typeof webUiShape>, ctx: z.RefinementCtx): void {
  const { domain, hostedZone, scheme, inboundCidrs, oidc } = block;
  if (!withinDomain(domain, hostedZone.name) && domain !== hostedZone.name) {
    ctx.addIssue({
      code: 'custom',
      path: ['domain'],
      message: `expected webUis.hostedZone.name (${hostedZone.name}) or a name under it`,
    });
  }
  const seen = new Map<string, string>();
  for (const [name, hostname] of Object.entries(webUiHostnames(block))) {
    if (block.hostnames[name as WebUiName] !== undefined && !withinDomain(hostname, domain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostnames', name],
        message: `expected a name under webUis.domain (${domain}): external-dns manages that domain only`,
      });
    }
    if (block.hostnames[name as WebUiName] !== undefined && hostname.startsWith(PGADMIN_HOST_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostnames', name],
        message: `expected a name whose first label does not start with "${PGADMIN_HOST_PREFIX}": tenants' pgAdmin routes use those names`,
      });
    }
    const first = seen.get(hostname);
    if (first) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostnames', name],
        message: `expected a hostname of its own (${first} has it already)`,
      });
    }
    seen.set(hostname, name);
  }
  if (scheme !== 'internet-facing' || oidc) {
    return;
  }
  if (inboundCidrs.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['scheme'],
      message:
        'expected internal, or internet-facing together with webUis.inboundCidrs or webUis.oidc: the UIs are never open to the whole internet',
    });
  }
  inboundCidrs.forEach((text, index) => {
    const cidr = parseIpv4Cidr(text);
    if (typeof cidr !== 'string' && cidr.prefixLength < WIDEST_UNAUTHENTICATED_PREFIX) {
      ctx.addIssue({
        code: 'custom',
        path: ['inboundCidrs', index],
        message: `expected a network of /${WIDEST_UNAUTHENTICATED_PREFIX} or smaller on an internet-facing load balancer without webUis.oidc`,
      });
    }
  });
}

/** First-label prefix of the tenants' pgAdmin hostnames (k8s/web-uis.ts tenantPgAdminUi). */
const PGADMIN_HOST_PREFIX = tenantPgAdminUi('').defaultHostLabel;

function withinDomain(name: string, domain: string): boolean {
  return name.endsWith(`.${domain}`);
}

/** The hostname of each UI: the configured one, or `<defaultHostLabel>.<domain>`. */
export function webUiHostnames(config: WebUiConfig): Record<WebUiName, string> {
  return Object.fromEntries(
    Object.entries(WEB_UIS).map(([name, ui]) => [
      name,
      config.hostnames[name as WebUiName] ?? `${ui.defaultHostLabel}.${config.domain}`,
    ]),
  ) as Record<WebUiName, string>;
}
