import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { WEB_UI_ACCESS_LOG_PREFIX, WebUiIngressChart, WebUiOidc } from '../../k8s/web-ui-ingress-chart';
import { WEB_UIS, WebUiName } from '../../k8s/web-uis';

/** Properties of {@link WebUiIngress}. */
export interface WebUiIngressProps {
  /** The cluster; its AWS Load Balancer Controller builds the ALB. */
  readonly cluster: eks.Cluster;
  /** The public zone the certificate is validated in. */
  readonly hostedZone: route53.IHostedZone;
  /** The domain of the UIs: the certificate covers every name directly under it. */
  readonly domain: string;
  /** Hostname of each platform UI; the certificate covers them all. */
  readonly hostnames: Record<WebUiName, string>;
  /** `internal` or `internet-facing`. */
  readonly scheme: 'internal' | 'internet-facing';
  /** The only networks the ALB admits. */
  readonly inboundCidrs: string[];
  /** Tag filter of the subnets the ALB gets its addresses in (see {@link albSubnetTags}). */
  readonly subnetTags: Record<string, string[]>;
  /** The bucket the ALB delivers access logs to; it gets the delivery grant for {@link WEB_UI_ACCESS_LOG_PREFIX}. */
  readonly accessLogBucket: s3.Bucket;
  /**
   * Log in through an identity provider at the ALB.
   * @default - none: each UI asks for its own login
   */
  readonly oidc?: WebUiOidc;
}

/**
 * The web UIs behind one ALB: an ACM certificate for their hostnames (DNS-validated in the
 * configured zone by CloudFormation itself), the ALB's access log delivery, and the
 * IngressClass and Ingresses the AWS Load Balancer Controller turns into the ALB.
 */
export class WebUiIngress extends Construct {
  /** The certificate the ALB serves. */
  readonly certificate: acm.Certificate;
  /** The manifest of the IngressClass and the Ingresses. */
  readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: WebUiIngressProps) {
    super(scope, id);
    // A wildcard: every tenant's pgAdmin (pgadmin-<tenant>.<domain>) joins the ALB with this
    // certificate, so adding a tenant never replaces it. A wildcard matches one label only
    // (RFC 6125 6.4.3), so a configured hostname deeper in the domain is named as well.
    const wildcard = `*.${props.domain}`;
    const deeper = Object.keys(WEB_UIS)
      .map((name) => props.hostnames[name as WebUiName])
      .filter((hostname) => !coveredByWildcard(hostname, props.domain));
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: wildcard,
      subjectAlternativeNames: deeper.length > 0 ? deeper : undefined,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
    grantAlbLogDelivery(props.accessLogBucket);

    this.manifest = props.cluster.addCdk8sChart(
      'WebUiIngress',
      new WebUiIngressChart(new cdk8s.App(), 'web-ui-ingress', {
        hostnames: props.hostnames,
        certificateArn: this.certificate.certificateArn,
        scheme: props.scheme,
        inboundCidrs: props.inboundCidrs,
        subnetTags: props.subnetTags,
        accessLogBucketName: props.accessLogBucket.bucketName,
        oidc: props.oidc,
      }),
    );
    // IngressClassParams is the controller's CRD, and its webhooks admit Ingresses.
    this.manifest.node.addDependency(props.cluster.albController!);
  }
}

/**
 * ALB access log delivery into `bucket` under {@link WEB_UI_ACCESS_LOG_PREFIX}. Unlike NLBs
 * (delivery.logs.amazonaws.com, granted by AccessLogBucket), ALBs write as the Elastic Load
 * Balancing account of the region, or, in Regions opened from August 2022, as the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service (ELB User Guide, "Enable access
 * logs for your Application Load Balancer", step 2; aws-cdk-lib's RegionInfo holds the
 * accounts). Only this account's logs, under AWSLogs/<account>/.
 */
function grantAlbLogDelivery(bucket: s3.Bucket): void {
  const { region, account } = Stack.of(bucket);
  const elbAccount = RegionInfo.get(region).elbv2Account;
  const principal = elbAccount
    ? new iam.AccountPrincipal(elbAccount)
    : new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com');
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AlbAccessLogDelivery',
      principals: [principal],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${WEB_UI_ACCESS_LOG_PREFIX}/AWSLogs/${account}/*`)],
    }),
  );
}

/** Whether `*.<domain>` covers `hostname`: exactly one label in front of the domain. */
export function coveredByWildcard(hostname: string, domain: string): boolean {
  const suffix = `.${domain}`;
  return hostname.endsWith(suffix) && !hostname.slice(0, -suffix.length).includes('.');
}
