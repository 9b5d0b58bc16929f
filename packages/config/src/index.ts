// Configuration comes from the environment and is checked once, at start-up: a service with a bad
// setting refuses to start and says which variable is wrong, instead of failing on first use.
import { z } from 'zod';
import { createLogger } from './logger';

export { createLogger, prettyLine, temporalLogger, temporalRuntimeOptions } from './logger';
export type { LogFields, LogFormat, LogLevel, Logger, LoggerOptions, TemporalLogLevel, TemporalLogger } from './logger';

const port = z.coerce.number().int().min(0).max(65_535);

const ZConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TICKETS_TASK_QUEUE: z.string().min(1).default('tickets'),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017/helpdesk'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// URL')
    .default('smtp://127.0.0.1:1025'),
  AUTH_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-secret-change-me-please'),
  PORT: port.default(3000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
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
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** json, or pretty for a person; unset: pretty when stdout is a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
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

/**
 * Run a service's main(): a configuration or connection problem prints one clear log line and
 * exits 1 instead of a stack trace.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const connection = /ECONNREFUSED|connect|transport|unavailable|deadline/i.test(message);
    const hint = connection
      ? 'Check that Temporal (TEMPORAL_ADDRESS) and the store (MONGO_URL) are running and reachable.'
      : undefined;
    // A stack trace only when asked for: a person starting the service wants the reason and the fix.
    const stack = process.env.LOG_LEVEL === 'debug' && err instanceof Error ? err.stack : undefined;
    // Only the format is taken from the environment: the rest of it may be what is wrong.
    const format =
      process.env.LOG_FORMAT === 'pretty' || process.env.LOG_FORMAT === 'json' ? process.env.LOG_FORMAT : undefined;
    createLogger(service, { format }).error('failed to start', {
      error: message,
      ...(hint ? { hint } : {}),
      ...(stack ? { stack } : {}),
    });
    process.exit(1);
  });
}
