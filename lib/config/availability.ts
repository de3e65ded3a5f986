/**
 * How many instances a tenant needs to stay available, and where fewer are allowed.
 *
 * Two instances is the least that survives the loss of one: Patroni promotes the replica
 * when the primary fails, and PGO only protects instances with a PodDisruptionBudget
 * (minAvailable 1) when a set has more than one replica; with one, minAvailable is 0, so a
 * node drain or upgrade stops the database (PGO internal/controller/postgrescluster/
 * pod_disruption_budget.go, getMinAvailable). The same holds for PgBouncer.
 */
import { z } from 'zod';

/** Fewest instances (and PgBouncer pods) of a highly available tenant. */
export const HIGHLY_AVAILABLE_MINIMUM = 2;

/**
 * A production environment runs no tenant without failover: `highlyAvailable: false` is for
 * development and staging, where a single instance saves cost and an outage costs nothing.
 */
export function checkTenantAvailability(
  config: { stage?: unknown; tenants?: unknown },
  ctx: z.RefinementCtx,
): void {
  if ((config.stage ?? 'production') !== 'production' || !Array.isArray(config.tenants)) {
    return;
  }
  config.tenants.forEach((tenant: { highlyAvailable?: unknown } | undefined, index) => {
    if (tenant?.highlyAvailable === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', index, 'highlyAvailable'],
        message: `expected true in production: a single instance has no failover and no PodDisruptionBudget, so every node drain, upgrade or node failure stops the database (use stage: staging or development for a single instance)`,
      });
    }
  });
}
