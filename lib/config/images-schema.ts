/**
 * Container image overrides. Crunchy Data publishes the images PGO uses by default under the
 * Crunchy Data Developer Program terms, which do not suit every production use: every image
 * can be replaced with one from your own registry (for example a licensed copy, or an image
 * built from the open-source sources) without changing code.
 */
import { z } from 'zod';

/** PostgreSQL major versions the platform runs. */
export const POSTGRES_VERSIONS = [15, 16, 17, 18] as const;

/**
 * A full image reference with an explicit tag or digest: `registry/repository:tag` or
 * `registry/repository@sha256:...`. An implicit `latest` would make deployments unrepeatable.
 */
export const imageReference = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/,
    {
      message:
        'expected a full image reference with a tag or digest, such as registry.example.com/crunchy/pgbouncer:1.24',
    },
  );

/** Images of the programs each PostgreSQL cluster runs. */
export const databaseImagesSchema = z.strictObject({
  postgres: z
    .partialRecord(z.enum(POSTGRES_VERSIONS.map(String) as ['15', '16', '17', '18']), imageReference)
    .optional()
    .meta({
      description: 'PostgreSQL image per major version, e.g. { "17": registry/crunchy-postgres:tag }.',
    }),
  pgbackrest: imageReference.optional().meta({ description: 'pgBackRest image (backups).' }),
  pgbouncer: imageReference.optional().meta({ description: 'PgBouncer image (connection pooling).' }),
  exporter: imageReference.optional().meta({ description: 'postgres_exporter image (metrics).' }),
  pgbouncerExporter: imageReference.optional().meta({
    description:
      'pgbouncer_exporter image (PgBouncer metrics; default: the release pinned in lib/config/versions.ts).',
  }),
  upgrade: imageReference.optional().meta({
    description:
      'pg_upgrade image (crunchy-upgrade) for major version upgrades; it holds the binaries of both majors.',
  }),
});

/** Environment-wide image settings: defaults for every tenant, and the operator's own image. */
export const environmentImagesSchema = databaseImagesSchema.extend({
  operator: imageReference.optional().meta({ description: 'The Postgres Operator (PGO) controller image.' }),
  pgadmin: imageReference
    .optional()
    .meta({ description: "pgAdmin image (README, pgAdmin); default: the one PGO's chart names." }),
  grafana: imageReference.optional().meta({
    description: 'Grafana image (default: the grafana/grafana release pinned in lib/config/versions.ts).',
  }),
  pullSecretNames: z
    .array(
      z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'expected a Kubernetes Secret name' }),
    )
    .default([])
    .meta({
      description:
        'Names of docker-registry Secrets for private registries. Create them yourself (kubectl create secret ' +
        'docker-registry) in the postgres-operator namespace, the monitoring namespace and each tenant namespace; they never enter a template.',
    }),
});

/** Image overrides of one tenant. */
export type DatabaseImages = z.output<typeof databaseImagesSchema>;
/** Environment-wide image settings. */
export type EnvironmentImages = z.output<typeof environmentImagesSchema>;
