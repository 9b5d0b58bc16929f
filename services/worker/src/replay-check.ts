// The "verify with replay" step of a deploy (docs/upgrade-runbook.md): before a new build is made
// the Current Version, the histories of the workflows running on the tickets task queue now are
// replayed against that build's workflow bundle. A change that would break a running ticket (a
// command added, removed or reordered without a patched() guard) fails here, with the ticket named,
// instead of in production. Read-only: it fetches histories and replays them in this process.
//
//   node services/worker/dist/replay-check.js [--bundle <workflow-bundle.js>] [--limit <n>] [--query <visibility query>]
//
// Exit code 0: every history replayed; 1: at least one did not (each is listed); 2: bad arguments.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { loadConfig, runMain } from '@helpdesk/config';

export interface ReplayCheckOptions {
  client: Client;
  /** The build to check (default: the bundle next to this file, i.e. this build's). */
  workflowBundle?: ReplayWorkerOptions['workflowBundle'];
  /** Which workflows to replay; default: those running on `taskQueue`. */
  query?: string;
  taskQueue?: string;
  /** At most this many histories (the most recently started first, as visibility lists them). */
  limit?: number;
}

export interface ReplayCheckResult {
  replayed: number;
  failures: { workflowId: string; runId: string; error: string }[];
}

export const runningOn = (taskQueue: string) => `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;

export async function replayCheck(opts: ReplayCheckOptions): Promise<ReplayCheckResult> {
  const query = opts.query ?? runningOn(opts.taskQueue ?? 'tickets');
  const limit = opts.limit ?? 1_000;
  const all = opts.client.workflow.list({ query }).intoHistories({ concurrency: 4 });
  async function* first() {
    let n = 0;
    for await (const h of all) {
      yield h;
      if (++n >= limit) return;
    }
  }
  const result: ReplayCheckResult = { replayed: 0, failures: [] };
  const workflowBundle = opts.workflowBundle ?? { codePath: path.join(__dirname, 'workflow-bundle.js') };
  for await (const r of Worker.runReplayHistories({ workflowBundle, replayName: 'replay-check' }, first())) {
    result.replayed++;
    if (r.error) result.failures.push({ workflowId: r.workflowId, runId: r.runId, error: r.error.message });
  }
  return result;
}

function parseArgs(argv: string[]): { bundle?: string; limit?: number; query?: string } {
  const args: { bundle?: string; limit?: number; query?: string } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--bundle') args.bundle = path.resolve(value);
    else if (flag === '--query') args.query = value;
    else if (flag === '--limit' && /^[1-9]\d*$/.test(value)) args.limit = Number(value);
    else throw new Error(`unknown or invalid argument: ${flag} ${value}`);
  }
  return args;
}

async function main() {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(
      `${String(err instanceof Error ? err.message : err)}\nusage: replay-check [--bundle <file>] [--limit <n>] [--query <q>]`,
    );
    process.exit(2);
  }
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const { replayed, failures } = await replayCheck({
      client,
      taskQueue: config.TICKETS_TASK_QUEUE,
      ...(args.bundle ? { workflowBundle: { codePath: args.bundle } } : {}),
      ...(args.query ? { query: args.query } : {}),
      ...(args.limit ? { limit: args.limit } : {}),
    });
    for (const f of failures) console.log(`FAIL ${f.workflowId} ${f.runId}: ${f.error}`);
    console.log(`${replayed} histories replayed, ${failures.length} failed`);
    process.exitCode = failures.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}

if (require.main === module) runMain('replay-check', main);
