// The production-like Temporal: the Temporal server itself (go.temporal.io/server) on PostgreSQL,
// with its schemas applied by Temporal's own SQL tool, the `default` namespace and our search
// attributes registered — what a cluster runs, on one machine. `TEMPORAL=postgres` selects it
// (see selectedTemporalKind); the dev server stays the default.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_FLAGS } from '@helpdesk/contracts';
import Long from 'long';
import YAML from 'yaml';
import { findPostgres, findTemporalServer } from './binaries';
import { StackError, StartupTimeoutError } from './errors';
import { assertPortFree, freePort, isPortFree, waitForPort } from './ports';
import { startProcess, tail } from './processes';
import type { ManagedProcess } from './processes';
import type { RunningTemporal } from './temporal';

export type TemporalKind = 'dev' | 'postgres';
export const TEMPORAL_KINDS: readonly TemporalKind[] = ['dev', 'postgres'];

/** TEMPORAL=dev (the CLI's dev server, default) or TEMPORAL=postgres (the server on PostgreSQL). */
export function selectedTemporalKind(env: NodeJS.ProcessEnv = process.env): TemporalKind {
  const chosen = env.TEMPORAL?.trim().toLowerCase() || 'dev';
  if ((TEMPORAL_KINDS as readonly string[]).includes(chosen)) return chosen as TemporalKind;
  throw new StackError(
    `TEMPORAL=${env.TEMPORAL} is not a Temporal the stack can start: use TEMPORAL=dev or TEMPORAL=postgres.`,
  );
}

/** TEMPORAL_SHARDS: history shards of a new server (fixed for its life; the dev server has 1). */
export function selectedShardCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEMPORAL_SHARDS?.trim() || '4';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16_384)
    throw new StackError(`TEMPORAL_SHARDS=${raw} is not a shard count: use a whole number from 1 to 16384.`);
  return n;
}

export interface PostgresOptions {
  port: number;
  /** The cluster's folder; created by initdb the first time. */
  dataDir: string;
  logDir: string;
  /** fsync every commit (kept data); off for throwaway test stacks. */
  durable: boolean;
}

/** The PostgreSQL role Temporal connects as (trust authentication on loopback only). */
const PG_USER = 'temporal';

/**
 * When the stack runs as root (CI containers), PostgreSQL must run as another user: Debian's
 * package creates `postgres`. The cluster's folder, and the folders above it, must be reachable.
 */
function postgresUser(dataDir: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids: string[];
  try {
    ids = execFileSync('id', ['postgres'], { encoding: 'utf8' }).match(/\d+/g) ?? [];
  } catch {
    throw new StackError(
      "PostgreSQL cannot run as root and this machine has no `postgres` user: install Debian's postgresql package, or run the stack as another user.",
    );
  }
  const [uid, gid] = ids.map(Number);
  if (uid === undefined || gid === undefined) throw new StackError("Could not read the postgres user's ids.");
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
  return { uid, gid };
}

export async function startPostgres(opts: PostgresOptions): Promise<ManagedProcess> {
  await assertPortFree(opts.port, "PostgreSQL (Temporal's database)", 'TEMPORAL_PG_PORT');
  const bin = findPostgres();
  const user = postgresUser(opts.dataDir);
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    if (user) fs.chownSync(opts.dataDir, user.uid, user.gid);
    const init = spawnSync(
      bin.initdb,
      [
        '-D',
        opts.dataDir,
        '-U',
        PG_USER,
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        ...(opts.durable ? [] : ['--no-sync']),
      ],
      { encoding: 'utf8', ...(user ?? {}) },
    );
    if (init.status !== 0) throw new StackError(`initdb ${opts.dataDir} failed:\n${init.stderr || init.stdout}`);
  }
  const proc = startProcess(
    'postgres',
    bin.postgres,
    [
      '-D',
      opts.dataDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in a folder the postgres user may not write.
      '-c',
      'unix_socket_directories=',
      // Four Temporal services, each with a pool to both databases.
      '-c',
      'max_connections=300',
      ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    { logDir: opts.logDir, ...(user ? { user } : {}) },
  );
  if (!(await waitForPort(opts.port, 30_000))) {
    await proc.stop();
    throw new StartupTimeoutError('PostgreSQL', 30, `Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`);
  }
  return proc;
}

export interface TemporalServerOptions {
  /** The frontend's gRPC port (what clients and workers connect to). */
  port: number;
  pgPort: number;
  /** Where the server's config files go. */
  dataDir: string;
  logDir: string;
  /** History shards: fixed when the database is first set up. */
  shards: number;
  log?: (m: string) => void;
}

/** The ports of the server's four services, chosen once so a restart finds them the same. */
export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/**
 * A free port below 32768: the server records membership ports in a PostgreSQL smallint, and the
 * OS hands out ephemeral ports above it.
 */
async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await isPortFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new StackError("No free port between 20000 and 32000 for the Temporal server's membership.");
}

