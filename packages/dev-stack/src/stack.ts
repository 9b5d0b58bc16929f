// The whole development stack in one call: Temporal + UI, the store, the SMTP sink, then the
// services. `npm start`, the test setup and the benchmark all start it through here.
import path from 'node:path';
import type { StoreKind } from './binaries';
import { freePort } from './ports';
import type { ManagedProcess } from './processes';
import { startMailSink } from './mail';
import type { RunningMailSink } from './mail';
import { startService } from './services';
import type { ServiceSpec } from './services';
import { startStore } from './store';
import type { RunningStore } from './store';
import { Component } from './supervisor';
import type { Backoff } from './supervisor';
import { startTemporal } from './temporal';
import type { RunningTemporal } from './temporal';
import {
  selectedShardCount,
  selectedTemporalKind,
  startPostgres,
  startTemporalServer,
  temporalServerPorts,
} from './temporal-server';
import type { TemporalKind } from './temporal-server';

export interface StackOptions {
  dataDir: string;
  /** Keep Temporal's state in a file under dataDir so workflows survive a restart. */
  persistent: boolean;
  /** 0 or undefined: a free port. */
  ports?: Partial<
    Record<
      | 'temporal'
      | 'temporalUi'
      | 'temporalPg'
      | 'mongo'
      | 'smtp'
      | 'mailUi'
      | 'gateway'
      | 'inboundSmtp'
      | 'inboundHttp',
      number
    >
  >;
  /**
   * Which Temporal: the CLI's dev server (default) or the Temporal server on PostgreSQL with that
   * many history shards. Default: TEMPORAL and TEMPORAL_SHARDS.
   */
  temporal?: { kind: TemporalKind; shards?: number };
  /** Use this store instead of starting one. */
  mongoUrl?: string;
  services: ServiceSpec[];
  /** Extra environment for the services. */
  env?: NodeJS.ProcessEnv;
  log?: (m: string) => void;
  /** Told when each part starts and when it is up (after `ms`), for a console that shows progress. */
  progress?: (name: ComponentName, state: 'starting' | 'ready', ms: number) => void;
  /** Start again whatever dies on its own (a service, Temporal, the store), with backoff, logged. */
  supervise?: boolean;
  backoff?: Backoff;
}

/** What the stack runs, by name: `temporal` (and its `postgres`), `store`, `mail` and each service. */
export type ComponentName = 'temporal' | 'postgres' | 'store' | 'mail' | (string & {});

export interface RunningStack {
  env: NodeJS.ProcessEnv;
  urls: {
    gateway: string;
    temporal: string;
    temporalUi: string;
    mongo: string;
    mailUi: string;
    smtp: string;
    inboundSmtp: string;
    inboundHttp: string;
  };
  logDir: string;
  /** Which Temporal runs (and its history shards). */
  temporal: { kind: TemporalKind; shards: number };
  /** The store the stack started; undefined when it was given mongoUrl. */
  store: { kind: StoreKind; binary: string } | undefined;
  services: Map<string, ManagedProcess>;
  /** Stop a service and start it again (a deploy, or a crash and recovery). */
  restartService(name: string, how?: 'graceful' | 'kill'): Promise<void>;
  stopService(name: string, how?: 'graceful' | 'kill'): Promise<void>;
  startService(name: string): Promise<void>;
  /** SIGKILL a part of the stack, as a crash would; supervised, it comes back by itself. */
  kill(name: ComponentName): Promise<void>;
  /** Start a killed part again (at once, also when supervised). */
  start(name: ComponentName): Promise<void>;
  /** The process id of a running part, undefined while it is down. */
  pid(name: ComponentName): number | undefined;
  stop(): Promise<void>;
}

