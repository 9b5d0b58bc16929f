// Finding the external programs the stack runs. Order: an explicit env path, the PATH, the
// installed copy (Go's or cargo's bin folder), then building it when the toolchain is here. Builds
// are cached in those bin folders.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MissingBinaryError, StackError } from './errors';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** The Temporal server itself and its SQL schema tool, for the production-like stack (TEMPORAL=postgres). */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.31.2';
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
/** SecantusDB's Rust server (`secantusd-rs`). A prerelease: cargo needs the exact version. */
export const SECANTUS_CRATE = 'secantus-mdb';
export const SECANTUS_CRATE_VERSION = '0.5.3-beta.196';
/** Its Python server (`secantusd-py`), slower; for machines without cargo. */
export const SECANTUS_PYPI_PACKAGE = 'secantusdb';
export const SECANTUS_PYPI_VERSION = '0.7.0b3';
/** Where install-binaries puts the Python server (a venv: no system packages touched). */
export const SECANTUS_VENV = path.join(os.homedir(), '.cache', 'helpdesk', 'secantusdb-venv');

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
function goInstall(
  go: string,
  module: string,
  version: string,
  cmdPath: string,
  binName: string,
  log: (m: string) => void,
): string {
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
    if (build.status !== 0 || !isExecutable(out))
      throw new Error(`go build of ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed`);
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
  return out;
}

export interface FindOptions {
  /** Build (Go, cargo) when the binary is missing (default true). */
  build?: boolean;
  log?: (message: string) => void;
}

/** The Temporal CLI, or undefined when only the SDK's download could provide one. */
export function findTemporalCli(opts: FindOptions = {}): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new MissingBinaryError(`TEMPORAL_CLI_PATH=${explicit}`, 'Point it at an executable temporal CLI.');
    return explicit;
  }
  const found = onPath('temporal');
  if (found) return found;
  const go = goBin();
  const installed = path.join(goBinDir(go), 'temporal');
  if (isExecutable(installed)) return installed;
  if (go && opts.build !== false) {
    return goInstall(
      go,
      TEMPORAL_CLI_MODULE,
      TEMPORAL_CLI_VERSION,
      'cmd/temporal',
      'temporal',
      opts.log ?? console.log,
    );
  }
  return undefined;
}

export interface TemporalServerBinaries {
  /** `go install …/cmd/server` names it `server`. */
  server: string;
  /** `go install …/cmd/tools/sql` names it `sql` (Temporal's temporal-sql-tool). */
  sqlTool: string;
}

/**
 * The Temporal server and its schema tool: TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH, else
 * Go's bin folder, else built with `go install` (about 4 minutes on 2 cores, once).
 */
export function findTemporalServer(opts: FindOptions = {}): TemporalServerBinaries {
  const go = goBin();
  const find = (envVar: string, cmdPath: string, binName: string): string => {
    const explicit = process.env[envVar];
    if (explicit) {
      if (!isExecutable(explicit))
        throw new MissingBinaryError(`${envVar}=${explicit}`, `Point it at an executable built from ${cmdPath}.`);
      return explicit;
    }
    const installed = path.join(goBinDir(go), binName);
    if (isExecutable(installed)) return installed;
    if (go && opts.build !== false)
      return goInstall(go, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION, cmdPath, binName, opts.log ?? console.log);
    throw new MissingBinaryError(
      `The Temporal server's ${binName} (TEMPORAL=postgres)`,
      `Install Go >= 1.26.4 so \`go install ${TEMPORAL_SERVER_MODULE}/${cmdPath}@${TEMPORAL_SERVER_VERSION}\` can build it, or set ${envVar}; or use TEMPORAL=dev, the default.`,
    );
  };
  return {
    server: find('TEMPORAL_SERVER_PATH', 'cmd/server', 'server'),
    sqlTool: find('TEMPORAL_SQL_TOOL_PATH', 'cmd/tools/sql', 'sql'),
  };
}

