import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { PARAMETER_CATALOGUES } from '../../lib/config/postgres-catalogue';
import { ownedParameterReason } from '../../lib/config/postgres-parameter-rules';
import { schemasAvailable, schemasDir } from '../conformance/kubernetes-schemas';
import { configWith, problemsOf } from '../util';

/** The problems after setting parameters on the first example tenant (orders: PostgreSQL 17, 4Gi, 1 CPU). */
const withParameters = (parameters: Record<string, unknown>, edit?: (tenant: Record<string, any>) => void) =>
  problemsOf((doc) => {
    doc.tenants[0].parameters = parameters;
    edit?.(doc.tenants[0]);
  });

/** Loads the example with parameters set on its first tenant; throws when the config is refused. */
const load = (parameters: Record<string, unknown>, edit?: (tenant: Record<string, any>) => void) => () =>
  configWith((doc) => {
    doc.tenants[0].parameters = parameters;
    edit?.(doc.tenants[0]);
  });

describe('overrides checked against the catalogue of the tenant major', () => {
  test('a value PostgreSQL cannot parse names the form and range it takes', () => {
    expect(withParameters({ work_mem: 'lots' })).toEqual([
      'tenants[0].parameters.work_mem: got "lots", expected a memory size such as 64MB (PostgreSQL 17: 64kB to 2047GB; applied on reload)',
    ]);
  });

  test('a misspelt name is unrecognised, with the closest name suggested', () => {
    expect(withParameters({ shared_bufers: '2GB' })).toEqual([
      'tenants[0].parameters.shared_bufers: got "2GB", expected a PostgreSQL 17 parameter: "shared_bufers" is not one; did you mean shared_buffers?',
    ]);
  });

  test('a value out of range says the range and that a change restarts PostgreSQL', () => {
    expect(withParameters({ max_locks_per_transaction: 5 })).toEqual([
      'tenants[0].parameters.max_locks_per_transaction: got 5, expected an integer in range (PostgreSQL 17: 10 to 2147483647; a change restarts PostgreSQL)',
    ]);
  });

  test('an enum value lists the values the major knows', () => {
    expect(withParameters({ wal_compression: 'brotli' })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.wal_compression: got "brotli", expected one of .*pglz.*\(PostgreSQL 17; applied on reload\)$/,
      ),
    ]);
  });

  test('a bool takes on/off or YAML booleans', () => {
    expect(load({ jit: true, track_io_timing: 'on' })).not.toThrow();
    expect(withParameters({ jit: 'maybe' })).toEqual([
      'tenants[0].parameters.jit: got "maybe", expected on or off (PostgreSQL 17; applied on reload)',
    ]);
  });

  test('a read-only parameter is refused', () => {
    expect(withParameters({ block_size: 8192 })).toEqual([
      'tenants[0].parameters.block_size: got 8192, expected a parameter that can be set: block_size is read-only in PostgreSQL 17',
    ]);
  });

  test('a parameter of a newer major is unknown to an older one', () => {
    expect(load({ io_method: 'worker' }, (t) => (t.postgresVersion = 18))).not.toThrow();
    expect(withParameters({ io_method: 'worker' })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.io_method: got "worker", expected a PostgreSQL 17 parameter/,
      ),
    ]);
  });

  test("an extension's parameter is passed through", () => {
    expect(load({ 'pg_stat_statements.max': 10000 })).not.toThrow();
  });
});

