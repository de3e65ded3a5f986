/**
 * Synthesizes a checkout, or a git ref in a temporary worktree, with this project's CDK CLI,
 * for `npm run review -- --baseline-ref <ref>`. The worktree gets no `npm ci` of its own (a
 * minute or more): it links this checkout's node_modules, so a ref whose package-lock.json
 * differs is synthesized with today's dependencies, and the review says so.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** This checkout's root: the node_modules the review itself runs from. */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** How to synthesize a checkout. */
export interface SynthesisOptions {
  /**
   * The configuration file, relative to the checkout (`-c config=<file>`): a ref is
   * synthesized with the file as it was at that ref.
   * @default - the app's default, config/example.yaml
   */
  readonly configFile?: string;
}

/** Runs `cdk synth` in `checkout`, writing the cloud assembly to `outdir`. */
export function synthesizeCheckout(checkout: string, outdir: string, options: SynthesisOptions = {}): void {
  const args = [
    require.resolve('aws-cdk/bin/cdk'),
    'synth',
    '--quiet',
    '--no-notices',
    '--output',
    outdir,
    // The review reads templates only; staging would copy the 59 MB kubectl layer per synthesis.
    '--no-staging',
    ...(options.configFile ? ['-c', `config=${options.configFile}`] : []),
  ];
  const result = spawnSync(process.execPath, args, {
    cwd: checkout,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (result.status !== 0) {
    throw new Error(`cdk synth in ${checkout} failed (exit status ${result.status}):\n${result.stderr}`);
  }
}

/** What synthesizing a ref found worth telling the reviewer. */
export interface RefSynthesis {
  /** The commit the ref names. */
  readonly commit: string;
  /** Warnings for stderr (a different package-lock.json). */
  readonly warnings: string[];
}

/**
 * Synthesizes `ref` of the git repository holding `checkout` into `outdir`: a detached
 * worktree in the temp folder, removed afterwards, with this checkout's node_modules linked in.
 */
export function synthesizeRef(
  checkout: string,
  ref: string,
  outdir: string,
  options: SynthesisOptions = {},
): RefSynthesis {
  const commit = resolveCommit(checkout, ref);
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), 'review-baseline-'));
  git(checkout, 'worktree', 'add', '--detach', '--quiet', worktree, commit);
  try {
    const modules = path.join(worktree, 'node_modules');
    if (!fs.existsSync(modules)) {
      fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), modules, 'dir');
    }
    synthesizeCheckout(worktree, outdir, options);
    return { commit, warnings: lockFileWarnings(worktree, ref) };
  } finally {
    git(checkout, 'worktree', 'remove', '--force', worktree);
    fs.rmSync(worktree, { recursive: true, force: true });
  }
}

function resolveCommit(checkout: string, ref: string): string {
  try {
    return git(checkout, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new Error(
      `--baseline-ref: got ${ref}, expected a commit, branch or tag of the repository in ${checkout}`,
    );
  }
}

/** A ref whose dependencies differ is synthesized with this checkout's: say so. */
function lockFileWarnings(worktree: string, ref: string): string[] {
  const read = (root: string) => {
    const file = path.join(root, 'package-lock.json');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  };
  return dependencyWarnings(ref, read(worktree), read(PROJECT_ROOT));
}

/** The warning for a ref whose package-lock.json is not this checkout's, if it is not. */
export function dependencyWarnings(
  ref: string,
  refLockFile: string | undefined,
  currentLockFile: string | undefined,
): string[] {
  return refLockFile === currentLockFile
    ? []
    : [
        `warning: package-lock.json at ${ref} differs from this checkout's; the baseline was synthesized with ` +
          "this checkout's node_modules, so template changes from a dependency update show as part of the change. " +
          'For an exact baseline, synthesize the ref after its own npm ci and pass --baseline <dir>.',
      ];
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
