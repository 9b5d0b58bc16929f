// The helpdesk's own services, run as child processes exactly as in production (`node dist/main.js`).
import fs from 'node:fs';
import path from 'node:path';
import { StartupTimeoutError } from './errors';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';

export interface ServiceSpec {
  name: string;
  /** The compiled entry point, e.g. services/worker/dist/main.js */
  entry: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The web apps a gateway of this checkout serves: the Vite builds next to it
 * (`services/console/dist`, `services/portal/dist`), for a gateway entry `<root>/services/gateway/dist/main.js`.
 */
export function webAppDirs(root: string): { CONSOLE_DIR: string; PORTAL_DIR: string } {
  return {
    CONSOLE_DIR: path.join(root, 'services', 'console', 'dist'),
    PORTAL_DIR: path.join(root, 'services', 'portal', 'dist'),
  };
}

/** The checkout a service entry belongs to (`<root>/services/<name>/dist/main.js`). */
const rootOf = (entry: string) => path.resolve(path.dirname(entry), '..', '..', '..');

/** Every service logs one JSON line with msg "ready" once it serves. */
const READY = /"msg":"ready"/;

export async function startService(
  spec: ServiceSpec,
  env: NodeJS.ProcessEnv,
  logDir: string,
  timeoutMs = 60_000,
): Promise<ManagedProcess> {
  const logFile = `${logDir}/${spec.name}.log`;
  const offset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  // JSON in the log file whatever the caller's LOG_FORMAT: the ready line below, the tests and
  // `npm start`'s console (which pretty-prints it) read that file.
  // Every stack's gateway (npm start, the tests', the benchmark's) serves the apps of its checkout,
  // unless the environment or the spec names other folders.
  const webApps = spec.name === 'gateway' ? webAppDirs(rootOf(spec.entry)) : {};
  const proc = startProcess(spec.name, process.execPath, [spec.entry], {
    logDir,
    env: { ...webApps, ...env, LOG_FORMAT: 'json', ...spec.env },
  });
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline && exitCode === undefined) {
    const text = readFrom(logFile, offset);
    if (READY.test(text)) return proc;
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop();
  const why =
    exitCode === undefined ? `did not say it was ready within ${timeoutMs / 1000}s` : `exited with code ${exitCode}`;
  throw new StartupTimeoutError(
    `The ${spec.name} service`,
    timeoutMs / 1000,
    `It ${why}. Its log (${logFile}) ends with:\n${tail(logFile)}`,
  );
}

function readFrom(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
