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
import { startTemporal } from './temporal';
import type { RunningTemporal } from './temporal';

export interface StackOptions {
  dataDir: string;
  /** Keep Temporal's state in a file under dataDir so workflows survive a restart. */
  persistent: boolean;
  /** 0 or undefined: a free port. */
  ports?: Partial<Record<'temporal' | 'temporalUi' | 'mongo' | 'smtp' | 'mailUi' | 'gateway' | 'inboundSmtp' | 'inboundHttp', number>>;
  /** Use this store instead of starting one. */
  mongoUrl?: string;
  services: ServiceSpec[];
  /** Extra environment for the services. */
  env?: NodeJS.ProcessEnv;
  log?: (m: string) => void;
}

export interface RunningStack {
  env: NodeJS.ProcessEnv;
  urls: { gateway: string; temporal: string; temporalUi: string; mongo: string; mailUi: string; smtp: string; inboundSmtp: string; inboundHttp: string };
  logDir: string;
  /** The store the stack started; undefined when it was given mongoUrl. */
  store: { kind: StoreKind; binary: string } | undefined;
  services: Map<string, ManagedProcess>;
  /** Stop a service and start it again (a deploy, or a crash and recovery). */
  restartService(name: string, how?: 'graceful' | 'kill'): Promise<void>;
  stopService(name: string, how?: 'graceful' | 'kill'): Promise<void>;
  startService(name: string): Promise<void>;
  stop(): Promise<void>;
}

const pick = async (port: number | undefined) => (port && port > 0 ? port : freePort());

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const logDir = path.join(opts.dataDir, 'logs');
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };
  try {
    const ports = {
      temporal: await pick(opts.ports?.temporal),
      temporalUi: await pick(opts.ports?.temporalUi),
      mongo: await pick(opts.ports?.mongo),
      smtp: await pick(opts.ports?.smtp),
      mailUi: await pick(opts.ports?.mailUi),
      gateway: await pick(opts.ports?.gateway),
      inboundSmtp: await pick(opts.ports?.inboundSmtp),
      inboundHttp: await pick(opts.ports?.inboundHttp),
    };
    const [temporal, store, mail] = await Promise.all([
      startTemporal({
        port: ports.temporal,
        uiPort: ports.temporalUi,
        logDir,
        ...(opts.persistent ? { dbFile: path.join(opts.dataDir, 'temporal.db') } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      }).then((t: RunningTemporal) => (started.push(t), t)),
      opts.mongoUrl
        ? Promise.resolve(undefined)
        : startStore({
            port: ports.mongo,
            dataDir: path.join(opts.dataDir, 'store'),
            logDir,
            durable: opts.persistent,
            ...(opts.log ? { log: opts.log } : {}),
          }).then(
            (s: RunningStore) => (started.push(s), s),
          ),
      startMailSink({ smtpPort: ports.smtp, webPort: ports.mailUi, mailDir: path.join(opts.dataDir, 'mail'), logDir }).then(
        (m: RunningMailSink) => (started.push(m), m),
      ),
    ]);
    const mongoUrl = opts.mongoUrl ?? store?.url ?? '';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      MONGO_URL: mongoUrl,
      SMTP_URL: mail.smtpUrl,
      PORT: String(ports.gateway),
      INBOUND_SMTP_PORT: String(ports.inboundSmtp),
      INBOUND_HTTP_PORT: String(ports.inboundHttp),
      ...opts.env,
    };
    const services = new Map<string, ManagedProcess>();
    const specs = new Map(opts.services.map((s) => [s.name, s]));
    const start = async (name: string) => {
      const spec = specs.get(name);
      if (!spec) throw new Error(`unknown service ${name}`);
      services.set(name, await startService(spec, env, logDir));
    };
    const stopService = async (name: string, how: 'graceful' | 'kill' = 'graceful') => {
      const proc = services.get(name);
      if (!proc) return;
      if (how === 'kill') {
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
      await proc.stop();
      services.delete(name);
    };
    started.push({ stop: async () => Promise.all([...services.keys()].map((n) => stopService(n))).then(() => undefined) });
    await Promise.all(opts.services.map((s) => start(s.name)));
    return {
      env,
      logDir,
      store: store ? { kind: store.kind, binary: store.binary } : undefined,
      services,
      urls: {
        gateway: `http://127.0.0.1:${ports.gateway}`,
        temporal: temporal.address,
        temporalUi: temporal.uiUrl,
        mongo: mongoUrl,
        mailUi: mail.webUrl,
        smtp: mail.smtpUrl,
        inboundSmtp: `smtp://127.0.0.1:${ports.inboundSmtp}`,
        inboundHttp: `http://127.0.0.1:${ports.inboundHttp}/inbound/mail`,
      },
      restartService: async (name, how = 'graceful') => {
        await stopService(name, how);
        await start(name);
      },
      stopService,
      startService: start,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
