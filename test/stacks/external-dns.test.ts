/**
 * external-dns and the optional ACME issuer: Helm release and values (checked against the
 * chart's values.schema.json, ../shared/schemas/helm-values), and the Route 53 permissions
 * of each, limited to the configured zone.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Template } from 'aws-cdk-lib/assertions';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { EXTERNAL_DNS_CHART } from '../../lib/config/versions';
import { externalDnsValues } from '../../lib/constructs/external-dns';
import { KubernetesSchemas, schemasAvailable, schemasDir } from '../conformance/kubernetes-schemas';
import { describeToken, manifestsOf } from '../conformance/template-manifests';
import { addComplianceChecks, createEnvironmentStacks } from '../../lib/environment';
import { configWith, newApp, synthPlatform } from '../util';

const VALUES_SCHEMA = path.join(schemasDir(), 'helm-values', 'external-dns.schema.json');
const schemaAvailable = fs.existsSync(VALUES_SCHEMA);
if (!schemaAvailable && process.env.CI === 'true') {
  throw new Error(`${VALUES_SCHEMA} not found: the values check cannot be skipped in CI`);
}

const ZONE_ARN = 'arn:aws:route53:::hostedzone/Z0123456789EXAMPLE';

let template: Template;
let json: Record<string, any>;
let chart: { id: string; properties: any; values: any };

beforeAll(() => {
  // The example, with the ACME issuer turned on.
  template = synthPlatform(
    configWith((doc) => (doc.webUis.acme = { email: 'platform@example.com', server: 'letsencrypt-staging' })),
  ).template;
  json = template.toJSON();
  const [id, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
    ([, r]: any) => r.Properties.Release === 'external-dns',
  ) as [string, any];
  chart = { id, properties: resource.Properties, values: JSON.parse(resource.Properties.Values) };
});

/** The statements of the policy attached to the role assumed by the service account `namespace/name`. */
function statementsOf(namespace: string, serviceAccount: string): any[] {
  const association = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).find(
    (r: any) => r.Properties.Namespace === namespace && r.Properties.ServiceAccount === serviceAccount,
  ) as any;
  const roleId = association.Properties.RoleArn['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) =>
    p.Properties.Roles.some((r: any) => r.Ref === roleId),
  ) as any[];
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const asList = (value: unknown) => (Array.isArray(value) ? value : [value]);

describe('external-dns', () => {
  test('is installed from the pinned chart into its own namespace, once the system pool exists', () => {
    expect(chart.properties).toMatchObject({
      Chart: 'external-dns',
      Repository: 'https://kubernetes-sigs.github.io/external-dns/',
      Version: '1.21.1',
      Namespace: 'external-dns',
      CreateNamespace: true,
      Wait: true,
    });
    expect(EXTERNAL_DNS_CHART.version).toBe('1.21.1');
    const dependsOn: string[] = json.Resources[chart.id].DependsOn ?? [];
    expect(dependsOn.some((id) => id.startsWith('SystemNodePool'))).toBe(true);
    expect(dependsOn.some((id) => id.startsWith('WebUisExternalDnsIdentityAssociation'))).toBe(true);
  });

  test('publishes the web UI Ingresses under the domain, in the one zone, owned by the environment, never deleting', () => {
    expect(chart.values).toEqual({
      provider: { name: 'aws' },
      env: [{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }],
      sources: ['ingress'],
      domainFilters: ['ops.example.com'],
      policy: 'upsert-only',
      registry: 'txt',
      txtOwnerId: 'example',
      extraArgs: ['--zone-id-filter=Z0123456789EXAMPLE', '--ingress-class=web-uis'],
      serviceAccount: { create: true, name: 'external-dns' },
      nodeSelector: { [NODE_POOL_LABEL]: SYSTEM_POOL },
      resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '50m', memory: '96Mi' } },
    });
  });

  test('requests equal limits', () => {
    expect(chart.values.resources.requests).toEqual(chart.values.resources.limits);
  });

  test('syncs (deletes its own stale records) when the config says so', () => {
    const synced = synthPlatform(configWith((doc) => (doc.webUis.dnsPolicy = 'sync'))).template;
    const release = Object.values(synced.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
      (r: any) => r.Properties.Release === 'external-dns',
    ) as any;
    expect(JSON.parse(release.Properties.Values).policy).toBe('sync');
  });

  test('may change records of the configured zone only, and only names under the domain', () => {
    const statements = statementsOf('external-dns', 'external-dns');
    const changes = statements.filter((s) => asList(s.Action).includes('route53:ChangeResourceRecordSets'));
    expect(changes).toEqual([
      {
        Sid: 'ChangeRecordsUnderTheDomain',
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: ZONE_ARN,
        Condition: {
          'ForAllValues:StringLike': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['ops.example.com', '*.ops.example.com'],
          },
        },
      },
    ]);
  });

  test('takes "*" only for ListHostedZones, which has no resource-level permission', () => {
    const wildcard = statementsOf('external-dns', 'external-dns').filter((s) => s.Resource === '*');
    expect(wildcard.flatMap((s) => asList(s.Action))).toEqual(['route53:ListHostedZones']);
  });

  (schemaAvailable ? describe : describe.skip)("the values pass the chart's values.schema.json", () => {
    function valuesProblems(values: unknown): string[] {
      const schema = JSON.parse(fs.readFileSync(VALUES_SCHEMA, 'utf8'));
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    }

    test('the synthesized values', () => {
      expect(valuesProblems(chart.values)).toEqual([]);
    });

    test('the check catches a policy the chart does not know', () => {
      const values = externalDnsValues({
        hostedZoneId: 'Z1',
        region: 'eu-west-1',
        domain: 'ops.example.com',
        txtOwnerId: 'example',
        ingressClass: 'web-uis',
        nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
      });
      expect(valuesProblems({ ...values, policy: 'upsert' })).toEqual([
        '/policy must be equal to one of the allowed values',
      ]);
    });
  });
});

