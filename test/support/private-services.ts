// Services a test owns: its own worker and gateway on a private task queue, so it can kill and
// restart them without disturbing the shared stack other tests use.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@helpdesk/dev-stack';
import type { ManagedProcess } from '@helpdesk/dev-stack';
import { startService } from '@helpdesk/dev-stack';
import { stack } from './api';
import { seedDirectoryAt } from './directory';
import { serviceSpecs } from './stack-config';

export interface PrivateServices {
  gateway: string;
  taskQueue: string;
  /** What a service said in its "ready" log line (e.g. the notifier's smtpPort). */
  ready(name: string): Record<string, unknown>;
  kill(name: string): Promise<void>;
  start(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `database`: give the services a database of their own on the shared store, so a test can change
 * settings without touching the tickets of other tests.
 */
export async function startPrivateServices(
  names: string[],
  opts: { database?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<PrivateServices & { mongoUrl: string }> {
  const s = stack();
  const mongoUrl = opts.database ? s.mongo.replace(/\/[^/?]+(\?|$)/, `/${opts.database}$1`) : s.mongo;
  const taskQueue = `private-${randomUUID()}`;
  const port = await freePort();
  const logDir = fs.mkdtempSync(path.join(s.dataDir, 'private-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: s.temporal,
    MONGO_URL: mongoUrl,
    SMTP_URL: s.smtp,
    AUTH_JWT_SECRET: s.jwtSecret,
    TICKETS_TASK_QUEUE: taskQueue,
    PORT: String(port),
    INBOUND_SMTP_PORT: '0',
    INBOUND_HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  // A private database starts with an empty directory: the same agents as the shared stack's.
  if (opts.database) await seedDirectoryAt(mongoUrl);
  const specs = new Map(serviceSpecs().map((spec) => [spec.name, spec]));
  const running = new Map<string, ManagedProcess>();
  const start = async (name: string) => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`unknown service ${name}`);
    running.set(name, await startService(spec, env, logDir));
  };
  await Promise.all(names.map(start));
  return {
    mongoUrl,
    gateway: `http://127.0.0.1:${port}`,
    ready(name) {
      const lines = fs.readFileSync(path.join(logDir, `${name}.log`), 'utf8').split('\n');
      const line = lines.reverse().find((l) => l.includes('"msg":"ready"'));
      if (!line) throw new Error(`${name} has not said it is ready`);
      return JSON.parse(line) as Record<string, unknown>;
    },
    taskQueue,
    start,
    async kill(name) {
      const proc = running.get(name);
      if (!proc) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
      await proc.stop();
      running.delete(name);
    },
    async stop() {
      await Promise.all([...running.values()].map((p) => p.stop()));
      running.clear();
    },
  };
}