/** PostgreSQL's server programs (initdb, postgres): PG_BIN, else Debian's newest /usr/lib/postgresql/<n>/bin. */
export function findPostgres(): { initdb: string; postgres: string } {
  const dirs = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : (() => {
        try {
          return fs
            .readdirSync('/usr/lib/postgresql')
            .filter((v) => /^\d+$/.test(v))
            .sort((a, b) => Number(b) - Number(a))
            .map((v) => path.join('/usr/lib/postgresql', v, 'bin'));
        } catch {
          return [];
        }
      })();
  for (const dir of dirs) {
    const initdb = path.join(dir, 'initdb');
    const postgres = path.join(dir, 'postgres');
    if (isExecutable(initdb) && isExecutable(postgres)) return { initdb, postgres };
  }
  throw new MissingBinaryError(
    'PostgreSQL (initdb and postgres, for TEMPORAL=postgres)',
    "Install Debian's postgresql package (apt-get install postgresql; .ci/run does), or set PG_BIN to the folder holding initdb and postgres; or use TEMPORAL=dev, the default.",
  );
}

export type StoreKind = 'mongod' | 'secantus' | 'ferretdb';
export const STORE_KINDS: readonly StoreKind[] = ['mongod', 'secantus', 'ferretdb'];

export type StoreBinary =
  | { kind: 'mongod'; path: string }
  | { kind: 'ferretdb'; path: string }
  | { kind: 'secantus'; path: string; flavor: 'rust' | 'python' };

const isStoreKind = (value: string): value is StoreKind => (STORE_KINDS as readonly string[]).includes(value);

/** STORE=secantus|ferretdb|mongod; unset: mongod when the machine has one, else secantus. */
export function selectedStoreKind(env: NodeJS.ProcessEnv = process.env): StoreKind {
  const chosen = env.STORE?.trim().toLowerCase();
  if (chosen) {
    if (isStoreKind(chosen)) return chosen;
    throw new StackError(
      `STORE=${env.STORE} is not a store the stack can start: use STORE=${STORE_KINDS.join(', STORE=')}, or MONGO_URL=<url> for a running MongoDB.`,
    );
  }
  return env.MONGOD_PATH || onPath('mongod') ? 'mongod' : 'secantus';
}

export interface StoreFindOptions extends FindOptions {
  /** Default: selectedStoreKind(). */
  kind?: StoreKind;
  /**
   * What install-binaries wants: the Rust SecantusDB server even when the Python one is installed
   * (built with cargo when cargo is here), and without cargo the Python one installed into
   * SECANTUS_VENV. Without it, an installed Python server is used before a 15-minute build.
   */
  install?: boolean;
}

/** The MongoDB wire-compatible server selected by STORE (see selectedStoreKind). */
export function findStoreBinary(opts: StoreFindOptions = {}): StoreBinary {
  const kind = opts.kind ?? selectedStoreKind();
  switch (kind) {
    case 'mongod':
      return { kind, path: findMongod() };
    case 'ferretdb':
      return { kind, path: findFerretDb(opts) };
    case 'secantus':
      return findSecantus(opts);
  }
}

function findMongod(): string {
  const explicit = process.env.MONGOD_PATH;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new MissingBinaryError(`MONGOD_PATH=${explicit}`, 'Point it at an executable mongod.');
    return explicit;
  }
  const found = onPath('mongod');
  if (found) return found;
  throw new MissingBinaryError(
    'mongod (STORE=mongod)',
    'Put mongod on PATH or set MONGOD_PATH; or use STORE=secantus, the default.',
  );
}

function findFerretDb(opts: FindOptions): string {
  const explicit = process.env.FERRETDB_PATH;
  if (explicit && isExecutable(explicit)) return explicit;
  const found = onPath('ferretdb');
  if (found) return found;
  const go = goBin();
  const installed = path.join(goBinDir(go), 'ferretdb');
  if (isExecutable(installed)) return installed;
  if (go && opts.build !== false) return buildFerretDb(go, opts.log ?? console.log);
  throw new MissingBinaryError(
    'FerretDB (STORE=ferretdb)',
    `Install Go so FerretDB ${FERRETDB_VERSION} can be built, put ferretdb on PATH or set FERRETDB_PATH; or use STORE=secantus, the default.`,
  );
}

const cargoHome = () => process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
/** Where `cargo install` puts binaries. */
const cargoInstallDir = () => path.join(process.env.CARGO_INSTALL_ROOT || cargoHome(), 'bin');

function cargoBin(): string | undefined {
  const inHome = path.join(cargoHome(), 'bin', 'cargo');
  return onPath('cargo') ?? (isExecutable(inHome) ? inHome : undefined);
}