describe('the ACME issuer', () => {
  const isAcmeIssuer = (o: any) => o.kind === 'ClusterIssuer' && o.metadata.name === 'acme';
  const issuer = (): any =>
    manifestsOf(json, describeToken)
      .flatMap((m) => m.objects)
      .find(isAcmeIssuer);

  test('answers DNS-01 challenges in the configured zone, with the configured account and server', () => {
    expect(issuer().spec).toEqual({
      acme: {
        server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        email: 'platform@example.com',
        privateKeySecretRef: { name: 'acme-account-key' },
        solvers: [
          {
            selector: { dnsZones: ['example.com'] },
            dns01: { route53: { region: 'eu-west-1', hostedZoneID: 'Z0123456789EXAMPLE' } },
          },
        ],
      },
    });
  });

  (schemasAvailable() ? test : test.skip)("conforms to cert-manager's ClusterIssuer CRD", () => {
    expect(new KubernetesSchemas().validate(issuer())).toEqual([]);
  });

  test("gives cert-manager's controller TXT records named _acme-challenge in the zone, nothing else", () => {
    const statements = statementsOf('cert-manager', 'cert-manager');
    const changes = statements.filter((s) => asList(s.Action).includes('route53:ChangeResourceRecordSets'));
    expect(changes).toEqual([
      expect.objectContaining({
        Resource: ZONE_ARN,
        Condition: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
          'ForAllValues:StringLike': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
              '_acme-challenge.example.com',
              '_acme-challenge.*.example.com',
            ],
          },
        },
      }),
    ]);
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
  });

  test('cert-manager starts after its Pod Identity association, and the issuer after cert-manager', () => {
    const certManager = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(
      ([, r]: any) => r.Properties.Release === 'cert-manager',
    )![0];
    const dependsOn: string[] = json.Resources[certManager].DependsOn ?? [];
    expect(dependsOn.some((id) => id.startsWith('WebUisAcmeIssuerIdentityAssociation'))).toBe(true);
    const issuerManifest = manifestsOf(json).find((m) => m.objects.some(isAcmeIssuer))!;
    expect(json.Resources[issuerManifest.logicalId].DependsOn).toContain(certManager);
  });

  test('is not configured unless the config asks for it', () => {
    const plain = synthPlatform().template;
    const associations = Object.values(plain.findResources('AWS::EKS::PodIdentityAssociation')).map(
      (r: any) => r.Properties.Namespace,
    );
    expect(associations).not.toContain('cert-manager');
    expect(JSON.stringify(plain.toJSON())).not.toContain('acme-v02');
  });
});

test('cdk-nag finds nothing unacknowledged with every web UI option on (ACME, OIDC, internet-facing)', () => {
  const app = newApp();
  createEnvironmentStacks(
    app,
    configWith((doc) => {
      doc.webUis.acme = { email: 'platform@example.com' };
      doc.webUis.scheme = 'internet-facing';
      doc.webUis.oidc = {
        issuer: 'https://login.example.com',
        authorizationEndpoint: 'https://login.example.com/authorize',
        tokenEndpoint: 'https://login.example.com/token',
        userInfoEndpoint: 'https://login.example.com/userinfo',
        clientSecretName: 'web-ui-oidc',
      };
    }),
  );
  addComplianceChecks(app);
  expect(() => app.synth()).not.toThrow();
});
