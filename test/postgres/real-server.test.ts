/**
 * Real PostgreSQL 15-18 servers start with the generated parameters and read each one back.
 * Runs on its own (`npm run test:postgres`, run by .ci/run; `npm test` skips test/postgres): about a minute of
 * initdb and server starts that `npm test` should not wait for.
 *
 * For each example tenant and for the smallest and largest sizes the config accepts, a server of
 * that major gets the generated parameters plus the settings PGO sets that change how the server
 * starts (internal/postgres/parameters.go: wal_level, TLS files; pgbackrest: archive_mode;
 * pgmonitor: preloaded pg_stat_statements; Patroni: hot_standby, wal_log_hints, WAL senders and
 * slots). PgBouncer and pgBackRest are not here: archive_command is a stand-in that succeeds.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryBudget, valueInUnit } from '../../k8s/postgres-memory';
import { InstanceSize, tunedSettings } from '../../k8s/postgres-parameters';
import { PARAMETER_CATALOGUES } from '../../lib/config/postgres-catalogue';
import { postgresValue } from '../../lib/config/postgres-parameter-rules';
import { instanceSize } from '../../lib/config/tenant-schema';
import { catalogueText, readCatalogue } from '../../scripts/postgres-catalogue';
import {
  buildNoReservePreload,
  RunningServer,
  SERVER_MAJORS,
  serverBinaries,
  startServer,
} from '../../scripts/postgres-server';
import { exampleConfig } from '../util';

const GiB = 2 ** 30;
const missing = SERVER_MAJORS.filter((major) => !serverBinaries(major));
if (missing.length > 0) {
  const notice = `PostgreSQL ${missing.join(', ')} binaries are not installed for ${process.platform}-${process.arch}`;
  if (process.env.CI === 'true') {
    throw new Error(`${notice}: the real-server test cannot be skipped in CI`);
  }
  // Straight to stderr: jest drops the buffered console output of a file whose tests all skip.
  process.stderr.write(`\nNOTICE: real-server tests skipped, ${notice}\n\n`);
}
const describeWithServers = missing.length === 0 ? describe : describe.skip;

interface ServerCase {
  readonly name: string;
  readonly major: number;
  readonly size: InstanceSize;
  readonly overrides: Record<string, string>;
}

/** The sizes at the corners of what lib/config/tenant-schema.ts accepts. */
const SMALLEST: InstanceSize = {
  memoryBytes: 1 * GiB,
  cpus: 0.25,
  storageBytes: 10 * GiB,
  pgBouncerReplicas: 2,
  databases: 2,
};
const LARGEST: InstanceSize = {
  memoryBytes: 512 * GiB,
  cpus: 64,
  storageBytes: 16 * 2 ** 40,
  pgBouncerReplicas: 2,
  databases: 2,
};

const cases: ServerCase[] = [
  ...exampleConfig().tenants.map((tenant) => ({
    name: `example tenant ${tenant.name}`,
    major: tenant.postgresVersion,
    size: instanceSize(tenant)!,
    overrides: Object.fromEntries(Object.entries(tenant.parameters).map(([k, v]) => [k, postgresValue(v)])),
  })),
  ...SERVER_MAJORS.flatMap((major) => [
    { name: 'smallest size (1Gi, 250m)', major, size: SMALLEST, overrides: {} },
    { name: 'largest size (512Gi, 64 CPU)', major, size: LARGEST, overrides: {} },
  ]),
];

/** A self-signed certificate standing in for the one PGO mounts at /pgconf/tls. */
function certificate(dir: string): Record<string, string> {
  const cert = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
  }
  fs.chmodSync(key, 0o600);
  fs.chmodSync(cert, 0o644);
  fs.chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) {
    // PostgreSQL reads the key as the unprivileged server user and refuses one others can read.
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    fs.chownSync(key, nobody, nobody);
  }
  return { ssl: 'on', ssl_cert_file: cert, ssl_key_file: key, ssl_ca_file: cert };
}

