import { Testing } from 'cdk8s';
import { PLATFORM_CA, PlatformCaChart } from '../../k8s/platform-ca-chart';

const objects: any[] = Testing.synth(
  new PlatformCaChart(Testing.app(), 'platform-ca', {
    certManagerNamespace: 'cert-manager',
    environmentName: 'example',
  }),
);
const named = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

test('a self-signed ClusterIssuer bootstraps the CA', () => {
  expect(named('ClusterIssuer', PLATFORM_CA.bootstrapIssuer).spec).toEqual({ selfSigned: {} });
});

test('the CA Certificate is a long-lived ECDSA P-256 CA in cert-manager’s namespace, signed by the bootstrap issuer', () => {
  const ca = named('Certificate', PLATFORM_CA.certificate);
  expect(ca.metadata.namespace).toBe('cert-manager');
  expect(ca.spec).toMatchObject({
    isCA: true,
    secretName: PLATFORM_CA.secretName,
    issuerRef: { name: PLATFORM_CA.bootstrapIssuer, kind: 'ClusterIssuer', group: 'cert-manager.io' },
    duration: '87600h',
    renewBefore: '8760h',
    privateKey: { algorithm: 'ECDSA', size: 256 },
  });
});

test('the CA names its environment, so a customer of several environments tells the CAs apart', () => {
  expect(named('Certificate', PLATFORM_CA.certificate).spec.commonName).toBe(
    'example PostgreSQL platform CA',
  );
});

test('the CA keeps its key across renewals, so the bundle customers hold stays valid', () => {
  // cert-manager 1.18 made `Always` the default rotation policy; a new key would be a new CA.
  expect(named('Certificate', PLATFORM_CA.certificate).spec.privateKey.rotationPolicy).toBe('Never');
});

test("the CA ClusterIssuer signs with the CA Certificate's Secret", () => {
  expect(named('ClusterIssuer', PLATFORM_CA.issuer).spec).toEqual({
    ca: { secretName: PLATFORM_CA.secretName },
  });
});

test('it holds no Secret: cert-manager generates the CA key in the cluster', () => {
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
});
