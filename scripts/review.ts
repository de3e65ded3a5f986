/**
 * Reviews a change before `cdk deploy`: compares the cloud assembly of the deployed commit
 * (the baseline) with the current one, and fails when the change deletes or replaces a
 * stateful resource or shrinks a database volume.
 *   npm run --silent review -- --baseline <dir> [--assembly cdk.out] [--allow-data-loss]
 * Exit status: 0 the change may be deployed, 1 it may not, 2 wrong arguments or no assembly.
 */
import { AssemblyTemplates, readAssembly } from '../lib/review/cloud-assembly';
import { formatReview, reviewPasses } from '../lib/review/format';
import { reviewAssemblies } from '../lib/review/review';

const USAGE =
  'usage: npm run --silent review -- --baseline <cloud assembly dir> [--assembly cdk.out] [--allow-data-loss]';

const args = parseArguments(process.argv.slice(2));
if (!args) {
  console.error(USAGE);
  process.exit(2);
}
const review = reviewAssemblies(readOrExit(args.baseline), readOrExit(args.assembly));
const options = { allowDataLoss: args.allowDataLoss };
process.stdout.write(
  formatReview(review, options)
    .map((line) => `${line}\n`)
    .join(''),
);
// exitCode, not exit(): a pipe may still be taking the output.
process.exitCode = reviewPasses(review, options) ? 0 : 1;

/** Reads an assembly, or says which directory is not one, without a stack trace. */
function readOrExit(directory: string): AssemblyTemplates {
  try {
    return readAssembly(directory);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

function parseArguments(
  argv: string[],
): { baseline: string; assembly: string; allowDataLoss: boolean } | undefined {
  let baseline: string | undefined;
  let assembly = 'cdk.out';
  let allowDataLoss = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--allow-data-loss') {
      allowDataLoss = true;
    } else if (arg === '--baseline' || arg === '--assembly') {
      const directory = argv[++index];
      if (!directory) {
        console.error(`${arg}: got nothing, expected a cloud assembly directory`);
        return undefined;
      }
      if (arg === '--baseline') {
        baseline = directory;
      } else {
        assembly = directory;
      }
    } else {
      console.error(`${arg}: unknown argument, expected --baseline, --assembly or --allow-data-loss`);
      return undefined;
    }
  }
  if (!baseline) {
    console.error('--baseline: missing, expected the cloud assembly of the deployed commit');
  }
  return baseline ? { baseline, assembly, allowDataLoss } : undefined;
}