/** What PGO and Patroni set that changes how the server starts. */
function pgoStartupSettings(tlsDir: string): Record<string, string> {
  return {
    wal_level: 'logical',
    ...certificate(tlsDir),
    archive_mode: 'on',
    archive_command: 'true',
    archive_timeout: '60s',
    hot_standby: 'on',
    wal_log_hints: 'on',
    max_wal_senders: '10',
    max_replication_slots: '10',
    shared_preload_libraries: 'pg_stat_statements',
    jit: 'off',
    password_encryption: 'scram-sha-256',
  };
}

/** Whether `shown` (what SHOW printed) is `generated`, read the way PostgreSQL reads both. */
function sameSetting(major: number, name: string, generated: string, shown: string): boolean {
  const spec = PARAMETER_CATALOGUES[major].parameters[name];
  if (spec.type === 'integer' || spec.type === 'real') {
    return valueInUnit(shown, spec.unit) === valueInUnit(generated, spec.unit);
  }
  return shown.toLowerCase() === generated.toLowerCase();
}

describeWithServers('real PostgreSQL servers with the generated parameters', () => {
  let root: string;
  let preload: string | undefined;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'real-postgres-'));
    preload = buildNoReservePreload(fs.mkdtempSync(path.join(root, 'preload-')));
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Starts a server for `serverCase`, runs `check`, and always stops it. */
  async function withServer(
    serverCase: ServerCase,
    check: (server: RunningServer, parameters: Record<string, string>) => Promise<void>,
  ) {
    const workDir = fs.mkdtempSync(path.join(root, `pg${serverCase.major}-`));
    const parameters = { ...tunedSettings(serverCase.size).parameters, ...serverCase.overrides };
    const largerThanThisMachine = serverCase.size.memoryBytes > os.totalmem();
    if (largerThanThisMachine && !preload) {
      throw new Error('no C compiler (cc) to build the MAP_NORESERVE preload the largest size needs');
    }
    const tlsDir = fs.mkdtempSync(path.join(workDir, 'tls-'));
    const server = await startServer({
      major: serverCase.major,
      workDir,
      parameters: { ...pgoStartupSettings(tlsDir), ...parameters },
      preload: largerThanThisMachine ? preload : undefined,
    });
    try {
      await check(server, parameters);
    } finally {
      server.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }

  test.each(cases.map((c) => [`PostgreSQL ${c.major}, ${c.name}`, c] as const))(
    '%s starts, and SHOW returns every generated value',
    async (_, serverCase) => {
      await withServer(serverCase, async (server, parameters) => {
        const differences: string[] = [];
        for (const [name, value] of Object.entries(parameters)) {
          const [row] = await server.query<Record<string, string>>(`SHOW ${name}`);
          const shown = Object.values(row)[0];
          if (!sameSetting(serverCase.major, name, value, shown)) {
            differences.push(`${name}: generated ${value}, SHOW ${shown}`);
          }
        }
        expect(differences).toEqual([]);

        // The shared memory the server really mapped is within what the budget assumes for it.
        const [{ shared_memory_size: shared }] = await server.query<{ shared_memory_size: string }>(
          'SHOW shared_memory_size',
        );
        const modelled = memoryBudget(parameters, serverCase.size.memoryBytes);
        expect(valueInUnit(shared, 'B')).toBeLessThanOrEqual(
          modelled.sharedMemoryBytes + modelled.walBuffersBytes,
        );
      });
    },
  );

  test.each(SERVER_MAJORS.map((major) => [major]))(
    'the committed catalogue of PostgreSQL %i is what its server reports (npm run postgres-catalogue)',
    async (major) => {
      const workDir = fs.mkdtempSync(path.join(root, `catalogue-pg${major}-`));
      const server = await startServer({ major, workDir });
      try {
        const committed = fs.readFileSync(
          path.join(__dirname, '..', '..', 'lib', 'config', 'postgres-catalogue', `pg${major}.json`),
          'utf8',
        );
        expect(catalogueText(await readCatalogue(server, major))).toBe(committed);
      } finally {
        server.stop();
      }
    },
  );
});
