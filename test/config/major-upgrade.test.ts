/**
 * The rules of a tenant's `upgrade: { from, to }` (lib/config/major-upgrade.ts). The example's
 * tenant `analytics` runs PostgreSQL 16.
 */
import { configWith, problemsOf } from '../util';

const ANALYTICS = 1;

function startUpgrade(doc: Record<string, any>, upgrade: { from: number; to: number }) {
  doc.tenants[ANALYTICS].upgrade = upgrade;
}

test('an upgrade from the running major to the next one is accepted', () => {
  const config = configWith((d) => startUpgrade(d, { from: 16, to: 17 }));
  expect(config.tenants[ANALYTICS].upgrade).toEqual({ from: 16, to: 17 });
});

test('a jump of two majors is accepted: pg_upgrade moves data from any older major in one run', () => {
  expect(() => configWith((d) => startUpgrade(d, { from: 16, to: 18 }))).not.toThrow();
});

test('from must be the major the tenant runs', () => {
  expect(problemsOf((d) => startUpgrade(d, { from: 15, to: 17 }))).toEqual([
    "tenants[1].upgrade.from: got 15, expected the tenant's postgresVersion (16): PGO upgrades from the major the cluster runs",
  ]);
});

test('to must be above from', () => {
  expect(problemsOf((d) => startUpgrade(d, { from: 16, to: 16 }))).toEqual([
    'tenants[1].upgrade.to: got 16, expected a major above from (16): pg_upgrade only moves data to a newer major',
  ]);
});

test('a major outside the supported set is refused by name', () => {
  expect(problemsOf((d) => startUpgrade(d, { from: 16, to: 19 }))).toEqual([
    expect.stringMatching(/^tenants\[1\]\.upgrade\.to: got 19, expected one of 15, 16, 17, 18/),
  ]);
});

test('a parameter the new major does not have is refused before the upgrade starts', () => {
  // old_snapshot_threshold exists in PostgreSQL 16 and was removed in 17 (lib/config/postgres-catalogue/).
  const problems = problemsOf((d) => {
    d.tenants[ANALYTICS].parameters.old_snapshot_threshold = '-1';
    startUpgrade(d, { from: 16, to: 17 });
  });
  expect(problems).toEqual([
    expect.stringMatching(
      /^tenants\[1\]\.parameters\.old_snapshot_threshold: got "-1", expected a PostgreSQL 17 parameter: .*remove or change it before upgrading to PostgreSQL 17$/,
    ),
  ]);
});

test('the same parameter is fine on the running major without an upgrade', () => {
  expect(() =>
    configWith((d) => (d.tenants[ANALYTICS].parameters.old_snapshot_threshold = '-1')),
  ).not.toThrow();
});

test("a tenant whose image comes from the config needs the new major's image there too", () => {
  const problems = problemsOf((d) => {
    d.images.postgres = { '16': 'registry.example.com/crunchy-postgres:16.9-0' };
    d.images.upgrade = 'registry.example.com/crunchy-upgrade:17.5-0';
    startUpgrade(d, { from: 16, to: 17 });
  });
  expect(problems).toEqual([
    'tenants[1].upgrade.to: got 17, expected a major with an image in images.postgres: it names one for 16 but not for 17',
  ]);
});

test('a tenant whose images come from the config needs the pg_upgrade image from there too', () => {
  const problems = problemsOf((d) => {
    d.images.postgres = {
      '16': 'registry.example.com/crunchy-postgres:16.9-0',
      '17': 'registry.example.com/crunchy-postgres:17.5-0',
    };
    startUpgrade(d, { from: 16, to: 17 });
  });
  expect(problems).toEqual([
    expect.stringMatching(
      /^tenants\[1\]\.upgrade: got .*, expected images\.upgrade \(the pg_upgrade image\)/,
    ),
  ]);
});

test("a tenant's own image overrides count like the environment's", () => {
  expect(() =>
    configWith((d) => {
      d.tenants[ANALYTICS].images = {
        postgres: {
          '16': 'registry.example.com/crunchy-postgres:16.9-0',
          '17': 'registry.example.com/crunchy-postgres:17.5-0',
        },
        upgrade: 'registry.example.com/crunchy-upgrade:17.5-0',
      };
      startUpgrade(d, { from: 16, to: 17 });
    }),
  ).not.toThrow();
});

test('a paused cluster cannot be upgraded: PGO would never shut it down', () => {
  expect(
    problemsOf((d) => {
      d.tenants[ANALYTICS].paused = true;
      startUpgrade(d, { from: 16, to: 17 });
    }),
  ).toEqual([
    'tenants[1].paused: got true, expected false while upgrade is set: PGO never shuts a paused cluster down for pg_upgrade',
  ]);
});
