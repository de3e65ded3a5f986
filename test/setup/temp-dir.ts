/**
 * Every synthesis in the tests writes a cloud assembly, with the 59 MB kubectl layer asset,
 * into the temp directory. Jest points the temp directory of the whole run at one folder of
 * its own and removes it when the run ends, so a test run leaves nothing behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUN_DIR_VARIABLE = 'POSTGRES_PLATFORM_TEST_TMPDIR';

/** Jest `globalSetup`: runs once before the workers start; they inherit the environment. */
export async function setup(): Promise<void> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-platform-test-'));
  process.env[RUN_DIR_VARIABLE] = runDir;
  process.env.TMPDIR = runDir;
}

/** Jest `globalTeardown`: runs once after every test file, passed or failed. */
export async function teardown(): Promise<void> {
  const runDir = process.env[RUN_DIR_VARIABLE];
  if (runDir) {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
