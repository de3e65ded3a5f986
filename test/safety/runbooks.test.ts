/**
 * Every operation the safety suite replays has a runbook, and every runbook in docs/runbooks/
 * is replayed by at least one operation: a procedure nobody proved safe is not published.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadOperations } from './replay';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const RUNBOOKS_DIR = 'docs/runbooks';

const operations = loadOperations();

test("every operation's runbook exists", () => {
  const missing = operations
    .filter((operation) => !fs.existsSync(path.join(PROJECT_ROOT, operation.runbook)))
    .map((operation) => `${operation.file}: ${operation.name}: ${operation.runbook} does not exist`);
  expect(missing).toEqual([]);
});

test('every runbook names its file under docs/runbooks/', () => {
  const elsewhere = operations
    .filter((operation) => path.posix.dirname(operation.runbook) !== RUNBOOKS_DIR)
    .map((operation) => `${operation.file}: ${operation.name}: ${operation.runbook}`);
  expect(elsewhere).toEqual([]);
});

test('every runbook in docs/runbooks/ is replayed by at least one operation', () => {
  const used = new Set(operations.map((operation) => operation.runbook));
  const unused = fs
    .readdirSync(path.join(PROJECT_ROOT, RUNBOOKS_DIR))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `${RUNBOOKS_DIR}/${file}`)
    .filter((runbook) => !used.has(runbook));
  expect(unused).toEqual([]);
});
