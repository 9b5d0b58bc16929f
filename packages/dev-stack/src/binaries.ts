// Finding the external programs the stack runs. Order: an explicit env path, the PATH, the
// Go-installed copy, then building it with Go when Go is here. Builds are cached in Go's bin folder.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MissingBinaryError } from './errors';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function goBin(): string | undefined {
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  return go;
}

function goBinDir(go: string | undefined): string {
  if (process.env.GOBIN) return process.env.GOBIN;
  if (go) {
    const gopath = spawnSync(go, ['env', 'GOPATH'], { encoding: 'utf8' }).stdout.trim();
    if (gopath) return path.join(gopath.split(path.delimiter)[0] ?? gopath, 'bin');
  }
  return path.join(os.homedir(), 'go', 'bin');
}

/** Build a Go command with `go install pkg@version` into Go's bin folder. */
function goInstall(go: string, module: string, version: string, cmdPath: string, binName: string, log: (m: string) => void): string {
  const out = path.join(goBinDir(go), binName);
  log(`Building ${binName} ${version} with Go (one time, a few minutes)...`);
  const install = spawnSync(go, ['install', `${module}/${cmdPath}@${version}`], { stdio: 'inherit' });
  if (install.status !== 0 || !isExecutable(out)) throw new Error(`go install ${module}/${cmdPath}@${version} failed`);
  return out;
}

/**
 * FerretDB can't be `go install`ed: the module proxy refuses the version list that needs, and the
 * module ships without the version file its build reads. Download the exact module, copy it,
 * write the version file, build inside it.
 */
function buildFerretDb(go: string, log: (m: string) => void): string {
  const out = path.join(goBinDir(go), 'ferretdb');
  log(`Building ferretdb ${FERRETDB_VERSION} with Go (one time, a few minutes)...`);
  const info = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8' }),
  ) as { Dir: string };
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
  try {
    fs.cpSync(info.Dir, src, { recursive: true });
    fs.chmodSync(path.join(src, 'build', 'version'), 0o755);
    fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const build = spawnSync(go, ['build', '-trimpath', '-o', out, './cmd/ferretdb'], { cwd: src, stdio: 'inherit' });
    if (build.status !== 0 || !isExecutable(out)) throw new Error(`go build of ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed`);
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
  return out;
}

export interface FindOptions {
  /** Build with Go when the binary is missing (default true). */
  build?: boolean;
  log?: (message: string) => void;
}

/** The Temporal CLI, or undefined when only the SDK's download could provide one. */
export function findTemporalCli(opts: FindOptions = {}): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new MissingBinaryError(`TEMPORAL_CLI_PATH=${explicit}`, 'Point it at an executable temporal CLI.');
    return explicit;
  }
  const found = onPath('temporal');
  if (found) return found;
  const go = goBin();
  const installed = path.join(goBinDir(go), 'temporal');
  if (isExecutable(installed)) return installed;
  if (go && opts.build !== false) {
    return goInstall(go, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, 'cmd/temporal', 'temporal', opts.log ?? console.log);
  }
  return undefined;
}

export type StoreBinary = { kind: 'mongod'; path: string } | { kind: 'ferretdb'; path: string };

/** A MongoDB wire-compatible server: a real mongod when there is one, else FerretDB v1. */
export function findStoreBinary(opts: FindOptions = {}): StoreBinary {
  const mongod = process.env.MONGOD_PATH ?? onPath('mongod');
  if (mongod && isExecutable(mongod)) return { kind: 'mongod', path: mongod };
  const explicit = process.env.FERRETDB_PATH;
  if (explicit && isExecutable(explicit)) return { kind: 'ferretdb', path: explicit };
  const found = onPath('ferretdb');
  if (found) return { kind: 'ferretdb', path: found };
  const go = goBin();
  const installed = path.join(goBinDir(go), 'ferretdb');
  if (isExecutable(installed)) return { kind: 'ferretdb', path: installed };
  if (go && opts.build !== false) {
    return { kind: 'ferretdb', path: buildFerretDb(go, opts.log ?? console.log) };
  }
  throw new MissingBinaryError(
    'No MongoDB-compatible server (mongod or ferretdb)',
    `Set MONGO_URL to a running MongoDB, install mongod, or install Go so FerretDB ${FERRETDB_VERSION} can be built.`,
  );
}
