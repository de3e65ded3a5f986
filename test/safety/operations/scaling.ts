/**
 * Scaling operations as the safety suite replays them: each step is one reviewed deploy of
 * the example configuration, as its runbook describes it.
 */
import type { ConfigDocument, SafetyOperation } from '../operation';

/** The pool that replaces the example's `database` pool in the instance type change. */
export const REPLACEMENT_POOL = {
  name: 'r7g-2xl',
  instanceTypes: ['r7g.2xlarge'],
  minSize: 3,
  maxSize: 6,
  diskSizeGiB: 50,
};

/** The example's first database pool, whose node groups predate named pools. */
const OLD_POOL = 'database';

/**
 * The last step deletes the old pool's node groups: the one loss the runbook makes safe, since
 * the step before drained them (test/stacks/database-node-pools.test.ts replays it against a
 * model of the pods). Declared for the safety suite, which fails on any loss not accepted.
 */
const removeDrainedPool = {
  description: `remove the drained pool ${OLD_POOL} (deletes its empty node groups)`,
  edit: (doc: ConfigDocument) => {
    doc.nodePools.database = doc.nodePools.database.filter(
      (pool: { name: string }) => pool.name !== OLD_POOL,
    );
  },
  accepts: [
    {
      stack: 'example-platform',
      type: 'AWS::EKS::Nodegroup',
      logicalIdPrefix: 'DatabaseNodePoolNodegroup',
      impact: 'WILL_DESTROY',
      reason: `the node groups of ${OLD_POOL}, drained node by node in the previous step, hold no database pod`,
    },
  ],
} as const;

export const operations: SafetyOperation[] = [
  {
    name: 'Scale a tenant out and in',
    runbook: 'docs/runbooks/scale-out-in.md',
    steps: [
      {
        description: 'scale out: orders from 2 to 3 instances',
        edit: (doc) => {
          doc.tenants[0].replicas = 3;
        },
      },
      {
        description: 'scale in: orders back to 2 instances (PGO removes a replica, never the primary)',
        edit: (doc) => {
          doc.tenants[0].replicas = 2;
        },
      },
    ],
  },
  {
    name: 'Scale a tenant up and down',
    runbook: 'docs/runbooks/scale-up-down.md',
    steps: [
      {
        description:
          'scale up: orders from 1 CPU / 4Gi to 2 CPU / 8Gi (PGO rolls replicas first, then switches over)',
        edit: (doc) => {
          doc.tenants[0].cpu = '2';
          doc.tenants[0].memory = '8Gi';
        },
      },
      {
        description: 'scale down: orders back to 1 CPU / 4Gi',
        edit: (doc) => {
          doc.tenants[0].cpu = '1';
          doc.tenants[0].memory = '4Gi';
        },
      },
    ],
  },
  {
    name: 'Change the instance type of the database nodes',
    runbook: 'docs/runbooks/change-database-instance-type.md',
    steps: [
      {
        description: `add the pool ${REPLACEMENT_POOL.name} beside ${OLD_POOL}`,
        edit: (doc) => {
          doc.nodePools.database.push({
            ...REPLACEMENT_POOL,
            instanceTypes: [...REPLACEMENT_POOL.instanceTypes],
          });
        },
      },
      {
        description: `mark ${OLD_POOL} retiring, then cordon and drain its nodes one at a time`,
        edit: (doc) => {
          doc.nodePools.database.find((pool: { name: string }) => pool.name === OLD_POOL).retiring = true;
        },
      },
      removeDrainedPool,
    ],
  },
];
