/**
 * The parameter catalogue of each PostgreSQL major, generated from real servers' `pg_settings`
 * by scripts/postgres-catalogue.ts and committed beside this file. Tenant overrides are checked
 * against the catalogue of the tenant's major, the way the server itself would parse them.
 */
import pg15 from './postgres-catalogue/pg15.json';
import pg16 from './postgres-catalogue/pg16.json';
import pg17 from './postgres-catalogue/pg17.json';
import pg18 from './postgres-catalogue/pg18.json';

/** One parameter as `pg_settings` describes it. */
export interface ParameterSpec {
  /** `pg_settings.vartype`. */
  readonly type: 'bool' | 'integer' | 'real' | 'string' | 'enum';
  /** `pg_settings.context`: `postmaster` needs a restart, `internal` cannot be set at all. */
  readonly context: string;
  /** Unit of a bare number (`8kB`, `kB`, `ms`, `s`, `min`). */
  readonly unit?: string;
  /** Smallest value, in `unit`. */
  readonly min?: number;
  /** Largest value, in `unit`. */
  readonly max?: number;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
}

/** The catalogue of one major version. */
export interface ParameterCatalogue {
  /** `server_version` of the server it was read from. */
  readonly postgres: string;
  /** The npm package (and version) of that server's binaries. */
  readonly generatedFrom: string;
  /** Every parameter of the server, by name. */
  readonly parameters: Record<string, ParameterSpec>;
}

/** Catalogues by major version. */
export const PARAMETER_CATALOGUES: Record<number, ParameterCatalogue> = {
  15: pg15 as ParameterCatalogue,
  16: pg16 as ParameterCatalogue,
  17: pg17 as ParameterCatalogue,
  18: pg18 as ParameterCatalogue,
};
