/**
 * The web UIs' ALB ingress: the ACM certificate, the IngressClass and its parameters, the
 * Ingresses and their annotations (kubernetes-sigs/aws-load-balancer-controller
 * docs/guide/ingress/annotations.md and ingress_class.md), the subnets the controller picks,
 * and ALB access log delivery.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WEB_UI_TLS_POLICY } from '../../k8s/web-ui-ingress-chart';
import { WEB_UIS } from '../../k8s/web-uis';
import { coveredByWildcard } from '../../lib/constructs/web-ui-ingress';
import { KubernetesSchemas, schemasAvailable } from '../conformance/kubernetes-schemas';
import { describeToken, manifestsOf } from '../conformance/template-manifests';
import { configWith, exampleConfig, synthPlatform } from '../util';

const OIDC = {
  issuer: 'https://login.example.com',
  authorizationEndpoint: 'https://login.example.com/oauth2/authorize',
  tokenEndpoint: 'https://login.example.com/oauth2/token',
  userInfoEndpoint: 'https://login.example.com/oauth2/userinfo',
  clientSecretName: 'web-ui-oidc',
};

interface Synthesized {
  readonly template: Template;
  readonly json: Record<string, any>;
  /** The Kubernetes objects of the web UI ingress manifest, tokens rendered as Ref(...)/GetAtt(...). */
  readonly objects: any[];
  readonly manifestId: string;
  /** Every Kubernetes object of every stack of the environment (tenants' too). */
  readonly all: any[];
}

function synth(config = exampleConfig()): Synthesized {
  const { app, template } = synthPlatform(config);
  const json = template.toJSON();
  const manifest = manifestsOf(json, describeToken).find((m) =>
    m.objects.some((o) => o.kind === 'IngressClassParams'),
  );
  const all = app
    .synth()
    .stacks.flatMap((stack) => manifestsOf(stack.template, describeToken).flatMap((m) => m.objects));
  return { template, json, objects: manifest?.objects ?? [], manifestId: manifest?.logicalId ?? '', all };
}

const allObjects = (s: Synthesized) => s.all;
const allIngresses = (s: Synthesized) => s.all.filter((o) => o.kind === 'Ingress');

const logicalId = (json: Record<string, any>, type: string) =>
  Object.keys(json.Resources).find((id) => json.Resources[id].Type === type)!;

let example: Synthesized;
let exposed: Synthesized;
beforeAll(() => {
  example = synth();
  exposed = synth(
    configWith((doc) => {
      doc.webUis.scheme = 'internet-facing';
      doc.webUis.inboundCidrs = ['0.0.0.0/0'];
      doc.webUis.oidc = OIDC;
    }),
  );
});

const object = (s: Synthesized, kind: string, name: string) =>
  s.objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('the ACM certificate', () => {
  test('is a wildcard for the domain, DNS-validated in the configured zone', () => {
    example.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: '*.ops.example.com',
      SubjectAlternativeNames: Match.absent(),
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: '*.ops.example.com', HostedZoneId: 'Z0123456789EXAMPLE' }],
    });
  });

  test('covers every platform UI and every tenant pgAdmin hostname (a wildcard matches one label, RFC 6125)', () => {
    const hosts = allIngresses(example).map((o) => o.spec.rules[0].host);
    expect(hosts).toEqual(
      expect.arrayContaining(['grafana.ops.example.com', 'pgadmin-orders.ops.example.com']),
    );
    expect(hosts.filter((host) => !coveredByWildcard(host, 'ops.example.com'))).toEqual([]);
  });

  test('names a configured hostname deeper in the domain, which the wildcard does not cover', () => {
    const s = synth(configWith((doc) => (doc.webUis.hostnames = { grafana: 'grafana.eu.ops.example.com' })));
    s.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: '*.ops.example.com',
      SubjectAlternativeNames: ['grafana.eu.ops.example.com'],
    });
  });

  test("is the one every Ingress's listener serves", () => {
    const certificate = logicalId(example.json, 'AWS::CertificateManager::Certificate');
    const ingresses = example.objects.filter((o) => o.kind === 'Ingress');
    expect(ingresses).toHaveLength(Object.keys(WEB_UIS).length);
    for (const ingress of ingresses) {
      expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']).toBe(
        `Ref(${certificate})`,
      );
    }
  });
});

