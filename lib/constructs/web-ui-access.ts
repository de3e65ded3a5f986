import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WEB_UI_INGRESS, type WebUiRouteSettings } from '../../k8s/web-ui-ingress-chart';
import { tenantPgAdminUi } from '../../k8s/web-uis';
import { ACME_SERVERS, webUiHostnames, WebUiConfig } from '../config/web-ui-schema';
import { AcmeIssuer } from './acme-issuer';
import { ExternalDns } from './external-dns';
import { NodePoolSelector } from './system-chart';
import { WebUiIngress } from './web-ui-ingress';

/** Properties of {@link WebUiAccess}. */
export interface WebUiAccessProps {
  /** The cluster. */
  readonly cluster: eks.Cluster;
  /** The validated `webUis` block. */
  readonly config: WebUiConfig;
  /** Name of the environment: owner of its DNS records. */
  readonly environmentName: string;
  /** Its CIDR: the networks an internal ALB admits when the config lists none. */
  readonly vpcCidr: string;
  /** The bucket of the ALB's access logs. */
  readonly accessLogBucket: s3.Bucket;
  /** cert-manager's Helm release, for the ACME issuer. */
  readonly certManagerChart: eks.HelmChart;
  /** external-dns chart source. */
  readonly externalDnsChart: {
    readonly repository: string;
    readonly chart: string;
    readonly version: string;
  };
  /** Node label of the pool external-dns runs on. */
  readonly nodeSelector: NodePoolSelector;
}

/**
 * How operators reach the web UIs: the ALB ingress with its certificate, external-dns for the
 * hostnames and, when configured, an ACME issuer. Only created when the config has `webUis`.
 */
export class WebUiAccess extends Construct {
  /** The domain of the UIs. */
  private readonly domain: string;
  /** OIDC at the ALB, if configured. */
  private readonly oidc?: WebUiConfig['oidc'];

  /** The ALB ingress and its certificate. */
  readonly ingress: WebUiIngress;
  /** The addresses of the platform UIs. */
  readonly urls: string[];
  /** external-dns. */
  readonly externalDns: ExternalDns;
  /** The ACME issuer, when configured. */
  readonly acmeIssuer?: AcmeIssuer;

  constructor(scope: Construct, id: string, props: WebUiAccessProps) {
    super(scope, id);
    const { config } = props;
    this.domain = config.domain;
    this.oidc = config.oidc;
    // Both attributes from the config: synthesis looks nothing up.
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });

    const hostnames = webUiHostnames(config);
    this.ingress = new WebUiIngress(this, 'Ingress', {
      cluster: props.cluster,
      hostedZone,
      domain: config.domain,
      hostnames,
      scheme: config.scheme,
      inboundCidrs: config.inboundCidrs.length > 0 ? config.inboundCidrs : [props.vpcCidr],
      subnetTags: albSubnetTags(config.scheme),
      accessLogBucket: props.accessLogBucket,
      oidc: config.oidc,
    });

    this.urls = Object.values(hostnames).map((hostname) => `https://${hostname}`);

    this.externalDns = new ExternalDns(this, 'ExternalDns', {
      cluster: props.cluster,
      ...props.externalDnsChart,
      nodeSelector: props.nodeSelector,
      hostedZone,
      domain: config.domain,
      txtOwnerId: props.environmentName,
      ingressClass: WEB_UI_INGRESS.ingressClass,
      policy: config.dnsPolicy,
    });

    if (config.acme) {
      this.acmeIssuer = new AcmeIssuer(this, 'AcmeIssuer', {
        cluster: props.cluster,
        certManagerChart: props.certManagerChart,
        hostedZone,
        server: ACME_SERVERS[config.acme.server],
        email: config.acme.email,
      });
    }
  }

  /**
   * The route of a tenant's pgAdmin on this ALB: `pgadmin-<tenant>.<domain>`, covered by the
   * wildcard certificate, behind the same login. The tenant stack applies it with its pgAdmin.
   */
  tenantPgAdminRoute(tenantName: string): WebUiRouteSettings {
    return {
      hostname: `${tenantPgAdminUi(tenantName).defaultHostLabel}.${this.domain}`,
      certificateArn: this.ingress.certificate.certificateArn,
      oidc: this.oidc,
    };
  }
}

/** Tag aws-cdk-lib's `ec2.Vpc` puts on every subnet: the name of its subnet group. */
export const SUBNET_GROUP_TAG = 'aws-cdk:subnet-name';

/**
 * The ALB's subnets, as a tag filter the controller resolves in the cluster's VPC: an
 * internal ALB in the `Private` group (the subnets that also carry
 * `kubernetes.io/role/internal-elb` and route to NAT, which the ALB needs to reach an OIDC
 * provider's token endpoint), an internet-facing one in the `Public` group. Never the
 * isolated `LoadBalancers` subnets, which the controller's own discovery could pick if they
 * were ever tagged: the tenants' NetworkPolicies admit PostgreSQL clients from exactly those
 * CIDRs, so an ALB there would be a source tenant pods trust, and they have no route out.
 */
export function albSubnetTags(scheme: WebUiConfig['scheme']): Record<string, string[]> {
  return { [SUBNET_GROUP_TAG]: [scheme === 'internal' ? 'Private' : 'Public'] };
}
