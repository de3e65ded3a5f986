/**
 * Reviews a change before `cdk deploy`: compares the cloud assembly of the deployed commit
 * (the baseline) with the current one, and fails when the change deletes or replaces a
 * stateful resource or shrinks a database volume.
 *   npm run --silent review -- --baseline <dir> [--assembly cdk.out] [--allow-data-loss]
 *   npm run --silent review -- --baseline-ref <git ref> [--config <file>] [--assembly <dir>] [--allow-data-loss]
 * With --baseline-ref the ref is synthesized in a temporary git worktree (lib/review/synthesize.ts),
 * and so is this checkout unless --assembly names its assembly; both with --config.
 * Exit status: 0 the change may be deployed, 1 it may not, 2 wrong arguments, no assembly or a failed synthesis.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AssemblyTemplates, readAssembly } from '../lib/review/cloud-assembly';
import { formatReview, reviewPasses } from '../lib/review/format';
import { reviewAssemblies } from '../lib/review/review';
import { synthesizeCheckout, synthesizeRef } from '../lib/review/synthesize';

const USAGE = [
  'usage: npm run --silent review -- --baseline <cloud assembly dir> [--assembly cdk.out] [--allow-data-loss]',
  '       npm run --silent review -- --baseline-ref <git ref> [--config <file>] [--assembly <dir>] [--allow-data-loss]',
].join('\n');

interface Arguments {
  readonly baseline?: string;
  readonly baselineRef?: string;
  readonly assembly?: string;
  readonly configFile?: string;
  readonly allowDataLoss: boolean;
}

const args = parseArguments(process.argv.slice(2));
if (!args) {
  console.error(USAGE);
  process.exit(2);
}
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'review-'));
try {
  const [baseline, current] = [baselineTemplates(args), currentTemplates(args)];
  const review = reviewAssemblies(baseline, current);
  const options = { allowDataLoss: args.allowDataLoss };
  process.stdout.write(
    formatReview(review, options)
      .map((line) => `${line}\n`)
      .join(''),
  );
  // exitCode, not exit(): a pipe may still be taking the output.
  process.exitCode = reviewPasses(review, options) ? 0 : 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

function baselineTemplates(args: Arguments): AssemblyTemplates {
  if (args.baseline) {
    return readOrExit(args.baseline);
  }
  const outdir = path.join(scratch, 'baseline');
  const synthesis = orExit(() =>
    synthesizeRef(process.cwd(), args.baselineRef!, outdir, { configFile: args.configFile }),
  );
  synthesis.warnings.forEach((warning) => console.error(warning));
  return readOrExit(outdir);
}

function currentTemplates(args: Arguments): AssemblyTemplates {
  if (args.assembly || args.baseline) {
    return readOrExit(args.assembly ?? 'cdk.out');
  }
  const outdir = path.join(scratch, 'current');
  orExit(() => synthesizeCheckout(process.cwd(), outdir, { configFile: args.configFile }));
  return readOrExit(outdir);
}

/** Reads an assembly, or says which directory is not one, without a stack trace. */
function readOrExit(directory: string): AssemblyTemplates {
  return orExit(() => readAssembly(directory));
}

/** Runs `action`, or prints its error without a stack trace and exits 2. */
function orExit<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    console.error((error as Error).message);
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(2);
  }
}

function parseArguments(argv: string[]): Arguments | undefined {
  const values: Record<string, string> = {};
  let allowDataLoss = false;
  const expected: Record<string, string> = {
    '--baseline': 'a cloud assembly directory',
    '--baseline-ref': 'a git commit, branch or tag',
    '--assembly': 'a cloud assembly directory',
    '--config': 'a configuration file',
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--allow-data-loss') {
      allowDataLoss = true;
    } else if (arg in expected) {
      const value = argv[++index];
      if (!value) {
        console.error(`${arg}: got nothing, expected ${expected[arg]}`);
        return undefined;
      }
      values[arg] = value;
    } else {
      console.error(
        `${arg}: unknown argument, expected --baseline, --baseline-ref, --assembly, --config or --allow-data-loss`,
      );
      return undefined;
    }
  }
  const parsed: Arguments = {
    baseline: values['--baseline'],
    baselineRef: values['--baseline-ref'],
    assembly: values['--assembly'],
    configFile: values['--config'],
    allowDataLoss,
  };
  if (!parsed.baseline && !parsed.baselineRef) {
    console.error(
      '--baseline: missing, expected the cloud assembly of the deployed commit (or --baseline-ref and its git ref)',
    );
    return undefined;
  }
  if (parsed.baseline && parsed.baselineRef) {
    console.error('--baseline-ref: got it together with --baseline, expected one of them');
    return undefined;
  }
  if (parsed.configFile && !parsed.baselineRef) {
    console.error('--config: got it without --baseline-ref, expected it only when the review synthesizes');
    return undefined;
  }
  return parsed;
}
