/**
 * A customer's libpq verifies a real PostgreSQL server whose certificate has the names the
 * tenant's Certificate asks cert-manager for, signed by a CA of the platform CA's key type,
 * with the TLS settings the onboarding document gives. Runs with `npm run test:postgres`.
 *
 * The certificates are made with openssl the way cert-manager's CA issuer makes them: an
 * ECDSA P-256 CA, and a leaf with the Certificate's DNS names as subjectAltNames.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CA_FILE, clientSslSettings } from '../../lib/onboarding';
import { RunningServer, SERVER_MAJORS, serverBinaries, startServer } from '../../scripts/postgres-server';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';
import { exampleConfig } from '../util';

const major = SERVER_MAJORS.find((candidate) => serverBinaries(candidate));
const psql = spawnSync('psql', ['--version']).status === 0;
if (!major || !psql) {
  const notice = major ? 'psql (libpq) is not installed' : 'no PostgreSQL server binaries are installed';
  if (process.env.CI === 'true') {
    throw new Error(`${notice}: the customer TLS test cannot be skipped in CI`);
  }
  process.stderr.write(`\nNOTICE: customer TLS tests skipped, ${notice}\n\n`);
}
const describeWithServer = major && psql ? describe : describe.skip;

const analytics = exampleConfig().tenants.find((tenant) => tenant.name === 'analytics')!;
const privateDnsName = analytics.privateLink.privateDnsName!;
/** A name of the customer's own interface endpoint, which no certificate holds. */
const ENDPOINT_DNS_NAME =
  'vpce-0123456789abcdef0-abcdefgh.vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com';

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  }
}

/** An ECDSA P-256 CA (the platform CA's key, k8s/cert-manager.ts CERTIFICATE_KEY) in `dir`. */
function makeCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

/** A server certificate `tls.crt`/`tls.key` in `dir` for `dnsNames`, signed by the CA `ca`. */
function makeServerCertificate(dir: string, ca: string, commonName: string, dnsNames: string[]): void {
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    `subjectAltName=${dnsNames.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      'tls.key',
      '-out',
      'tls.csr',
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      'tls.crt',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
}

describeWithServer("a customer's libpq verifies the tenant's server certificate", () => {
  let root: string;
  let clientDir: string;
  let server: RunningServer;

  /** Connects with psql as the onboarding document says, to `host` (resolved to the server). */
  function connect(host: string, sslSettings: string, trust = CA_FILE) {
    const settings = sslSettings.replace(`sslrootcert=${CA_FILE}`, `sslrootcert=${trust}`);
    const conninfo = `host=${host} hostaddr=127.0.0.1 port=${server.port} dbname=postgres user=postgres ${settings}`;
    return spawnSync(
      'psql',
      [conninfo, '-XAtc', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'],
      {
        cwd: clientDir,
        encoding: 'utf8',
        env: { ...process.env, PGCONNECT_TIMEOUT: '10', HOME: clientDir },
      },
    );
  }

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'customer-tls-'));
    const tlsDir = fs.mkdtempSync(path.join(root, 'tls-'));
    clientDir = fs.mkdtempSync(path.join(root, 'client-'));
    const certificate = synthTenantChart(analytics).find(
      (o) => o.kind === 'Certificate' && o.metadata.name === 'analytics-postgres-tls',
    );
    makeCa(tlsDir, 'platform-ca');
    makeCa(tlsDir, 'other-ca');
    makeServerCertificate(tlsDir, 'platform-ca', certificate.spec.commonName, certificate.spec.dnsNames);
    fs.copyFileSync(path.join(tlsDir, 'platform-ca.crt'), path.join(clientDir, CA_FILE));
    fs.copyFileSync(path.join(tlsDir, 'other-ca.crt'), path.join(clientDir, 'other-ca.crt'));
    fs.chmodSync(tlsDir, 0o755);
    fs.chmodSync(path.join(tlsDir, 'tls.crt'), 0o644);
    fs.chmodSync(path.join(tlsDir, 'tls.key'), 0o600);
    if (process.getuid?.() === 0) {
      // PostgreSQL reads the key as the unprivileged server user and refuses one others can read.
      const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
      fs.chownSync(path.join(tlsDir, 'tls.key'), nobody, nobody);
    }
    server = await startServer({
      major: major!,
      workDir: fs.mkdtempSync(path.join(root, 'server-')),
      parameters: {
        ssl: 'on',
        ssl_cert_file: path.join(tlsDir, 'tls.crt'),
        ssl_key_file: path.join(tlsDir, 'tls.key'),
      },
    });
  });

  afterAll(() => {
    server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('verify-full on the private DNS name, as the document says with one, connects over TLS', () => {
    const result = connect(privateDnsName, clientSslSettings(privateDnsName));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('t');
  });

  test("verify-full on the endpoint's own DNS name is refused: the certificate cannot hold it", () => {
    const result = connect(ENDPOINT_DNS_NAME, clientSslSettings(privateDnsName));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('does not match host name');
  });

  test("verify-ca on the endpoint's own DNS name, as the document says without a private DNS name, connects", () => {
    const result = connect(ENDPOINT_DNS_NAME, clientSslSettings(undefined));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('t');
  });

  test('verify-ca refuses a server whose certificate is not from the CA the customer trusts', () => {
    const result = connect(ENDPOINT_DNS_NAME, clientSslSettings(undefined), 'other-ca.crt');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('certificate verify failed');
  });

  test("the primary Service's in-cluster name passes verify-full too, for clients inside the cluster", () => {
    const host = 'analytics-primary.tenant-analytics.svc';
    const result = connect(host, clientSslSettings(host));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('t');
  });
});
