// The Temporal dev server (`temporal server start-dev`) with its Web UI and our search attributes.
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_FLAGS } from '@helpdesk/contracts';
import { findTemporalCli } from './binaries';
import { MissingBinaryError, StartupTimeoutError } from './errors';
import { assertPortFree } from './ports';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';

export interface TemporalOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; omit for in-memory. */
  dbFile?: string;
  logDir: string;
  log?: (m: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporal(opts: TemporalOptions): Promise<RunningTemporal> {
  await assertPortFree(opts.port, 'the Temporal dev server', 'TEMPORAL_PORT');
  await assertPortFree(opts.uiPort, 'the Temporal Web UI', 'TEMPORAL_UI_PORT');
  const cli = findTemporalCli(opts.log ? { log: opts.log } : {});
  if (!cli) {
    throw new MissingBinaryError(
      'The Temporal CLI',
      'Install Go (the stack then builds github.com/temporalio/cli v1.5.1), put `temporal` on PATH, or set TEMPORAL_CLI_PATH.',
    );
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTE_FLAGS.flatMap((sa) => ['--search-attribute', sa]),
    // A file-backed server runs at half the in-memory rate with SQLite's defaults; a write-ahead
    // log and normal syncing restore it (a crash may lose the last instant, never corrupt it).
    ...(opts.dbFile
      ? ['--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']
      : []),
  ];
  const proc = startProcess('temporal', cli, args, { logDir: opts.logDir });
  const address = `127.0.0.1:${opts.port}`;
  await waitForTemporal(address, proc, 60_000);
  return { address, uiUrl: `http://127.0.0.1:${opts.uiPort}`, process: proc, stop: () => proc.stop() };
}

/** Ready means the frontend answers and the default namespace is registered. */
async function waitForTemporal(address: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await proc.stop();
  throw new StartupTimeoutError(
    'The Temporal dev server',
    timeoutMs / 1000,
    `Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`,
  );
}