const SECANTUS_CARGO_ARGS = [
  'install',
  `${SECANTUS_CRATE}@${SECANTUS_CRATE_VERSION}`,
  // The crate asks for rustc 1.98 but builds with the 1.95 that rustup gives here.
  '--ignore-rust-version',
  // The crate's own Cargo.lock: newer dependency releases can't break the build or raise its rustc.
  '--locked',
];
export const SECANTUS_CARGO_COMMAND = `cargo ${SECANTUS_CARGO_ARGS.join(' ')}`;
const SECANTUS_PIP_COMMAND = `python3 -m venv ${SECANTUS_VENV} && ${path.join(SECANTUS_VENV, 'bin', 'pip')} install --pre ${SECANTUS_PYPI_PACKAGE}==${SECANTUS_PYPI_VERSION}`;

function buildSecantus(cargo: string, log: (m: string) => void): string {
  log(`Building secantusd-rs ${SECANTUS_CRATE_VERSION} with cargo (one time, about 15 minutes)...`);
  const build = spawnSync(cargo, SECANTUS_CARGO_ARGS, { stdio: 'inherit' });
  const out = path.join(cargoInstallDir(), 'secantusd-rs');
  if (build.status !== 0 || !isExecutable(out)) throw new StackError(`${SECANTUS_CARGO_COMMAND} failed.`);
  return out;
}

function installSecantusPy(python: string, log: (m: string) => void): string {
  log(`Installing secantusd-py (${SECANTUS_PYPI_PACKAGE} ${SECANTUS_PYPI_VERSION}) into ${SECANTUS_VENV}...`);
  const venv = spawnSync(python, ['-m', 'venv', SECANTUS_VENV], { stdio: 'inherit' });
  if (venv.status !== 0)
    throw new StackError(`${python} -m venv ${SECANTUS_VENV} failed (Debian: apt-get install python3-venv).`);
  const pip = spawnSync(
    path.join(SECANTUS_VENV, 'bin', 'pip'),
    ['install', '--quiet', '--pre', `${SECANTUS_PYPI_PACKAGE}==${SECANTUS_PYPI_VERSION}`],
    {
      stdio: 'inherit',
    },
  );
  const out = path.join(SECANTUS_VENV, 'bin', 'secantusd-py');
  if (pip.status !== 0 || !isExecutable(out))
    throw new StackError(`pip install ${SECANTUS_PYPI_PACKAGE}==${SECANTUS_PYPI_VERSION} failed.`);
  return out;
}

/**
 * SECANTUSD_PATH, secantusd-rs on PATH or in cargo's bin folder, then the Python server (on PATH
 * or in SECANTUS_VENV), then a cargo build when cargo is here.
 */
function findSecantus(opts: StoreFindOptions): StoreBinary {
  // Both servers take the same flags; the flavor only tells a person which one runs.
  const flavorOf = (file: string) => (path.basename(file).includes('-py') ? 'python' : 'rust');
  const explicit = process.env.SECANTUSD_PATH;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new MissingBinaryError(
        `SECANTUSD_PATH=${explicit}`,
        'Point it at an executable secantusd-rs or secantusd-py.',
      );
    return { kind: 'secantus', path: explicit, flavor: flavorOf(explicit) };
  }
  const cargoBuilt = path.join(cargoInstallDir(), 'secantusd-rs');
  const rust = onPath('secantusd-rs') ?? (isExecutable(cargoBuilt) ? cargoBuilt : undefined);
  if (rust) return { kind: 'secantus', path: rust, flavor: 'rust' };
  const log = opts.log ?? console.log;
  const cargo = opts.build === false ? undefined : cargoBin();
  if (cargo && opts.install) return { kind: 'secantus', path: buildSecantus(cargo, log), flavor: 'rust' };
  const venvPy = path.join(SECANTUS_VENV, 'bin', 'secantusd-py');
  const python = onPath('secantusd-py') ?? (isExecutable(venvPy) ? venvPy : undefined);
  if (python) return { kind: 'secantus', path: python, flavor: 'python' };
  if (cargo) return { kind: 'secantus', path: buildSecantus(cargo, log), flavor: 'rust' };
  const python3 = opts.install ? onPath('python3') : undefined;
  if (python3) return { kind: 'secantus', path: installSecantusPy(python3, log), flavor: 'python' };
  throw new MissingBinaryError(
    'SecantusDB (secantusd-rs or secantusd-py, the default store)',
    `Build it with \`${SECANTUS_CARGO_COMMAND}\` (about 15 minutes, needs Rust), or install the slower Python server with ` +
      `\`${SECANTUS_PIP_COMMAND}\`, or set SECANTUSD_PATH; or choose STORE=ferretdb or STORE=mongod, or MONGO_URL=<url> for a running MongoDB.`,
  );
}
