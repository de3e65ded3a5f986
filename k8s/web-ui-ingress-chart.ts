/**
 * The web UIs behind one Application Load Balancer of the AWS Load Balancer Controller: an
 * IngressClass whose IngressClassParams fix every load-balancer-wide setting, and one Ingress
 * per UI in the UI's own namespace. Annotations are the controller's
 * (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md); the
 * IngressClassParams fields are in docs/guide/ingress/ingress_class.md and its CRD
 * (elbv2.k8s.aws/v1beta1, ../shared/schemas/crds).
 */
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { WEB_UI_NAMESPACE_LABEL, WEB_UIS, WebUi, WebUiName } from './web-uis';

/** The controller that implements the class (the AWS Load Balancer Controller's name for ALBs). */
export const ALB_INGRESS_CONTROLLER = 'ingress.k8s.aws/alb';

/** Names of the class, its parameters and the ingress group (one group is one ALB). */
export const WEB_UI_INGRESS = {
  ingressClass: 'web-uis',
  groupName: 'web-uis',
} as const;

/**
 * A TLS 1.3 and 1.2 policy with forward-secret ciphers only (ELB User Guide, "Security
 * policies for your Application Load Balancer"; the recommended policy of the ALB console).
 */
export const WEB_UI_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Prefix of the ALB's access logs in the access log bucket (the ALB appends AWSLogs/<account>/...). */
export const WEB_UI_ACCESS_LOG_PREFIX = 'alb';

/**
 * The path each UI answers a health check on, without authentication: Grafana `/api/health`
 * (Grafana HTTP API, "Health API"); Prometheus and Alertmanager `/-/ready` (their management
 * APIs).
 */
export const WEB_UI_HEALTH_CHECK_PATHS: Record<WebUiName, string> = {
  grafana: '/api/health',
  prometheus: '/-/ready',
  alertmanager: '/-/ready',
};

/** OpenID Connect at the load balancer (the `auth-idp-oidc` annotation's fields). */
export interface WebUiOidc {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userInfoEndpoint: string;
  /** Secret in each UI namespace with keys `clientID` and `clientSecret`. */
  readonly clientSecretName: string;
  readonly scope: string;
  readonly sessionTimeoutSeconds: number;
}

/** Properties of {@link WebUiIngressChart}. */
export interface WebUiIngressChartProps {
  /** Hostname of each UI. */
  readonly hostnames: Record<WebUiName, string>;
  /** ARN of the ACM certificate that covers every hostname. */
  readonly certificateArn: string;
  /** `internal` or `internet-facing`. */
  readonly scheme: 'internal' | 'internet-facing';
  /** The only networks the load balancer's security group admits. */
  readonly inboundCidrs: string[];
  /** Tag filter of the subnets the load balancer gets its addresses in (IngressClassParams `subnets.tags`). */
  readonly subnetTags: Record<string, string[]>;
  /** Bucket of the access logs. */
  readonly accessLogBucketName: string;
  /**
   * Log in through an identity provider before any request reaches a UI.
   * @default - no authentication at the load balancer (each UI asks for its own login)
   */
  readonly oidc?: WebUiOidc;
}

/** Shape of the controller's IngressClassParams spec, for the fields this chart sets. */
export interface IngressClassParamsSpec {
  readonly group: { readonly name: string };
  readonly scheme: 'internal' | 'internet-facing';
  readonly ipAddressType: 'ipv4';
  readonly inboundCIDRs: string[];
  readonly sslPolicy: string;
  readonly subnets: { readonly tags: Record<string, string[]> };
  readonly namespaceSelector: { readonly matchLabels: Record<string, string> };
  readonly loadBalancerAttributes: { readonly key: string; readonly value: string }[];
  readonly tags: { readonly key: string; readonly value: string }[];
}

/** The controller's IngressClassParams (`elbv2.k8s.aws/v1beta1`): cluster-scoped. */
export class IngressClassParams extends ApiObject {
  constructor(scope: Construct, id: string, props: { name: string; spec: IngressClassParamsSpec }) {
    super(scope, id, {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'IngressClassParams',
      metadata: { name: props.name },
      spec: props.spec,
    });
  }
}

const ANNOTATION = 'alb.ingress.kubernetes.io/';

/**
 * The IngressClass, its parameters and one Ingress per UI. Settings of the load balancer as a
 * whole live in the IngressClassParams, where an Ingress annotation cannot override them
 * (ingress_class.md: "LBC will ignore the ... annotation"); settings of each UI's listener
 * rules and target group are annotations of its Ingress.
 */
