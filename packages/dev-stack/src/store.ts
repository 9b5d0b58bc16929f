// The MongoDB wire-compatible store: mongod when the machine has it, else FerretDB v1 on SQLite.
import fs from 'node:fs';
import path from 'node:path';
import { findStoreBinary } from './binaries';
import { StartupTimeoutError } from './errors';
import { assertPortFree, waitForPort } from './ports';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';

export interface StoreOptions {
  port: number;
  dataDir: string;
  logDir: string;
  database?: string;
  log?: (m: string) => void;
}

export interface RunningStore {
  kind: 'mongod' | 'ferretdb';
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startStore(opts: StoreOptions): Promise<RunningStore> {
  await assertPortFree(opts.port, 'the MongoDB-compatible store', 'MONGO_PORT');
  const bin = findStoreBinary(opts.log ? { log: opts.log } : {});
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const args =
    bin.kind === 'mongod'
      ? ['--dbpath', opts.dataDir, '--port', String(opts.port), '--bind_ip', '127.0.0.1', '--quiet']
      : [
          '--handler=sqlite',
          `--sqlite-url=file:${path.resolve(opts.dataDir)}/`,
          `--state-dir=${path.resolve(opts.dataDir)}`,
          `--listen-addr=127.0.0.1:${opts.port}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ];
  const proc = startProcess(bin.kind, bin.path, args, { logDir: opts.logDir });
  if (!(await waitForPort(opts.port, 30_000))) {
    await proc.stop();
    throw new StartupTimeoutError(bin.kind, 30, `Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`);
  }
  const url = `mongodb://127.0.0.1:${opts.port}/${opts.database ?? 'helpdesk'}`;
  return { kind: bin.kind, url, process: proc, stop: () => proc.stop() };
}
