/**
 * Each tenant's pgAdmin joins the web UI ALB from its own stack: an Ingress in the tenant
 * namespace, on the platform's wildcard certificate, behind the same login.
 */
import { App } from 'aws-cdk-lib';
import { describeToken, manifestsOf } from '../conformance/template-manifests';
import { configWith, exampleConfig, newApp } from '../util';
import { createEnvironmentStacks } from '../../lib/environment';
import type { EnvironmentConfig } from '../../lib/config/schema';

/** The objects of each stack, by stack name, and the raw templates. */
function synth(config: EnvironmentConfig): {
  objects: Record<string, any[]>;
  templates: Record<string, any>;
} {
  const app: App = newApp();
  createEnvironmentStacks(app, config);
  const stacks = app.synth().stacks;
  return {
    objects: Object.fromEntries(
      stacks.map((s) => [s.stackName, manifestsOf(s.template, describeToken).flatMap((m) => m.objects)]),
    ),
    templates: Object.fromEntries(stacks.map((s) => [s.stackName, s.template])),
  };
}

const ingressesOf = (objects: any[]) => objects.filter((o) => o.kind === 'Ingress');

let example: ReturnType<typeof synth>;
beforeAll(() => {
  example = synth(exampleConfig());
});

test("routes pgadmin-<tenant>.<domain> to the tenant's pgAdmin Service, in the tenant's namespace", () => {
  expect(
    ingressesOf(example.objects['example-tenant-orders']).map((o) => ({
      meta: o.metadata.namespace,
      spec: o.spec,
    })),
  ).toEqual([
    {
      meta: 'tenant-orders',
      spec: {
        ingressClassName: 'web-uis',
        rules: [
          {
            host: 'pgadmin-orders.ops.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'pgadmin', port: { number: 5050 } } },
                },
              ],
            },
          },
        ],
      },
    },
  ]);
});

test("serves the platform's certificate, imported from the platform stack", () => {
  const showImports = (intrinsic: any) =>
    intrinsic && 'Fn::ImportValue' in intrinsic
      ? `Import(${intrinsic['Fn::ImportValue']})`
      : describeToken(intrinsic);
  const [ingress]: any[] = manifestsOf(example.templates['example-tenant-orders'], showImports)
    .flatMap((m) => m.objects)
    .filter((o) => o.kind === 'Ingress');
  const exports = Object.values(example.templates['example-platform'].Outputs ?? {})
    .filter((o: any) => JSON.stringify(o.Value).includes('WebUisIngressCertificate'))
    .map((o: any) => o.Export.Name);
  expect(exports).toHaveLength(1);
  expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']).toBe(
    `Import(${exports[0]})`,
  );
});

test('takes the login of the platform UIs when OIDC is configured', () => {
  const withOidc = synth(
    configWith((doc) => {
      doc.webUis.oidc = {
        issuer: 'https://login.example.com',
        authorizationEndpoint: 'https://login.example.com/authorize',
        tokenEndpoint: 'https://login.example.com/token',
        userInfoEndpoint: 'https://login.example.com/userinfo',
        clientSecretName: 'web-ui-oidc',
      };
    }),
  );
  const [ingress] = ingressesOf(withOidc.objects['example-tenant-analytics']);
  expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/auth-type']).toBe('oidc');
  expect(JSON.parse(ingress.metadata.annotations['alb.ingress.kubernetes.io/auth-idp-oidc']).secretName).toBe(
    'web-ui-oidc',
  );
});

test('adds no route, and no namespace label, without webUis or without pgAdmin', () => {
  for (const config of [
    configWith((doc) => delete doc.webUis),
    configWith((doc) => (doc.pgAdmin.enabled = false)),
  ]) {
    const { objects } = synth(config);
    const tenant = objects['example-tenant-orders'];
    expect(ingressesOf(tenant)).toEqual([]);
    const namespace = tenant.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.labels['postgres-platform/web-ui-ingress']).toBeUndefined();
  }
});
