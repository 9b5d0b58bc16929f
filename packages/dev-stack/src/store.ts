// The MongoDB wire-compatible store, chosen by STORE (see selectedStoreKind): SecantusDB by
// default, mongod when the machine has one, FerretDB v1 on SQLite on request.
import fs from 'node:fs';
import path from 'node:path';
import { findStoreBinary } from './binaries';
import type { StoreBinary, StoreKind } from './binaries';
import { StackError, StartupTimeoutError } from './errors';
import { assertPortFree, freePort, waitForPort } from './ports';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';
import { startWriteGate } from './write-gate';

export interface StoreOptions {
  port: number;
  dataDir: string;
  logDir: string;
  database?: string;
  /** Default: STORE, see selectedStoreKind. */
  kind?: StoreKind;
  /**
   * Sync every commit to disk, so a killed store loses no acknowledged write (SecantusDB otherwise
   * loses the last few milliseconds to a SIGKILL). For data kept across runs; costs ~0.3 ms a write.
   */
  durable?: boolean;
  log?: (m: string) => void;
}

export interface RunningStore {
  kind: StoreKind;
  /** The server program, e.g. …/secantusd-rs. */
  binary: string;
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Which server wrote the files in a data folder, by the files each one leaves. */
function kindOfData(dir: string): StoreKind | undefined {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  if (files.some((f) => f.startsWith('secantus_'))) return 'secantus';
  if (files.includes('storage.bson') || files.includes('mongod.lock')) return 'mongod';
  if (files.some((f) => f.endsWith('.sqlite'))) return 'ferretdb';
  return undefined;
}

function argsFor(bin: StoreBinary, opts: StoreOptions, dataDir: string): string[] {
  switch (bin.kind) {
    case 'mongod':
      return ['--dbpath', dataDir, '--port', String(opts.port), '--bind_ip', '127.0.0.1', '--quiet'];
    case 'ferretdb':
      return [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        `--listen-addr=127.0.0.1:${opts.port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ];
    case 'secantus': {
      // An empty config file of our own: secantusd otherwise reads ./secantusd.toml or
      // ~/.secantus/secantusd.toml, whose settings (auth, standalone) would change the stack.
      const config = path.join(dataDir, 'secantusd.toml');
      if (!fs.existsSync(config)) fs.writeFileSync(config, '# Settings come from the dev stack as flags.\n');
      // Not --standalone: the single-node replica set it advertises by default is what the driver
      // needs for transactions and change streams, and a plain mongodb://host:port URL finds it.
      return [
        '--config',
        config,
        '--host',
        '127.0.0.1',
        '--port',
        String(opts.port),
        '--storage-path',
        dataDir,
        '--log-level',
        'WARNING',
        ...(opts.durable ? ['--sync-on-commit'] : []),
      ];
    }
  }
}

export async function startStore(opts: StoreOptions): Promise<RunningStore> {
  await assertPortFree(opts.port, 'the MongoDB-compatible store', 'MONGO_PORT');
  const bin = findStoreBinary({ ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.log ? { log: opts.log } : {}) });
  const dataDir = path.resolve(opts.dataDir);
  const existing = kindOfData(dataDir);
  if (existing && existing !== bin.kind) {
    // Their files don't mix: one would ignore or misread the other's data.
    throw new StackError(
      `${dataDir} holds ${existing} data, and the selected store is ${bin.kind}. ` +
        `Start with STORE=${existing} to use that data, or move the folder away to start afresh with ${bin.kind}.`,
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  // FerretDB listens behind the write gate (write-gate.ts), which takes the stack's port.
  const serverPort = bin.kind === 'ferretdb' ? await freePort() : opts.port;
  const proc = startProcess(bin.kind, bin.path, argsFor(bin, { ...opts, port: serverPort }, dataDir), {
    logDir: opts.logDir,
  });
  // A server that exits at once (a locked data folder, a bad flag) says so now, not in 30 s.
  const up = await Promise.race([waitForPort(serverPort, 30_000), proc.exited.then(() => false)]);
  if (!up) {
    await proc.stop();
    throw new StartupTimeoutError(bin.kind, 30, `Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`);
  }
  const url = `mongodb://127.0.0.1:${opts.port}/${opts.database ?? 'helpdesk'}`;
  if (bin.kind !== 'ferretdb') return { kind: bin.kind, binary: bin.path, url, process: proc, stop: () => proc.stop() };
  const gate = await startWriteGate({ port: opts.port, upstreamPort: serverPort });
  // The gate goes with the server (killed or stopped), so a restart finds the port free.
  void proc.exited.then(() => gate.close());
  const stop = async () => {
    await proc.stop();
    await gate.close();
  };
  return { kind: bin.kind, binary: bin.path, url, process: { ...proc, stop }, stop };
}

/**
 * A database of a test's own: on the server MONGO_URL names when one is given (CI's, or a real
 * mongod), else on a store started here in `dataDir` (stopped by `stop`).
 */
export async function privateDatabase(opts: {
  dataDir: string;
  database: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const shared = process.env.MONGO_URL;
  if (shared) return { url: shared.replace(/\/[^/?]*(\?|$)/, `/${opts.database}$1`), stop: async () => undefined };
  const running = await startStore({
    port: await freePort(),
    dataDir: path.join(opts.dataDir, 'store'),
    logDir: opts.dataDir,
    database: opts.database,
  });
  return { url: running.url, stop: () => running.stop() };
}
