/**
 * The `pgAdmin` block of an environment: whether each tenant namespace runs a pgAdmin that
 * discovers the tenant's cluster, who may sign in to it, and how much it stores. Absent, no
 * pgAdmin runs.
 */
import { z } from 'zod';
import { parseQuantity, QUANTITY_PATTERN } from './quantity';

/** pgAdmin roles PGO accepts in `spec.users[].role` (PGAdmin CRD, enum). */
export const PGADMIN_ROLES = ['Administrator', 'User'] as const;

/** Default size of each pgAdmin's data volume: its SQLite settings database and saved queries. */
export const DEFAULT_PGADMIN_STORAGE = '1Gi';

const GiB = 1024 ** 3;

/**
 * pgAdmin signs users in by e-mail address and refuses to create a user whose name is not one
 * ("Invalid email address", pgAdmin web/setup.py add-user, which PGO runs in
 * internal/controller/standalone_pgadmin/users.go). Checked here so the mistake shows at
 * `cdk synth`, not as an event on the PGAdmin object after a deployment. No quotes or
 * whitespace: PGO writes the name into a shell command line.
 */
const EMAIL = /^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

const pgAdminUserSchema = z.strictObject({
  username: z
    .string()
    .regex(EMAIL, {
      message: 'expected an e-mail address such as dba@example.com (pgAdmin signs in by e-mail)',
    })
    .max(254, { message: 'expected an e-mail address of at most 254 characters' })
    .meta({ description: 'E-mail address the user signs in to pgAdmin with.' }),
  role: z
    .enum(PGADMIN_ROLES)
    .default('User')
    .meta({ description: 'Administrator (manages pgAdmin users) or User (the default).' }),
});

const storageSize = z
  .string()
  .superRefine((value, ctx) => {
    const bytes = parseQuantity(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a Kubernetes storage quantity such as 1Gi' });
    } else if (bytes < GiB || bytes > 100 * GiB) {
      // gp3 volumes start at 1 GiB; pgAdmin keeps settings and query history, never data.
      ctx.addIssue({ code: 'custom', message: 'expected from 1Gi to 100Gi' });
    }
  })
  .meta({ pattern: QUANTITY_PATTERN.source });

/** The `pgAdmin` block. */
export const pgAdminSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({
      description: "Run a pgAdmin in every tenant namespace that discovers the tenant's cluster.",
    }),
    users: z.array(pgAdminUserSchema).default([]).meta({
      description:
        'Who may sign in. Each password is generated inside the cluster into a Secret (README, pgAdmin); none is ever configured.',
    }),
    storageSize: storageSize
      .default(DEFAULT_PGADMIN_STORAGE)
      .meta({ description: "Size of each pgAdmin's data volume (encrypted gp3)." }),
  })
  .superRefine((block, ctx) => {
    if (block.enabled && block.users.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['users'],
        message:
          "expected at least one user while enabled is true: otherwise only PGO's internal account exists and nobody can sign in",
      });
    }
    // PGO keys spec.users by exact username (list-map key), so two spellings of one address
    // would pass admission and become two accounts for one mailbox: refuse them here.
    const seen = new Map<string, number>();
    block.users.forEach((user, index) => {
      const key = user.username.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['users', index, 'username'],
          message: `expected a unique username (users[${first}] has it already)`,
        });
      } else {
        seen.set(key, index);
      }
    });
  })
  .default({ enabled: false, users: [], storageSize: DEFAULT_PGADMIN_STORAGE });

/** A validated `pgAdmin` block. */
export type PgAdminConfig = z.output<typeof pgAdminSchema>;
/** One pgAdmin user. */
export type PgAdminUser = PgAdminConfig['users'][number];
