import { webUiHostnames } from '../../lib/config/web-ui-schema';
import { configWith, problemsOf } from '../util';

const OIDC = {
  issuer: 'https://login.example.com',
  authorizationEndpoint: 'https://login.example.com/oauth2/authorize',
  tokenEndpoint: 'https://login.example.com/oauth2/token',
  userInfoEndpoint: 'https://login.example.com/oauth2/userinfo',
  clientSecretName: 'web-ui-oidc',
};

describe('webUis', () => {
  test('is optional: without it nothing is exposed', () => {
    expect(configWith((doc) => delete doc.webUis).webUis).toBeUndefined();
  });

  test('defaults to an internal load balancer, upsert-only DNS, no OIDC and no ACME', () => {
    const webUis = configWith((doc) => {
      doc.webUis = {
        domain: 'ops.example.com',
        hostedZone: { id: 'Z0123456789EXAMPLE', name: 'example.com' },
      };
    }).webUis!;
    expect(webUis).toMatchObject({ scheme: 'internal', dnsPolicy: 'upsert-only', inboundCidrs: [] });
    expect(webUis.oidc).toBeUndefined();
    expect(webUis.acme).toBeUndefined();
  });

  test('names each UI <label>.<domain> unless a hostname is given', () => {
    const webUis = configWith((doc) => {
      doc.webUis.hostnames = { grafana: 'dashboards.ops.example.com' };
    }).webUis!;
    expect(webUiHostnames(webUis)).toEqual({
      grafana: 'dashboards.ops.example.com',
      prometheus: 'prometheus.ops.example.com',
      alertmanager: 'alertmanager.ops.example.com',
    });
  });

  test('refuses an internet-facing load balancer with neither an allow-list nor OIDC', () => {
    expect(
      problemsOf((doc) => {
        doc.webUis.scheme = 'internet-facing';
        doc.webUis.inboundCidrs = [];
      }),
    ).toEqual([
      'webUis.scheme: got "internet-facing", expected internal, or internet-facing together with webUis.inboundCidrs or webUis.oidc: the UIs are never open to the whole internet',
    ]);
  });

  test('refuses 0.0.0.0/0, or any network wider than /8, on an internet-facing load balancer without OIDC', () => {
    expect(
      problemsOf((doc) => {
        doc.webUis.scheme = 'internet-facing';
        doc.webUis.inboundCidrs = ['203.0.113.0/24', '0.0.0.0/0', '128.0.0.0/1'];
      }),
    ).toEqual([
      'webUis.inboundCidrs[1]: got "0.0.0.0/0", expected a network of /8 or smaller on an internet-facing load balancer without webUis.oidc',
      'webUis.inboundCidrs[2]: got "128.0.0.0/1", expected a network of /8 or smaller on an internet-facing load balancer without webUis.oidc',
    ]);
  });

  test('accepts an internet-facing load balancer behind a narrow allow-list', () => {
    const webUis = configWith((doc) => {
      doc.webUis.scheme = 'internet-facing';
      doc.webUis.inboundCidrs = ['203.0.113.0/24'];
    }).webUis!;
    expect(webUis.scheme).toBe('internet-facing');
  });

  test('accepts an internet-facing load balancer open to all when OIDC guards it', () => {
    const webUis = configWith((doc) => {
      doc.webUis.scheme = 'internet-facing';
      doc.webUis.inboundCidrs = ['0.0.0.0/0'];
      doc.webUis.oidc = OIDC;
    }).webUis!;
    expect(webUis.oidc).toEqual({ ...OIDC, scope: 'openid', sessionTimeoutSeconds: 28800 });
  });

  test('refuses OIDC endpoints that are not https', () => {
    expect(
      problemsOf((doc) => {
        doc.webUis.oidc = { ...OIDC, tokenEndpoint: 'http://login.example.com/token' };
      }),
    ).toEqual(['webUis.oidc.tokenEndpoint: got "http://login.example.com/token", expected an https:// URL']);
  });

  test('takes the name of the OIDC client Secret, never its value', () => {
    expect(
      problemsOf((doc) => {
        doc.webUis.oidc = { ...OIDC, clientSecretName: 'Sup3r secret!' };
      }),
    ).toEqual([
      'webUis.oidc.clientSecretName: got "Sup3r secret!", expected the name of a Kubernetes Secret (a DNS-1123 subdomain)',
    ]);
    expect(problemsOf((doc) => (doc.webUis.oidc = { ...OIDC, clientSecret: 'x' }))).toEqual([
      'webUis.oidc.clientSecret: unknown key; allowed keys here: issuer, authorizationEndpoint, tokenEndpoint, userInfoEndpoint, clientSecretName, scope, sessionTimeoutSeconds',
    ]);
  });

  test('refuses a domain outside the hosted zone', () => {
    expect(problemsOf((doc) => (doc.webUis.domain = 'ops.example.org'))).toEqual([
      'webUis.domain: got "ops.example.org", expected webUis.hostedZone.name (example.com) or a name under it',
    ]);
  });

  test('refuses a hostname outside the domain, which external-dns would not publish', () => {
    expect(
      problemsOf((doc) => (doc.webUis.hostnames = { alertmanager: 'alertmanager.example.com' })),
    ).toEqual([
      'webUis.hostnames.alertmanager: got "alertmanager.example.com", expected a name under webUis.domain (ops.example.com): external-dns manages that domain only',
    ]);
  });

  test("refuses a hostname in the tenants' pgAdmin names, where a tenant's route would collide", () => {
    expect(
      problemsOf((doc) => (doc.webUis.hostnames = { grafana: 'pgadmin-orders.ops.example.com' })),
    ).toEqual([
      'webUis.hostnames.grafana: got "pgadmin-orders.ops.example.com", expected a name whose first label does not start with "pgadmin-": tenants\' pgAdmin routes use those names',
    ]);
  });

  test('refuses two UIs on one hostname, a default one included', () => {
    expect(
      problemsOf((doc) => (doc.webUis.hostnames = { alertmanager: 'prometheus.ops.example.com' })),
    ).toEqual([
      'webUis.hostnames.alertmanager: got "prometheus.ops.example.com", expected a hostname of its own (prometheus has it already)',
    ]);
  });

  test('refuses an unknown UI and an unknown scheme', () => {
    expect(problemsOf((doc) => (doc.webUis.hostnames = { kibana: 'kibana.ops.example.com' }))).toEqual([
      'webUis.hostnames.kibana: unknown key; allowed keys here: grafana, prometheus, alertmanager',
    ]);
    expect(problemsOf((doc) => (doc.webUis.scheme = 'public'))).toEqual([
      'webUis.scheme: got "public", expected one of "internal", "internet-facing"',
    ]);
  });

  test('takes an ACME e-mail and a known ACME server', () => {
    expect(configWith((doc) => (doc.webUis.acme = { email: 'platform@example.com' })).webUis!.acme).toEqual({
      email: 'platform@example.com',
      server: 'letsencrypt-production',
    });
    expect(
      problemsOf((doc) => (doc.webUis.acme = { email: 'platform@example.com', server: 'zerossl' })),
    ).toEqual([expect.stringMatching(/^webUis\.acme\.server: got "zerossl"/)]);
  });
});
