/**
 * The rules of a tenant's `upgrade: { from, to }`, the start of a PostgreSQL major version
 * upgrade that PGO runs with pg_upgrade (docs/runbooks/major-upgrade.md).
 *
 * What PGO and pg_upgrade allow, and where it is written:
 * - `from` must be the major the cluster runs: PGO refuses a PGUpgrade whose
 *   fromPostgresVersion differs from the PostgresCluster's postgresVersion
 *   ("PGUpgradeInvalidForCluster", internal/controller/pgupgrade/pgupgrade_controller.go).
 * - `to` must be above `from`: the PGUpgrade CRD rule `self.fromPostgresVersion <
 *   self.toPostgresVersion`. pg_upgrade itself moves data from any major since 9.2 to its own
 *   (PostgreSQL docs, pg_upgrade), so a jump of two majors (15 to 17) is allowed, in one run.
 * - the parameters the tenant sets must exist in `to`: PostgreSQL `to` would refuse to start
 *   with a parameter it does not know (the catalogue of lib/config/postgres-catalogue/).
 * - extensions are not configured per tenant; pg_upgrade's own `--check`, which PGO runs
 *   before it changes any data (pgupgrade/jobs.go), refuses a library the new image lacks.
 */
import type { z } from 'zod';
import { POSTGRES_VERSIONS } from './images-schema';
import { parameterProblems } from './postgres-parameter-rules';
import { instanceSize } from './tenant-schema';

type Ctx = z.RefinementCtx;

/** The parts of a partly validated environment the rules read. */
interface UpgradeInputs {
  readonly images?: { readonly postgres?: Record<string, unknown>; readonly upgrade?: unknown };
  readonly tenants?: unknown;
}

interface TenantInputs {
  readonly postgresVersion?: unknown;
  readonly paused?: unknown;
  readonly upgrade?: { readonly from?: unknown; readonly to?: unknown };
  readonly parameters?: unknown;
  readonly images?: { readonly postgres?: Record<string, unknown>; readonly upgrade?: unknown };
  readonly memory?: unknown;
  readonly cpu?: unknown;
  readonly storage?: unknown;
  readonly pgBouncerReplicas?: unknown;
  readonly users?: unknown;
}

/** Adds an issue for every rule a tenant's `upgrade` breaks. */
export function checkMajorUpgrades(config: UpgradeInputs, ctx: Ctx): void {
  const tenants = Array.isArray(config.tenants) ? (config.tenants as (TenantInputs | undefined)[]) : [];
  tenants.forEach((tenant, index) => {
    const { from, to } = tenant?.upgrade ?? {};
    // A major outside the supported set is reported by the field's own check.
    const supported = (major: unknown): major is number => POSTGRES_VERSIONS.some((known) => known === major);
    if (!supported(from) || !supported(to)) {
      return;
    }
    const path = ['tenants', index, 'upgrade'];
    if (tenant!.paused === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', index, 'paused'],
        message: 'expected false while upgrade is set: PGO never shuts a paused cluster down for pg_upgrade',
      });
    }
    const current = tenant!.postgresVersion;
    if (typeof current === 'number' && from !== current) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'from'],
        message: `expected the tenant's postgresVersion (${current}): PGO upgrades from the major the cluster runs`,
      });
    }
    if (to <= from) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'to'],
        message: `expected a major above from (${from}): pg_upgrade only moves data to a newer major`,
      });
      return;
    }
    for (const problem of targetParameterProblems(tenant!, from, to)) {
      ctx.addIssue({ code: 'custom', path: ['tenants', index, ...problem.path], message: problem.message });
    }
    for (const problem of imageProblems(config, tenant!, from, to)) {
      ctx.addIssue({ code: 'custom', path: [...path, ...problem.path], message: problem.message });
    }
  });
}

/** Parameters PostgreSQL `to` refuses though `from` accepts them (those `from` refuses are reported already). */
function targetParameterProblems(tenant: TenantInputs, from: number, to: number) {
  const parameters = tenant.parameters;
  const size = instanceSize(tenant);
  if (!size || !parameters || typeof parameters !== 'object') {
    return [];
  }
  const overrides = parameters as Record<string, string | number | boolean>;
  const known = new Set(parameterProblems(from, size, overrides).map((problem) => problem.path.join('.')));
  return parameterProblems(to, size, overrides)
    .filter((problem) => problem.path[0] === 'parameters' && !known.has(problem.path.join('.')))
    .map((problem) => ({
      path: problem.path,
      message: `${problem.message}; remove or change it before upgrading to PostgreSQL ${to}`,
    }));
}

/**
 * A tenant whose PostgreSQL image comes from the config (your registry) needs the image of
 * the new major and pg_upgrade's image from there too: otherwise PGO falls back to the images
 * its chart names (RELATED_IMAGE_POSTGRES_<major>, RELATED_IMAGE_PGUPGRADE).
 */
function imageProblems(config: UpgradeInputs, tenant: TenantInputs, from: number, to: number) {
  const postgres = { ...config.images?.postgres, ...tenant.images?.postgres };
  if (postgres[String(from)] === undefined) {
    return [];
  }
  const problems: { path: string[]; message: string }[] = [];
  if (postgres[String(to)] === undefined) {
    problems.push({
      path: ['to'],
      message: `expected a major with an image in images.postgres: it names one for ${from} but not for ${to}`,
    });
  }
  if ((tenant.images?.upgrade ?? config.images?.upgrade) === undefined) {
    problems.push({
      path: [],
      message:
        'expected images.upgrade (the pg_upgrade image) beside the PostgreSQL images your config names',
    });
  }
  return problems;
}
