// Temporal's time-skipping test server, for @temporalio/testing's TestWorkflowEnvironment.
// The SDK downloads a native build of it at run time, which fails where that download is not
// reachable. The same server ships as a Java artifact (io.temporal:temporal-test-server): Maven
// fetches it with the machine's own Maven settings (tools/temporal-test-server/pom.xml) into
// ~/.cache/helpdesk/temporal-test-server-<version>-<pom hash>/lib (a changed pom fetches afresh),
// and a launcher script there is the one executable the SDK's `existing-path` option runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onPath } from './binaries';
import { MissingBinaryError, StackError } from './errors';

/** The pom that names the server's version; from dist/ or src/ of this package. */
export const TEST_SERVER_POM = path.resolve(__dirname, '..', '..', '..', 'tools', 'temporal-test-server', 'pom.xml');
const MAIN_CLASS = 'io.temporal.testserver.TestServer';

export interface TestServerOptions {
  /** Fetch the jars with Maven when they are missing (default true; needs `mvn`). */
  install?: boolean;
  log?: (message: string) => void;
  /** Default: ~/.cache/helpdesk. */
  cacheDir?: string;
}

// As binaries.ts checks, whose helper is not exported.
const isExecutable = (file: string): boolean => {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat?.isFile() === true && (stat.mode & 0o111) !== 0;
};

function readPom(pom: string): string {
  try {
    return fs.readFileSync(pom, 'utf8');
  } catch {
    throw new StackError(`${pom} is missing: the time-skipping test server is fetched from the repository's checkout.`);
  }
}

/** The server version the pom asks for (one place to change it). */
export function testServerVersion(pom: string = TEST_SERVER_POM): string {
  const text = readPom(pom);
  const version = /<temporal-test-server\.version>\s*([^<\s]+)\s*<\//.exec(text)?.[1];
  if (!version) throw new StackError(`${pom} names no <temporal-test-server.version>.`);
  return version;
}

function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return onPath('java');
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The SDK runs the executable with `<port>` and then the environment's extraArgs (the server also
 * takes `--enable-time-skipping`), and stops it by SIGKILL to the pid it started, which `exec`
 * makes the server's. A watchdog stops the server if the process that started it dies first.
 */
function launcherScript(java: string, lib: string, version: string): string {
  return `#!/bin/sh
# Temporal's time-skipping test server ${version} (Java), written by @helpdesk/dev-stack
# (test-server.ts). Arguments: <port> [--enable-time-skipping].
parent=$PPID
self=$$
(
  while kill -0 "$parent" 2>/dev/null && kill -0 "$self" 2>/dev/null; do sleep 1; done
  kill -0 "$parent" 2>/dev/null || kill -9 "$self" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
# Serial GC and the first compiler tier only: a short-lived server on a small shared machine.
exec ${quote(java)} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp ${quote(`${lib}/*`)} ${MAIN_CLASS} "$@"
`;
}

/** Write a file only if its content changed, atomically (another run may be starting it). */
function writeExecutable(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === content && isExecutable(file)) return;
  } catch {
    // missing: written below
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o755 });
  fs.renameSync(tmp, file);
}

function fetchJars(mvn: string, lib: string, version: string, log: (m: string) => void): void {
  log(`Fetching Temporal's time-skipping test server ${version} with Maven (one time)...`);
  const partial = `${lib}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  // Its output only matters when it fails (Maven 3.8 prints colour codes even when quiet).
  const run = spawnSync(
    mvn,
    ['-q', '-B', '-f', TEST_SERVER_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0 || !fs.existsSync(path.join(partial, `temporal-test-server-${version}.jar`))) {
    fs.rmSync(partial, { recursive: true, force: true });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() || String(run.error ?? '');
    throw new StackError(`mvn -f ${TEST_SERVER_POM} dependency:copy-dependencies failed:\n${output}`);
  }
  // Renamed into place whole, so a half-fetched folder is never taken for the server.
  try {
    fs.renameSync(partial, lib);
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    if (!fs.existsSync(lib)) throw err; // else another run fetched it meanwhile
  }
}

/**
 * The executable to give TestWorkflowEnvironment.createTimeSkipping as
 * `server.executable: { type: 'existing-path', path }`. TEMPORAL_TEST_SERVER_PATH names one
 * (e.g. a native build of the test server); otherwise the Java server from the cache, fetched
 * with Maven when missing.
 */
export function findTestServer(opts: TestServerOptions = {}): string {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new MissingBinaryError(`TEMPORAL_TEST_SERVER_PATH=${explicit}`, 'Point it at an executable test server.');
    return explicit;
  }
  const version = testServerVersion();
  const pomHash = createHash('sha256').update(readPom(TEST_SERVER_POM)).digest('hex').slice(0, 8);
  const dir = path.join(
    opts.cacheDir ?? path.join(os.homedir(), '.cache', 'helpdesk'),
    `temporal-test-server-${version}-${pomHash}`,
  );
  const lib = path.join(dir, 'lib');
  const what = `Temporal's time-skipping test server (io.temporal:temporal-test-server ${version}, Java)`;
  const howToInstall =
    'Install Maven and a Java runtime (Debian: apt-get install maven), then run `node scripts/install-binaries.js`; `bash .ci/run` does both.';
  const java = findJava();
  if (!java) throw new MissingBinaryError(`A Java runtime (java) for ${what}`, howToInstall);
  if (!fs.existsSync(path.join(lib, `temporal-test-server-${version}.jar`))) {
    const mvn = opts.install === false ? undefined : onPath('mvn');
    if (!mvn) throw new MissingBinaryError(`${what} in ${lib}`, howToInstall);
    fs.mkdirSync(dir, { recursive: true });
    fetchJars(mvn, lib, version, opts.log ?? console.log);
  }
  const launcher = path.join(dir, 'temporal-test-server');
  writeExecutable(launcher, launcherScript(java, lib, version));
  return launcher;
}
