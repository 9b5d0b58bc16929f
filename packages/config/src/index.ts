// Configuration comes from the environment and is checked once, at start-up: a service with a bad
// setting refuses to start and says which variable is wrong, instead of failing on first use.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

const ZConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TICKETS_TASK_QUEUE: z.string().min(1).default('tickets'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017/helpdesk'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// URL').default('smtp://127.0.0.1:1025'),
  AUTH_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-secret-change-me-please'),
  PORT: port.default(3000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1).default(10 * 1024 * 1024),
  /** Inbound mail: the collector's SMTP port and its raw-message HTTP endpoint (0: any free port). */
  INBOUND_SMTP_PORT: port.default(2525),
  INBOUND_HTTP_PORT: port.default(3025),
  /**
   * Ticket workflows a worker keeps in memory between tasks. Past it the least recently used is
   * evicted and replayed from its history on its next task, so memory stays bounded however many
   * tickets are open (each cached ticket costs about 200 KB).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
  /**
   * The longest the gateway waits on Temporal for one request (a command's Update, a start, a
   * query): past it the answer is 504 with Retry-After, e.g. when no ticket worker is polling.
   */
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
  /** How long a store operation looks for a reachable server before failing (503 at the gateway). */
  MONGO_SERVER_SELECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_500),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export type Config = z.infer<typeof ZConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && config.AUTH_JWT_SECRET === 'dev-secret-change-me-please') {
    throw new ConfigError(['AUTH_JWT_SECRET: set a real secret in production']);
  }
  return config;
}

/** Minimal structured JSON logger: one line per record, with the service name on each. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The one line supervisors wait for ({"msg":"ready"}); printed whatever the level. */
  ready(fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export function createLogger(service: string, level: Config['LOG_LEVEL'] = 'info'): Logger {
  const min = LEVELS.indexOf(level);
  const write = (lvl: (typeof LEVELS)[number], always = false) => (msg: string, fields?: Record<string, unknown>) => {
    if (!always && LEVELS.indexOf(lvl) < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, service, msg, ...fields });
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  };
  const ready = write('info', true);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), ready: (fields) => ready('ready', fields) };
}

/**
 * Run a service's main(): a configuration or connection problem prints one clear JSON line and
 * exits 1 instead of a stack trace.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const connection = /ECONNREFUSED|connect|transport|unavailable|deadline/i.test(message);
    const hint = connection ? 'Check that Temporal (TEMPORAL_ADDRESS) and the store (MONGO_URL) are running and reachable.' : undefined;
    // A stack trace only when asked for: a person starting the service wants the reason and the fix.
    const stack = process.env.LOG_LEVEL === 'debug' && err instanceof Error ? err.stack : undefined;
    process.stderr.write(
      JSON.stringify({ time: new Date().toISOString(), level: 'error', service, msg: 'failed to start', error: message, ...(hint ? { hint } : {}), ...(stack ? { stack } : {}) }) + '\n',
    );
    process.exit(1);
  });
}
