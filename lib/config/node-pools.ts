/**
 * The schema of `nodePools:`: one system pool, and the database pools as a named list.
 *
 * A managed node group's instance types, AMI type and subnets are immutable
 * (AWS::EKS::Nodegroup, "Update requires: Replacement"): changing them in place replaces the
 * group, and with it every database node at once. Named pools turn that change into three
 * deployments instead: add a pool, drain the old one node by node, remove it
 * (docs/runbooks/change-database-instance-type.md).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { z } from 'zod';
import { dnsLabel } from './fields';

/**
 * The name of the database pool that existed before pools had names. Its node groups keep
 * their logical IDs (`DatabaseNodePoolNodegroupA...`), so adopting named pools replaces nothing.
 */
export const FIRST_DATABASE_POOL_NAME = 'database';

/** Most database pools at once: the pool in use and the one replacing it, with room for one more. */
export const MAX_DATABASE_POOLS = 3;

const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** Whether `type` is shaped like an EC2 instance type (malformed ones are reported by the schema). */
export function isInstanceTypeName(type: unknown): type is string {
  return typeof type === 'string' && INSTANCE_TYPE_PATTERN.test(type);
}

const instanceType = z.string().regex(INSTANCE_TYPE_PATTERN, {
  message: 'expected an EC2 instance type such as m7g.large',
});

const poolFields = {
  instanceTypes: z
    .array(instanceType)
    .min(1, { message: 'expected at least one instance type' })
    .meta({ description: 'EC2 instance types, all of one CPU architecture (Graviton arm64 is fine).' }),
  minSize: z.number().int().min(1).max(100).meta({ description: 'Fewest nodes.' }),
  desiredSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Nodes at creation; the autoscaler owns it afterwards. Defaults to minSize.' }),
  maxSize: z.number().int().min(1).max(100).meta({ description: 'Most nodes.' }),
  diskSizeGiB: z
    .number()
    .int()
    .min(20)
    .max(1000)
    .default(50)
    .meta({ description: 'Root volume size of each node (encrypted gp3).' }),
};

interface PoolSizes {
  readonly instanceTypes: string[];
  readonly minSize: number;
  readonly desiredSize?: number;
  readonly maxSize: number;
}

function checkPool(pool: PoolSizes, ctx: z.RefinementCtx): void {
  if (pool.minSize > pool.maxSize) {
    ctx.addIssue({
      code: 'custom',
      path: ['minSize'],
      message: `expected at most maxSize (${pool.maxSize})`,
    });
  }
  const desired = pool.desiredSize;
  if (desired !== undefined && (desired < pool.minSize || desired > pool.maxSize)) {
    ctx.addIssue({
      code: 'custom',
      path: ['desiredSize'],
      message: `expected a number from minSize (${pool.minSize}) to maxSize (${pool.maxSize})`,
    });
  }
  // Malformed types are reported by their own check; only well-formed ones have an architecture.
  const wellFormed = pool.instanceTypes.filter(isInstanceTypeName);
  const architectures = new Set(wellFormed.map((type) => new ec2.InstanceType(type).architecture));
  if (architectures.size > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['instanceTypes'],
      message:
        'expected instance types of one CPU architecture (a node group has one AMI: all arm64 or all x86_64)',
    });
  }
}

/** One node pool: managed node groups of one launch template. */
export const nodePoolSchema = z.strictObject(poolFields).superRefine(checkPool);

/** One named database pool. */
export const databasePoolSchema = z
  .strictObject({
    name: dnsLabel(20).meta({
      description: `Pool name; names its node groups, so it never changes. \`${FIRST_DATABASE_POOL_NAME}\` keeps the node groups of the pool deployed before pools had names.`,
    }),
    ...poolFields,
    retiring: z.boolean({ error: 'expected true (the pool is being drained) or false' }).default(false).meta({
      description:
        'The pool is being drained before its removal: its nodes get a NoSchedule taint no database pod tolerates, and the capacity rule counts the other pools only. Its nodes stay until the pool leaves the list.',
    }),
  })
  .superRefine(checkPool);

/** The database pools: a list, so that a pool can be added and another retired. */
export const databasePoolsSchema = z
  .array(databasePoolSchema, {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `expected a list of named pools, e.g. [{ name: ${FIRST_DATABASE_POOL_NAME}, instanceTypes: [r7g.xlarge], minSize: 3, maxSize: 9 }] (a single pool keeps its node groups under the name ${FIRST_DATABASE_POOL_NAME})`
        : undefined,
  })
  .min(1, { message: 'expected at least one database pool' })
  .max(MAX_DATABASE_POOLS, {
    message: `expected at most ${MAX_DATABASE_POOLS} pools (one in use, one replacing it during a change of instance type)`,
  })
  .superRefine((pools, ctx) => {
    const seen = new Map<string, number>();
    pools.forEach((pool, index) => {
      // Construct IDs drop the "-": r7g-2xl and r7g2xl would name the same node groups.
      const key = typeof pool?.name === 'string' ? pool.name.replace(/-/g, '') : undefined;
      if (key === undefined) {
        return;
      }
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `expected a unique pool name, ignoring "-" (nodePools.database[${first}] has it already)`,
        });
      } else {
        seen.set(key, index);
      }
    });
  })
  .meta({
    description:
      'Tainted nodes reserved for PostgreSQL pods, as named pools: each is one node group per zone, so sizes are multiples of 3, and every tenant must fit their combined capacity (see README, Capacity). Change instance types by adding a pool and removing the old one after a drain (docs/runbooks/change-database-instance-type.md).',
  });

/** One node pool of a validated configuration. */
export type NodePoolConfig = z.output<typeof nodePoolSchema>;
/** One database pool of a validated configuration. */
export type DatabasePoolConfig = z.output<typeof databasePoolSchema>;