export class WebUiIngressChart extends Chart {
  constructor(scope: Construct, id: string, props: WebUiIngressChartProps) {
    super(scope, id, { labels: { 'postgres-platform/component': 'web-ui-ingress' } });

    new IngressClassParams(this, 'Params', {
      name: WEB_UI_INGRESS.ingressClass,
      spec: {
        // One ALB for every UI, across namespaces (spec.group).
        group: { name: WEB_UI_INGRESS.groupName },
        scheme: props.scheme,
        ipAddressType: 'ipv4',
        inboundCIDRs: props.inboundCidrs,
        sslPolicy: WEB_UI_TLS_POLICY,
        // Chosen subnets, not the controller's role-tag discovery (see albSubnetTags for which, and why).
        subnets: { tags: props.subnetTags },
        // Only the UIs' namespaces may join the group: an Ingress in the group can add rules
        // to the shared ALB (annotations.md, IngressGroup, "Security Risk").
        namespaceSelector: { matchLabels: { ...WEB_UI_NAMESPACE_LABEL } },
        loadBalancerAttributes: [
          { key: 'access_logs.s3.enabled', value: 'true' },
          { key: 'access_logs.s3.bucket', value: props.accessLogBucketName },
          { key: 'access_logs.s3.prefix', value: WEB_UI_ACCESS_LOG_PREFIX },
          // Requests with header names that are not valid HTTP are dropped, not passed on.
          { key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' },
        ],
        tags: [{ key: 'postgres-platform/component', value: 'web-ui-ingress' }],
      },
    });
    new k8s.KubeIngressClass(this, 'Class', {
      metadata: { name: WEB_UI_INGRESS.ingressClass },
      spec: {
        controller: ALB_INGRESS_CONTROLLER,
        parameters: {
          apiGroup: 'elbv2.k8s.aws',
          kind: 'IngressClassParams',
          name: WEB_UI_INGRESS.ingressClass,
        },
      },
    });

    for (const [name, ui] of Object.entries(WEB_UIS) as [WebUiName, WebUi][]) {
      new WebUiRoute(this, name, {
        ui,
        hostname: props.hostnames[name],
        healthCheckPath: WEB_UI_HEALTH_CHECK_PATHS[name],
        certificateArn: props.certificateArn,
        oidc: props.oidc,
      });
    }
  }
}

/** Properties of {@link WebUiRoute}. */
export interface WebUiRouteProps {
  /** The UI: its namespace, Service and port. */
  readonly ui: WebUi;
  /** The hostname the ALB routes to it, and external-dns publishes. */
  readonly hostname: string;
  /**
   * A path that answers 200 without a login.
   * @default - the UI's own `healthCheckPath`, else `/`
   */
  readonly healthCheckPath?: string;
  /** ARN of an ACM certificate that covers the hostname. */
  readonly certificateArn: string;
  /**
   * Log in through an identity provider first.
   * @default - no authentication at the load balancer
   */
  readonly oidc?: WebUiOidc;
}

/** A route's settings besides the UI itself: what a stack that runs a UI is given. */
export type WebUiRouteSettings = Omit<WebUiRouteProps, 'ui'>;

/**
 * One UI's Ingress in the web UI group: its own namespace, host and target group, on the
 * shared ALB. A chart of another stack can add one for a UI it creates.
 */
export class WebUiRoute extends Construct {
  constructor(scope: Construct, id: string, props: WebUiRouteProps) {
    super(scope, id);
    const { ui } = props;
    new k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: ui.serviceName, namespace: ui.namespace, annotations: webUiAnnotations(props) },
      spec: {
        ingressClassName: WEB_UI_INGRESS.ingressClass,
        rules: [
          {
            // The ALB routes on it, and external-dns publishes it (source "ingress": spec.rules[].host).
            host: props.hostname,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: ui.serviceName, port: { number: ui.port } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}

/** The annotations of one UI's Ingress. */
export function webUiAnnotations(props: WebUiRouteProps): Record<string, string> {
  const annotations: Record<string, string> = {
    // HTTPS on 443; port 80 exists only to redirect (ssl-redirect: "every HTTP listener will be
    // configured with default action which redirects to HTTPS").
    [`${ANNOTATION}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
    [`${ANNOTATION}ssl-redirect`]: '443',
    [`${ANNOTATION}certificate-arn`]: props.certificateArn,
    // Straight to the pod IPs: the UIs' Services stay ClusterIP, and NetworkPolicies see the ALB's address.
    [`${ANNOTATION}target-type`]: 'ip',
    [`${ANNOTATION}backend-protocol`]: 'HTTP',
    [`${ANNOTATION}healthcheck-path`]: props.healthCheckPath ?? props.ui.healthCheckPath ?? '/',
    [`${ANNOTATION}success-codes`]: '200',
  };
  if (props.oidc) {
    const { clientSecretName, scope, sessionTimeoutSeconds, ...endpoints } = props.oidc;
    Object.assign(annotations, {
      [`${ANNOTATION}auth-type`]: 'oidc',
      // The Secret is read from the Ingress's namespace, with keys clientID and clientSecret.
      [`${ANNOTATION}auth-idp-oidc`]: JSON.stringify({ ...endpoints, secretName: clientSecretName }),
      [`${ANNOTATION}auth-on-unauthenticated-request`]: 'authenticate',
      [`${ANNOTATION}auth-scope`]: scope,
      [`${ANNOTATION}auth-session-timeout`]: String(sessionTimeoutSeconds),
    });
  }
  return annotations;
}
