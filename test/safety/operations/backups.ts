/**
 * Backups, restores and storage growth as the safety suite replays them: each step is one
 * deployment of the runbook, applied to the example configuration (parsed YAML, before
 * validation, so a key the example leaves to its default may be missing).
 */
import type { ConfigDocument, SafetyOperation } from '../operation';

/** The example's `orders` tenant, with its `backups` mapping present. */
function orders(doc: ConfigDocument): ConfigDocument {
  const tenant = doc.tenants.find((t: ConfigDocument) => t.name === 'orders');
  tenant.backups ??= {};
  return tenant;
}

/** A new tenant of the size of `orders`, on its PostgreSQL major. */
function newTenant(name: string, cloneFrom: ConfigDocument): ConfigDocument {
  return {
    name,
    postgresVersion: 17,
    replicas: 2,
    cpu: '1',
    memory: '4Gi',
    storage: '50Gi',
    users: [{ name: `${name}-app`, databases: ['orders'] }],
    cloneFrom,
  };
}

const tenantNamed = (doc: ConfigDocument, name: string) =>
  doc.tenants.find((t: ConfigDocument) => t.name === name);

/** What a destroyed tenant's stack left behind (its outputs, kept in the runbook). */
const RETAINED = {
  bucketName: 'example-tenant-legacy-backupbucket-1a2b3c4d5e6f',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab',
  passphraseSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:BackupPassphraseSecret-AbCdEf',
  postgresVersion: 17,
};

export const operations: SafetyOperation[] = [
  {
    name: 'Change the backup schedule and retention',
    runbook: 'docs/runbooks/backups.md',
    steps: [
      {
        description: 'Move full backups to 03:00 on Sundays and keep 8 of them',
        edit: (doc) => {
          orders(doc).backups.fullSchedule = '0 3 * * 0';
          orders(doc).backups.fullRetention = 8;
        },
      },
      {
        description: 'Keep 6 differential backups',
        edit: (doc) => {
          orders(doc).backups.differentialRetention = 6;
        },
      },
    ],
  },
  {
    name: 'Take an on-demand backup',
    runbook: 'docs/runbooks/backups.md',
    steps: [
      {
        description: 'Set backups.onDemand with a new id',
        edit: (doc) => {
          orders(doc).backups.onDemand = { id: '2026-11-25-before-upgrade', type: 'full' };
        },
      },
      {
        description: 'Take another one: bump the id',
        edit: (doc) => {
          orders(doc).backups.onDemand = { id: '2026-11-26-after-upgrade', type: 'diff' };
        },
      },
    ],
  },
  {
    name: 'Restore a tenant in place to a point in time',
    runbook: 'docs/runbooks/restore-in-place.md',
    steps: [
      {
        description: 'Take a full backup of the current state first',
        edit: (doc) => {
          orders(doc).backups.onDemand = { id: 'before-restore-1', type: 'full' };
        },
      },
      {
        description: 'Set restore with an id and the target time',
        edit: (doc) => {
          orders(doc).restore = { id: 'restore-1', targetTime: '2026-11-25T09:30:00Z' };
        },
      },
      {
        description: 'Remove restore once the cluster is back',
        edit: (doc) => {
          delete orders(doc).restore;
        },
      },
    ],
  },
  {
    name: 'Restore into a new tenant from a live tenant',
    runbook: 'docs/runbooks/restore-to-new-tenant.md',
    steps: [
      {
        description: 'Add the new tenant with cloneFrom naming the source tenant and a target time',
        edit: (doc) => {
          doc.tenants.push(
            newTenant('orders-restored', { tenant: 'orders', targetTime: '2026-11-25T09:30:00Z' }),
          );
        },
      },
      {
        description: 'Remove cloneFrom once the new tenant runs',
        edit: (doc) => {
          delete tenantNamed(doc, 'orders-restored').cloneFrom;
        },
      },
    ],
  },
  {
    name: "Restore into a new tenant from a destroyed tenant's retained repository",
    runbook: 'docs/runbooks/restore-to-new-tenant.md',
    steps: [
      {
        description:
          'Add the new tenant with cloneFrom.retained naming the bucket, key and passphrase secret',
        edit: (doc) => {
          doc.tenants.push(newTenant('legacy', { retained: RETAINED }));
        },
      },
      {
        description: 'Remove cloneFrom once the new tenant runs',
        edit: (doc) => {
          delete tenantNamed(doc, 'legacy').cloneFrom;
        },
      },
    ],
  },
  {
    name: 'Let storage grow automatically',
    runbook: 'docs/runbooks/storage-growth.md',
    steps: [
      {
        description: 'Set storageLimit above storage',
        edit: (doc) => {
          orders(doc).storageLimit = '200Gi';
        },
      },
      {
        description: 'Raise the ceiling',
        edit: (doc) => {
          orders(doc).storageLimit = '400Gi';
        },
      },
      {
        description: 'Raise the requested size, below what the volume may have grown to',
        edit: (doc) => {
          orders(doc).storage = '100Gi';
        },
      },
    ],
  },
];