describe('the IngressClass', () => {
  test('belongs to the AWS Load Balancer Controller and takes its parameters', () => {
    expect(object(example, 'IngressClass', 'web-uis').spec).toEqual({
      controller: 'ingress.k8s.aws/alb',
      parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name: 'web-uis' },
    });
  });

  test('puts every UI on one internal ALB with a TLS 1.3 policy, admitting the configured networks only', () => {
    expect(object(example, 'IngressClassParams', 'web-uis').spec).toMatchObject({
      group: { name: 'web-uis' },
      scheme: 'internal',
      ipAddressType: 'ipv4',
      sslPolicy: WEB_UI_TLS_POLICY,
      inboundCIDRs: ['10.40.0.0/16', '10.100.0.0/16'],
    });
    expect(WEB_UI_TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
  });

  test('admits only the VPC when an internal ALB has no allow-list', () => {
    const s = synth(configWith((doc) => (doc.webUis.inboundCidrs = [])));
    expect(object(s, 'IngressClassParams', 'web-uis').spec.inboundCIDRs).toEqual(['10.40.0.0/16']);
  });

  test('takes the scheme and allow-list from the config', () => {
    expect(object(exposed, 'IngressClassParams', 'web-uis').spec).toMatchObject({
      scheme: 'internet-facing',
      inboundCIDRs: ['0.0.0.0/0'],
    });
  });

  test("lets only the UIs' namespaces join the group: monitoring, and tenants with a routed pgAdmin", () => {
    expect(object(example, 'IngressClassParams', 'web-uis').spec.namespaceSelector).toEqual({
      matchLabels: { 'postgres-platform/web-ui-ingress': 'allowed' },
    });
    const labelled = allObjects(example)
      .filter(
        (o) =>
          o.kind === 'Namespace' && o.metadata.labels?.['postgres-platform/web-ui-ingress'] === 'allowed',
      )
      .map((o) => o.metadata.name)
      .sort();
    expect(labelled).toEqual(['monitoring', 'tenant-analytics', 'tenant-orders']);
    // Every Ingress of the class is in a namespace the selector admits.
    expect(allIngresses(example).filter((o) => !labelled.includes(o.metadata.namespace))).toEqual([]);
  });

  test('sends access logs to the access log bucket under alb/', () => {
    const bucket = Object.keys(example.json.Resources).find(
      (id) => id.startsWith('AccessLogsBucket') && example.json.Resources[id].Type === 'AWS::S3::Bucket',
    );
    expect(object(example, 'IngressClassParams', 'web-uis').spec.loadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { key: 'access_logs.s3.enabled', value: 'true' },
        { key: 'access_logs.s3.bucket', value: `Ref(${bucket})` },
        { key: 'access_logs.s3.prefix', value: 'alb' },
      ]),
    );
  });
});

describe('the subnets the controller puts the ALB in', () => {
  /** Subnets of the template matching an IngressClassParams tag filter, as the controller's DescribeSubnets does. */
  function matchingSubnets(s: Synthesized): Record<string, any>[] {
    const filter: Record<string, string[]> = object(s, 'IngressClassParams', 'web-uis').spec.subnets.tags;
    return Object.values(s.json.Resources)
      .filter((r: any) => r.Type === 'AWS::EC2::Subnet')
      .filter((r: any) =>
        Object.entries(filter).every(([key, values]) =>
          r.Properties.Tags.some((tag: any) => tag.Key === key && values.includes(tag.Value)),
        ),
      )
      .map((r: any) => r.Properties);
  }
  const tag = (subnet: Record<string, any>, key: string) =>
    subnet.Tags.find((t: any) => t.Key === key)?.Value as string | undefined;

  test('are the private subnets for an internal ALB, one per zone, never the tenant load balancer subnets', () => {
    const subnets = matchingSubnets(example);
    expect(subnets.map((s) => s.AvailabilityZone)).toEqual(exampleConfig().availabilityZones);
    expect(subnets.map((s) => tag(s, 'aws-cdk:subnet-type'))).toEqual(['Private', 'Private', 'Private']);
    expect(subnets.map((s) => tag(s, 'kubernetes.io/role/internal-elb'))).toEqual(['1', '1', '1']);
    expect(subnets.map((s) => tag(s, 'aws-cdk:subnet-name'))).not.toContain('LoadBalancers');
  });

  test('are the public subnets for an internet-facing ALB', () => {
    const subnets = matchingSubnets(exposed);
    expect(subnets).toHaveLength(3);
    expect(subnets.map((s) => tag(s, 'aws-cdk:subnet-type'))).toEqual(['Public', 'Public', 'Public']);
  });
});