describe('parameters the platform owns', () => {
  test('huge_pages on is refused: the pod requests no hugepages', () => {
    expect(withParameters({ huge_pages: 'on' })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.huge_pages: got "on", expected a parameter the platform does not own: the pod requests no hugepages/,
      ),
    ]);
    expect(load({ huge_pages: 'off' })).not.toThrow();
  });

  test('ssl_ciphers is refused; ssl_ecdh_curve, which the CRD allows, is not', () => {
    expect(withParameters({ ssl_ciphers: 'HIGH' })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.ssl_ciphers: got "HIGH", expected a parameter the platform does not own: TLS is always on/,
      ),
    ]);
    expect(load({ ssl_ecdh_curve: 'prime256v1' })).not.toThrow();
  });

  test('log_directory only where the CRD allows it', () => {
    expect(load({ log_directory: '/pgdata/logs/postgres/app' })).not.toThrow();
    expect(withParameters({ log_directory: '/tmp' })).toHaveLength(1);
  });

  const describeWithCrd = schemasAvailable() ? describe : describe.skip;
  describeWithCrd("every name the v1 CRD's CEL rules refuse for spec.config.parameters", () => {
    // The rules as PGO v6 ships them (config/crd/bases/..._postgresclusters.yaml, version v1).
    const crd = parse(
      fs.readFileSync(
        path.join(schemasDir(), 'crds', 'postgres-operator.crunchydata.com_postgresclusters.yaml'),
        'utf8',
      ),
    );
    const v1 = crd.spec.versions.find((version: { name: string }) => version.name === 'v1');
    const rules: string[] = v1.schema.openAPIV3Schema.properties.spec.properties.config.properties.parameters[
      'x-kubernetes-validations'
    ].map((validation: { rule: string }) => validation.rule);
    const names = new Set(
      rules.flatMap((rule) => [...rule.matchAll(/has\(self\.(\w+)\)/g)].map((m) => m[1])),
    );
    const prefixes = rules.flatMap((rule) => [...rule.matchAll(/startsWith\("(\w+)"\)/g)].map((m) => m[1]));
    const exceptions = rules.flatMap((rule) => [...rule.matchAll(/k == '(\w+)'/g)].map((m) => m[1]));
    const catalogued = [
      ...new Set(
        Object.values(PARAMETER_CATALOGUES).flatMap((catalogue) => Object.keys(catalogue.parameters)),
      ),
    ];

    test('the rules were found', () => {
      expect([names.size, prefixes.length, exceptions.length]).toEqual([
        expect.any(Number),
        expect.any(Number),
        expect.any(Number),
      ]);
      expect(names.has('log_file_mode')).toBe(true);
    });

    test('is refused here, named or by prefix', () => {
      const byPrefix = catalogued.filter(
        (name) => prefixes.some((prefix) => name.startsWith(prefix)) && !exceptions.includes(name),
      );
      // log_directory is allowed by the CRD for some paths; checked with a path it refuses.
      const allowed = [...names, ...byPrefix].filter((name) => !ownedParameterReason(name, '/elsewhere'));
      expect(allowed).toEqual([]);
    });

    test('except the ones the CRD lets through', () => {
      expect(exceptions.filter((name) => ownedParameterReason(name, 'x'))).toEqual([]);
    });
  });
});

describe('overrides checked against the memory budget and the pools', () => {
  test('shared_buffers past the budget says what fits', () => {
    expect(withParameters({ shared_buffers: '3GB' })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.shared_buffers: got "3GB", expected at most \d+MB: PostgreSQL could use [\d.]+ GiB at worst, over 90% of the memory limit \(3\.60 GiB\)$/,
      ),
    ]);
  });

  test('the value it names fits', () => {
    const [problem] = withParameters({ work_mem: '1GB' });
    const fits = /expected at most (\d+)(MB|kB|GB)/.exec(problem)!;
    expect(load({ work_mem: `${fits[1]}${fits[2]}` })).not.toThrow();
  });

  test('max_connections below what the PgBouncer pools need', () => {
    expect(withParameters({ max_connections: 10 })).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.parameters\.max_connections: got 10, expected max_connections of at least \d+: 2 PgBouncer pod\(s\) x 2 database\(s\)/,
      ),
    ]);
  });

  test('more PgBouncer pools than the memory allows', () => {
    expect(
      problemsOf((doc) => {
        doc.tenants[0].memory = '1Gi';
        doc.tenants[0].pgBouncerReplicas = 9;
        // Room for nine PgBouncer pods and their exporter sidecars, so only the memory rule speaks.
        doc.nodePools.database[0].maxSize = 12;
      }),
    ).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.memory: got "1Gi", expected more memory: 9 PgBouncer pod\(s\) x 2 database\(s\)/,
      ),
    ]);
  });

  test('more parameters than the CRD takes', () => {
    const many = Object.fromEntries(
      Object.entries(PARAMETER_CATALOGUES[17].parameters)
        .filter(
          ([name, spec]) =>
            spec.type === 'bool' && spec.context === 'user' && !ownedParameterReason(name, 'on'),
        )
        .slice(0, 40)
        .map(([name]) => [name.toLowerCase(), 'on']),
    );
    expect(withParameters(many).filter((p) => p.startsWith('tenants[0].parameters:'))).toEqual([
      expect.stringMatching(
        /expected at most \d+ parameters beyond the \d+ the platform sizes \(PGO's CRD takes 50 in all\)/,
      ),
    ]);
  });
});

describe('the committed catalogue', () => {
  test('was generated from the server packages in package.json (npm run postgres-catalogue)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    for (const [major, catalogue] of Object.entries(PARAMETER_CATALOGUES)) {
      const alias: string = manifest.devDependencies[`postgresql-${major}`];
      expect(`npm:${catalogue.generatedFrom}`).toBe(alias);
      expect(alias).toMatch(new RegExp(`@${catalogue.postgres}\\.\\d+-`));
    }
  });
});