const pick = async (port: number | undefined) => (port && port > 0 ? port : freePort());

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const logDir = path.join(opts.dataDir, 'logs');
  const components = new Map<string, Component>();
  const component = (name: string): Component => {
    const c = components.get(name);
    if (!c) throw new Error(`unknown part of the stack: ${name}`);
    return c;
  };
  /** Start a part of the stack as a component (supervised if asked), and keep it by name. */
  const run = async (
    name: string,
    start: () => Promise<ManagedProcess>,
    onStart?: (proc: ManagedProcess) => void,
  ): Promise<Component> => {
    const c = new Component({
      name,
      start,
      supervise: opts.supervise ?? false,
      log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)),
      ...(onStart ? { onStart } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    // Kept before it is up, so a failure elsewhere during start-up stops it too.
    components.set(name, c);
    const began = Date.now();
    opts.progress?.(name, 'starting', 0);
    await c.start();
    opts.progress?.(name, 'ready', Date.now() - began);
    return c;
  };
  const services = new Map<string, ManagedProcess>();
  const serviceNames = new Set(opts.services.map((s) => s.name));
  const stopAll = async () => {
    // Services first, then what they depend on.
    const all = [...components.values()];
    for (const c of all) c.standDown();
    await Promise.all(all.filter((c) => serviceNames.has(c.name)).map((c) => c.stop().catch(() => undefined)));
    for (const c of all.filter((c) => !serviceNames.has(c.name)).reverse()) await c.stop().catch(() => undefined);
    components.clear();
    services.clear();
  };
  try {
    const ports = {
      temporal: await pick(opts.ports?.temporal),
      temporalUi: await pick(opts.ports?.temporalUi),
      mongo: await pick(opts.ports?.mongo),
      smtp: await pick(opts.ports?.smtp),
      mailUi: await pick(opts.ports?.mailUi),
    };
    // Each start function also serves a restart: same ports, same data.
    let temporal: RunningTemporal | undefined;
    let store: RunningStore | undefined;
    let mail: RunningMailSink | undefined;
    const temporalKind = opts.temporal?.kind ?? selectedTemporalKind();
    const shards = temporalKind === 'dev' ? 1 : (opts.temporal?.shards ?? selectedShardCount());
    const startDevServer = async () => {
      temporal = await startTemporal({
        port: ports.temporal,
        uiPort: ports.temporalUi,
        logDir,
        ...(opts.persistent ? { dbFile: path.join(opts.dataDir, 'temporal.db') } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
      return temporal.process;
    };
    /** PostgreSQL, then the server on it: two parts, each restartable on its own. */
    const startServerOnPostgres = async () => {
      const pgPort = await pick(opts.ports?.temporalPg);
      const serverPorts = await temporalServerPorts(ports.temporal);
      await run('postgres', () =>
        startPostgres({
          port: pgPort,
          dataDir: path.join(opts.dataDir, 'postgres'),
          logDir,
          durable: opts.persistent,
        }),
      );
      await run('temporal', async () => {
        temporal = await startTemporalServer(
          {
            port: ports.temporal,
            pgPort,
            dataDir: path.join(opts.dataDir, 'temporal-server'),
            logDir,
            shards,
            ...(opts.log ? { log: opts.log } : {}),
          },
          serverPorts,
        );
        return temporal.process;
      });
    };
    await Promise.all([
      temporalKind === 'dev' ? run('temporal', startDevServer) : startServerOnPostgres(),
      opts.mongoUrl
        ? Promise.resolve(undefined)
        : run('store', async () => {
            store = await startStore({
              port: ports.mongo,
              dataDir: path.join(opts.dataDir, 'store'),
              logDir,
              durable: opts.persistent,
              ...(opts.log ? { log: opts.log } : {}),
            });
            return store.process;
          }),
      run('mail', async () => {
        mail = await startMailSink({
          smtpPort: ports.smtp,
          webPort: ports.mailUi,
          mailDir: path.join(opts.dataDir, 'mail'),
          logDir,
        });
        return mail.process;
      }),
    ]);
    if (!temporal || !mail) throw new Error('the stack did not start');
    const mongoUrl = opts.mongoUrl ?? store?.url ?? '';
    // The services' ports are picked once Temporal, the store and the mail sink are up: the dev
    // server binds and connects on ports of the system's choosing while it starts, and one of them
    // took a gateway port picked before it (EADDRINUSE, seen in CI).
    const servicePorts = {
      gateway: await pick(opts.ports?.gateway),
      inboundSmtp: await pick(opts.ports?.inboundSmtp),
      inboundHttp: await pick(opts.ports?.inboundHttp),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      MONGO_URL: mongoUrl,
      SMTP_URL: mail.smtpUrl,
      PORT: String(servicePorts.gateway),
      // Links in mail (satisfaction ratings) point at this stack's gateway.
      PUBLIC_URL: `http://127.0.0.1:${servicePorts.gateway}`,
      INBOUND_SMTP_PORT: String(servicePorts.inboundSmtp),
      INBOUND_HTTP_PORT: String(servicePorts.inboundHttp),
      ...opts.env,
    };
    const specs = new Map(opts.services.map((s) => [s.name, s]));
    const start = async (name: string) => {
      const existing = components.get(name);
      if (existing) return existing.start();
      const spec = specs.get(name);
      if (!spec) throw new Error(`unknown service ${name}`);
      await run(
        name,
        () => startService(spec, env, logDir),
        (proc) => services.set(name, proc),
      );
    };
    const stopService = async (name: string, how: 'graceful' | 'kill' = 'graceful') => {
      const c = components.get(name);
      if (!c || !serviceNames.has(name)) return;
      await c.stop(how);
      services.delete(name);
    };
    await Promise.all(opts.services.map((s) => start(s.name)));
    return {
      env,
      logDir,
      temporal: { kind: temporalKind, shards },
      store: store ? { kind: store.kind, binary: store.binary } : undefined,
      services,
      urls: {
        gateway: `http://127.0.0.1:${servicePorts.gateway}`,
        temporal: temporal.address,
        temporalUi: temporal.uiUrl,
        mongo: mongoUrl,
        mailUi: mail.webUrl,
        smtp: mail.smtpUrl,
        inboundSmtp: `smtp://127.0.0.1:${servicePorts.inboundSmtp}`,
        inboundHttp: `http://127.0.0.1:${servicePorts.inboundHttp}/inbound/mail`,
      },
      restartService: async (name, how = 'graceful') => {
        await stopService(name, how);
        await start(name);
      },
      stopService,
      startService: start,
      kill: (name) => component(name).kill(),
      start: (name) => component(name).start(),
      pid: (name) => {
        const c = component(name);
        return c.running ? c.process?.child.pid : undefined;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