describe('each Ingress', () => {
  test("sits in its UI's namespace and routes its hostname to the UI's Service", () => {
    for (const ui of Object.values(WEB_UIS)) {
      const ingress = example.objects.find(
        (o) =>
          o.kind === 'Ingress' && o.metadata.namespace === ui.namespace && o.metadata.name === ui.serviceName,
      );
      expect(ingress.spec).toEqual({
        ingressClassName: 'web-uis',
        rules: [
          {
            host: `${ui.defaultHostLabel}.ops.example.com`,
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
      });
    }
  });

  test('serves HTTPS only, redirects HTTP, targets pod IPs and health-checks its UI', () => {
    const grafana = object(example, 'Ingress', 'grafana');
    expect(grafana.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/certificate-arn': expect.stringMatching(/^Ref\(WebUisIngressCertificate/),
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/backend-protocol': 'HTTP',
      'alb.ingress.kubernetes.io/healthcheck-path': '/api/health',
      'alb.ingress.kubernetes.io/success-codes': '200',
    });
    const paths = Object.fromEntries(
      allIngresses(example).map((o) => [
        o.metadata.namespace === 'monitoring'
          ? o.metadata.name
          : `${o.metadata.name} (${o.metadata.namespace})`,
        o.metadata.annotations['alb.ingress.kubernetes.io/healthcheck-path'],
      ]),
    );
    expect(paths).toEqual({
      grafana: '/api/health',
      prometheus: '/-/ready',
      alertmanager: '/-/ready',
      'pgadmin (tenant-orders)': '/misc/ping',
      'pgadmin (tenant-analytics)': '/misc/ping',
    });
  });

  test('asks for no login at the ALB without OIDC', () => {
    const keys = example.objects
      .filter((o) => o.kind === 'Ingress')
      .flatMap((o) => Object.keys(o.metadata.annotations));
    expect(keys.filter((key) => key.includes('/auth-'))).toEqual([]);
  });

  test('with OIDC, authenticates every request, naming the client Secret but holding no credential', () => {
    for (const ingress of exposed.objects.filter((o) => o.kind === 'Ingress')) {
      const annotations = ingress.metadata.annotations;
      expect(annotations).toMatchObject({
        'alb.ingress.kubernetes.io/auth-type': 'oidc',
        'alb.ingress.kubernetes.io/auth-on-unauthenticated-request': 'authenticate',
        'alb.ingress.kubernetes.io/auth-scope': 'openid',
        'alb.ingress.kubernetes.io/auth-session-timeout': '28800',
      });
      const { clientSecretName, ...endpoints } = OIDC;
      expect(JSON.parse(annotations['alb.ingress.kubernetes.io/auth-idp-oidc'])).toEqual({
        ...endpoints,
        secretName: clientSecretName,
      });
    }
    expect(JSON.stringify(exposed.objects)).not.toMatch(/clientSecret"|clientID"/);
  });
});

test('the manifest is applied once the AWS Load Balancer Controller (its CRD and webhooks) is installed', () => {
  const dependsOn: string[] = example.json.Resources[example.manifestId].DependsOn ?? [];
  expect(dependsOn.some((id) => /AlbController/.test(id))).toBe(true);
});

test('the manifest is applied after the monitoring namespace its Ingresses go into', () => {
  const dependsOn: string[] = example.json.Resources[example.manifestId].DependsOn ?? [];
  expect(dependsOn.some((id) => /^KubernetesClusterMonitoring/.test(id))).toBe(true);
});

test("the access log bucket lets the region's Elastic Load Balancing account write ALB logs under alb/ only", () => {
  const policy = Object.values(example.json.Resources).find(
    (r: any) => r.Type === 'AWS::S3::BucketPolicy',
  ) as any;
  const statement = policy.Properties.PolicyDocument.Statement.find(
    (s: any) => s.Sid === 'AlbAccessLogDelivery',
  );
  // eu-west-1's Elastic Load Balancing account (ELB User Guide, "Enable access logs", step 2).
  expect(statement.Principal).toEqual({ AWS: 'arn:aws:iam::156460612806:root' });
  expect(statement.Action).toBe('s3:PutObject');
  expect(JSON.stringify(statement.Resource)).toContain('/alb/AWSLogs/111111111111/*');
});

test('an output lists the UI addresses', () => {
  expect(example.template.findOutputs('WebUiUrls').WebUiUrls.Value).toBe(
    'https://grafana.ops.example.com https://prometheus.ops.example.com https://alertmanager.ops.example.com',
  );
});

test('in a Region opened since August 2022, the log delivery service writes the ALB logs', () => {
  const melbourne = synth(
    configWith((doc) => {
      doc.region = 'ap-southeast-4';
      doc.availabilityZones = ['ap-southeast-4a', 'ap-southeast-4b', 'ap-southeast-4c'];
    }),
  );
  const policy = Object.values(melbourne.json.Resources).find(
    (r: any) => r.Type === 'AWS::S3::BucketPolicy',
  ) as any;
  const statement = policy.Properties.PolicyDocument.Statement.find(
    (s: any) => s.Sid === 'AlbAccessLogDelivery',
  );
  expect(statement.Principal).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
});

describe('without webUis', () => {
  let bare: Synthesized;
  beforeAll(() => {
    bare = synth(configWith((doc) => delete doc.webUis));
  });

  test('there is no certificate, no ingress and no external-dns', () => {
    expect(bare.template.findResources('AWS::CertificateManager::Certificate')).toEqual({});
    expect(bare.objects).toEqual([]);
    const releases = Object.values(bare.template.findResources('Custom::AWSCDK-EKS-HelmChart')).map(
      (r: any) => r.Properties.Release,
    );
    expect(releases).not.toContain('external-dns');
  });

  test('the access log bucket grants no ALB log delivery', () => {
    expect(JSON.stringify(bare.template.findResources('AWS::S3::BucketPolicy'))).not.toContain(
      'AlbAccessLogDelivery',
    );
  });
});

(schemasAvailable() ? test : test.skip)(
  'the OIDC variant conforms to the Kubernetes and controller schemas',
  () => {
    const schemas = new KubernetesSchemas();
    expect(exposed.objects.flatMap((o) => schemas.validate(o))).toEqual([]);
  },
);