export async function temporalServerPorts(frontend: number): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  return {
    frontend,
    frontendHttp: await freePort(),
    frontendMembership: await freeMembershipPort(taken),
    history: await freePort(),
    historyMembership: await freeMembershipPort(taken),
    matching: await freePort(),
    matchingMembership: await freeMembershipPort(taken),
    worker: await freePort(),
    workerMembership: await freeMembershipPort(taken),
  };
}

const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal', maxConns: 20 },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility', maxConns: 10 },
] as const;

/**
 * Both databases at the newest schema of this server version: created and set up the first time,
 * brought up to date (a no-op when current) on every start, as an upgrade would.
 */
function applySchemas(sqlTool: string, pgPort: number, marker: string): void {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pgPort), '-u', PG_USER];
  const run = (db: string, args: string[]) => {
    const r = spawnSync(sqlTool, [...base, '--db', db, ...args], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new StackError(`temporal sql tool ${args[0]} on ${db} failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  };
  const fresh = !fs.existsSync(marker);
  for (const db of DATABASES) {
    if (fresh) {
      run(db.name, ['create-database']);
      run(db.name, ['setup-schema', '-v', '0.0']);
    }
    run(db.name, ['update-schema', '--schema-name', db.schema]);
  }
  if (fresh) fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
}

function serverConfig(opts: TemporalServerOptions, ports: TemporalServerPorts, dynamicConfigFile: string): unknown {
  const datastore = (db: (typeof DATABASES)[number]) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: db.name,
      connectAddr: `127.0.0.1:${opts.pgPort}`,
      connectProtocol: 'tcp',
      user: PG_USER,
      password: '',
      maxConns: db.maxConns,
      maxIdleConns: db.maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, number> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: opts.shards,
      datastores: { default: datastore(DATABASES[0]), visibility: datastore(DATABASES[1]) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * The server's dynamic config (what differs from its defaults, and why), shipped with this package
 * in temporal/dynamicconfig.yaml: the one file docker-compose.yml mounts into its server too.
 */
export const DYNAMIC_CONFIG_FILE = path.resolve(__dirname, '..', 'temporal', 'dynamicconfig.yaml');

/** The dynamic config file, checked before the server is pointed at it (it polls the file). */
function checkedDynamicConfigFile(): string {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(DYNAMIC_CONFIG_FILE, 'utf8'));
  } catch (err) {
    throw new StackError(
      `The Temporal server's dynamic config ${DYNAMIC_CONFIG_FILE} could not be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.values(parsed).every((v) => Array.isArray(v) && v.every((c) => typeof c === 'object' && c && 'value' in c));
  if (!valid)
    throw new StackError(
      `The Temporal server's dynamic config ${DYNAMIC_CONFIG_FILE} is not a map of keys to lists of { value, constraints }.`,
    );
  return DYNAMIC_CONFIG_FILE;
}

export async function startTemporalServer(
  opts: TemporalServerOptions,
  ports: TemporalServerPorts,
): Promise<RunningTemporal> {
  await assertPortFree(opts.port, 'the Temporal server', 'TEMPORAL_PORT');
  const bin = findTemporalServer(opts.log ? { log: opts.log } : {});
  fs.mkdirSync(opts.dataDir, { recursive: true });
  applySchemas(bin.sqlTool, opts.pgPort, path.join(opts.dataDir, 'temporal-schema-ready'));
  const dynamicConfigFile = checkedDynamicConfigFile();
  const configFile = path.join(opts.dataDir, 'temporal-server.yaml');
  fs.writeFileSync(configFile, YAML.stringify(serverConfig(opts, ports, dynamicConfigFile)));
  const proc = startProcess('temporal', bin.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    logDir: opts.logDir,
  });
  const address = `127.0.0.1:${opts.port}`;
  await registerDefaultNamespace(address, proc, 90_000);
  // The server has no Web UI of its own (a cluster runs temporalio/ui beside it): none here.
  return { address, uiUrl: '', process: proc, stop: () => proc.stop() };
}

/** Ready means the frontend answers and `default` exists with our search attributes. */
async function registerDefaultNamespace(address: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  let lastError = '';
  while (Date.now() < deadline && !exited) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await ensureNamespace(connection);
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await proc.stop();
  throw new StartupTimeoutError(
    'The Temporal server',
    timeoutMs / 1000,
    `Last error: ${lastError}. Its log (${proc.logFile}) ends with:\n${tail(proc.logFile)}`,
  );
}

const ALREADY_EXISTS = 6;
const isAlreadyExists = (err: unknown) => (err as { code?: number }).code === ALREADY_EXISTS;

async function ensureNamespace(connection: Connection): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace: 'default',
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(7 * 24 * 3600) },
    });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  // Registration reaches every service with the namespace cache's refresh (2 s by default).
  await connection.workflowService.describeNamespace({ namespace: 'default' });
  const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
  const wanted = Object.fromEntries(SEARCH_ATTRIBUTE_FLAGS.map((flag) => [flag.split('=')[0] ?? flag, KEYWORD]));
  const existing = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
  const missing = Object.fromEntries(
    Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))),
  );
  if (Object.keys(missing).length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: missing });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  // Fails (and is retried) until the frontend's namespace cache knows `default`.
  await connection.workflowService.listWorkflowExecutions({ namespace: 'default', pageSize: 1 });
}
