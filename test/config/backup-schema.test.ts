/** The config rules of on-demand backups, restores, clones and the auto-grow ceiling. */
import { recoveryTargetOptions, targetTimeProblem } from '../../lib/config/backup-schema';
import { newTenant, RETAINED, withBackupOperations } from '../fixtures/backup-operations';
import { configWith, problemsOf } from '../util';

const cloneOf = (cloneFrom: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  problemsOf((doc) => doc.tenants.push(newTenant('copy', { cloneFrom, ...extra })));

test('accepts every backup operation of the fixture', () => {
  const config = configWith(withBackupOperations);
  expect(config.tenants.map((tenant) => tenant.name)).toEqual([
    'orders',
    'analytics',
    'orders-copy',
    'legacy-copy',
  ]);
  expect(config.tenants[3].cloneFrom?.retained?.repoPath).toBe('/pgbackrest/repo1');
});

describe('backups.onDemand', () => {
  test('is a full backup unless the type says otherwise', () => {
    const config = configWith((doc) => (doc.tenants[0].backups.onDemand = { id: 'b1' }));
    expect(config.tenants[0].backups.onDemand).toEqual({ id: 'b1', type: 'full' });
  });

  test.each([
    ['a space', 'before upgrade'],
    ["PGO's bootstrap prefix", '~pgo-bootstrap-orders'],
    ['a trailing dash', 'b1-'],
    ['64 characters', 'a'.repeat(64)],
  ])('refuses an id with %s', (_, id) => {
    expect(problemsOf((doc) => (doc.tenants[0].backups.onDemand = { id }))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.backups\.onDemand\.id: got .*, expected an id for the backup/),
    ]);
  });

  test('refuses a type pgBackRest does not have', () => {
    expect(problemsOf((doc) => (doc.tenants[0].backups.onDemand = { id: 'b1', type: 'snapshot' }))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.backups\.onDemand\.type: got "snapshot"/),
    ]);
  });
});

test('backups.differentialRetention is a count from 1 to 365', () => {
  expect(
    configWith((doc) => (doc.tenants[0].backups.differentialRetention = 6)).tenants[0].backups,
  ).toMatchObject({
    differentialRetention: 6,
  });
  expect(problemsOf((doc) => (doc.tenants[0].backups.differentialRetention = 0))).toEqual([
    expect.stringMatching(/^tenants\[0\]\.backups\.differentialRetention: got 0/),
  ]);
});

describe('target times', () => {
  test.each(['2026-11-25T09:30:00Z', '2026-11-25T10:30:00+01:00', '2024-02-29T23:59:59.123456-05:30'])(
    'accepts %s',
    (time) => expect(targetTimeProblem(time)).toBeUndefined(),
  );

  test.each([
    ['no offset', '2026-11-25T09:30:00', /with an offset/],
    ['a space for T', '2026-11-25 09:30:00Z', /with an offset/],
    ['a date only', '2026-11-25', /with an offset/],
    ['a day that does not exist', '2026-02-29T09:30:00Z', /2026-02-29 does not exist/],
    ['month 13', '2026-13-01T09:30:00Z', /does not exist/],
    ['hour 24', '2026-11-25T24:00:00Z', /time of day/],
    ['an offset of 24 hours', '2026-11-25T09:30:00+24:00', /offset/],
  ])('refuses %s', (_, time, message) => {
    expect(targetTimeProblem(time)).toMatch(message);
  });

  test('become the pgBackRest options of a recovery to that time, offset kept', () => {
    expect(recoveryTargetOptions('2026-11-25T09:30:00Z')).toEqual([
      '--type=time',
      '--target="2026-11-25 09:30:00+00:00"',
    ]);
    expect(recoveryTargetOptions('2026-11-25T10:30:00.5+01:00')).toEqual([
      '--type=time',
      '--target="2026-11-25 10:30:00.5+01:00"',
    ]);
  });
});

describe('restore', () => {
  test('needs an id and a target time', () => {
    expect(problemsOf((doc) => (doc.tenants[0].restore = { targetTime: '2026-11-25T09:30:00Z' }))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.restore\.id: missing/),
    ]);
  });

  test('refuses a target time without an offset, naming the key', () => {
    expect(
      problemsOf((doc) => (doc.tenants[0].restore = { id: 'r1', targetTime: '2026-11-25T09:30:00' })),
    ).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.restore\.targetTime: got "2026-11-25T09:30:00", expected an RFC 3339 time/,
      ),
    ]);
  });
});

