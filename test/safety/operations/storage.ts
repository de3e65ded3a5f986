/**
 * A tenant's volumes grow in place: PGO raises the claims' requests and the EBS CSI driver
 * expands the volumes online (StorageClass allowVolumeExpansion). A decrease is refused
 * (test/safety/safety.test.ts shows the suite catches it).
 */
import type { SafetyOperation } from '../operation';

export const operations: SafetyOperation[] = [
  {
    name: 'Grow a tenant volume',
    runbook: 'docs/runbooks/storage-growth.md',
    steps: [
      {
        description: 'raise storage from 50Gi to 80Gi',
        edit: (doc) => {
          doc.tenants[0].storage = '80Gi';
        },
      },
      {
        description: 'raise it again, to 1Ti',
        edit: (doc) => {
          doc.tenants[0].storage = '1Ti';
        },
      },
    ],
  },
];
