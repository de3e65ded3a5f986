/**
 * Checks configuration files without synthesizing: every problem of every file, and for a
 * valid file the ceilings it would meet.
 *   npm run validate -- config/<env>.yaml [config/<customer>.yaml ...]
 */
import { validateConfigFiles } from '../lib/config/validate-files';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run validate -- <config file> [<config file> ...]');
  process.exit(2);
}
const report = validateConfigFiles(files);
process.stdout.write(report.lines.map((line) => `${line}\n`).join(''));
// exitCode, not exit(): a pipe may still be taking the output.
process.exitCode = report.ok ? 0 : 1;