describe('cloneFrom', () => {
  test('needs exactly one of tenant and retained', () => {
    expect(cloneOf({ tenant: 'orders', retained: RETAINED })).toEqual([
      expect.stringMatching(/^tenants\[2\]\.cloneFrom: .*expected exactly one of tenant .* or retained/),
    ]);
    expect(cloneOf({})).toEqual([expect.stringMatching(/expected exactly one of tenant/)]);
  });

  test('refuses a tenant that is not in the environment', () => {
    expect(cloneOf({ tenant: 'billing' })).toEqual([
      'tenants[2].cloneFrom.tenant: got "billing", expected a tenant of this environment (orders, analytics, copy); for a destroyed tenant use retained',
    ]);
  });

  test('refuses the tenant itself', () => {
    expect(cloneOf({ tenant: 'copy' })).toEqual([
      expect.stringMatching(/^tenants\[2\]\.cloneFrom\.tenant: got "copy", expected another tenant/),
    ]);
  });

  test('refuses a source on another PostgreSQL major', () => {
    // analytics runs PostgreSQL 16; the new tenant 17.
    expect(cloneOf({ tenant: 'analytics' })).toEqual([
      expect.stringMatching(
        /^tenants\[2\]\.cloneFrom\.tenant: got "analytics", expected a tenant on PostgreSQL 17 .*\(analytics runs 16\)/,
      ),
    ]);
    const onSameMajor = configWith((doc) =>
      doc.tenants.push(newTenant('copy', { cloneFrom: { tenant: 'analytics' }, postgresVersion: 16 })),
    );
    expect(onSameMajor.tenants[2].cloneFrom).toEqual({ tenant: 'analytics' });
  });

  test('refuses a retained repository of another major', () => {
    expect(cloneOf({ retained: { ...RETAINED, postgresVersion: 16 } })).toEqual([
      expect.stringMatching(/^tenants\[2\]\.cloneFrom\.retained\.postgresVersion: got 16, expected 17/),
    ]);
  });

  test('needs the major of a retained repository', () => {
    const withoutMajor: Record<string, unknown> = { ...RETAINED };
    delete withoutMajor.postgresVersion;
    expect(cloneOf({ retained: withoutMajor })).toEqual([
      expect.stringMatching(/^tenants\[2\]\.cloneFrom\.retained\.postgresVersion: missing/),
    ]);
  });

  test.each([
    ['kmsKeyArn', RETAINED.kmsKeyArn.replace('111111111111', '999999999999')],
    ['passphraseSecretArn', RETAINED.passphraseSecretArn.replace('eu-west-1', 'us-east-1')],
  ])("refuses a retained %s outside the environment's account and region", (key, arn) => {
    expect(cloneOf({ retained: { ...RETAINED, [key]: arn } })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tenants\\[2\\]\\.cloneFrom\\.retained\\.${key}: got .*, expected an ARN in account 111111111111 and region eu-west-1`,
        ),
      ),
    ]);
  });

  test('refuses a passphrase secret ARN without its 6-character suffix', () => {
    const partial = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:BackupPassphraseSecret';
    expect(cloneOf({ retained: { ...RETAINED, passphraseSecretArn: partial } })).toEqual([
      expect.stringMatching(
        /^tenants\[2\]\.cloneFrom\.retained\.passphraseSecretArn: got .*, expected the complete ARN/,
      ),
    ]);
  });

  test.each([
    ['bucketName', 'Upper_Case'],
    ['repoPath', 'pgbackrest/repo1'],
    ['kmsKeyArn', 'alias/backups'],
  ])('refuses a malformed retained %s', (key, value) => {
    expect(cloneOf({ retained: { ...RETAINED, [key]: value } })).toEqual([
      expect.stringMatching(new RegExp(`^tenants\\[2\\]\\.cloneFrom\\.retained\\.${key}: got "${value}"`)),
    ]);
  });

  test('refuses a clone that also restores in place', () => {
    expect(
      cloneOf({ tenant: 'orders' }, { restore: { id: 'r1', targetTime: '2026-11-25T09:30:00Z' } }),
    ).toEqual([expect.stringMatching(/^tenants\[2\]\.cloneFrom: .*expected no cloneFrom next to restore/)]);
  });
});

describe('storageLimit', () => {
  test('must be above storage', () => {
    expect(problemsOf((doc) => (doc.tenants[0].storageLimit = '50Gi'))).toEqual([
      'tenants[0].storageLimit: got "50Gi", expected more than storage (50Gi): the volumes grow from storage up to storageLimit',
    ]);
  });

  test('is at most the largest gp3 volume', () => {
    expect(problemsOf((doc) => (doc.tenants[0].storageLimit = '17Ti'))).toEqual([
      'tenants[0].storageLimit: got "17Ti", expected at most 16Ti (the largest gp3 volume)',
    ]);
  });

  test('is optional: without it volumes keep the requested size', () => {
    expect(configWith(() => undefined).tenants[0].storageLimit).toBeUndefined();
  });
});
