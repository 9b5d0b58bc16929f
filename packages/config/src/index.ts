// Configuration comes from the environment and is checked once, at start-up: a service with a bad
// setting refuses to start and says which variable is wrong, instead of failing on first use.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createLogger } from './logger';

export { createLogger, prettyLine, temporalLogger, temporalRuntimeOptions } from './logger';
export type { LogFields, LogFormat, LogLevel, Logger, LoggerOptions, TemporalLogLevel, TemporalLogger } from './logger';

const port = z.coerce.number().int().min(0).max(65_535);

/** A folder of static files (an empty value counts as unset). */
const webAppDir = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .transform((p) => path.resolve(p))
    .refine((p) => !fs.existsSync(p) || fs.statSync(p).isDirectory(), 'must be a folder (the build of the web app)')
    .optional(),
);

/** Text checked by `inner`, without surrounding spaces; empty counts as unset (an env file's `NAME=` line). */
const optionalText = (inner: z.ZodString) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), inner.optional());

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
   * Worker Deployment Versioning (docs/upgrade-runbook.md): the ticket worker's deployment name and
   * this build's id. Both or neither; unset (the default), the worker is unversioned as before.
   * Set, it polls as `<name>.<build id>` and its workflows auto-upgrade to the Current Version.
   */
  WORKER_DEPLOYMENT_NAME: optionalText(
    z
      .string()
      .max(255)
      .regex(/^[^.:]+$/, "must not contain '.' or ':' (the server joins name and build id with a dot)"),
  ),
  WORKER_BUILD_ID: optionalText(
    z
      .string()
      .max(255)
      .refine((id) => id !== '__unversioned__', 'is reserved by Temporal'),
  ),
  /**
   * The longest the gateway waits on Temporal for one request (a command's Update, a start, a
   * query): past it the answer is 504 with Retry-After, e.g. when no ticket worker is polling.
   */
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
  /** How long a store operation looks for a reachable server before failing (503 at the gateway). */
  MONGO_SERVER_SELECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_500),
  /**
   * How long a viewer stays on a ticket after their last presence heartbeat (browsers send one
   * about every 10 s): a closed tab or a lost connection drops out this long after.
   */
  PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(600).default(30),
  /**
   * The builds of the web apps the gateway serves at /console/ and /portal/ (their Vite `dist`
   * folders); unset: those paths answer 404 saying so. Relative paths are taken from the current
   * directory. A folder not built yet is accepted (the gateway says so per request, and serves it
   * once built); a path that is something other than a folder is refused here.
   */
  CONSOLE_DIR: webAppDir,
  PORTAL_DIR: webAppDir,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** json, or pretty for a person; unset: pretty when stdout is a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  NODE_ENV: z.string().default('development'),
  // Sign-in (README "Sign-in"). Dev tokens: HS256 tokens signed with AUTH_JWT_SECRET, as
  // `npm run token` mints them; unset means on, except with NODE_ENV=production.
  AUTH_DEV_TOKENS: z.enum(['0', '1']).optional(),
  /** Signs the gateway's own access tokens; unset: a key derived from AUTH_JWT_SECRET (never the same key). */
  AUTH_ACCESS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  AUTH_REFRESH_TTL_DAYS: z.coerce.number().min(0.001).max(365).default(30),
  /** Failed sign-ins for one email within the window that lock it, for the window. */
  AUTH_LOCKOUT_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  AUTH_LOCKOUT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  AUTH_MAGIC_LINK_TTL_MINUTES: z.coerce.number().min(0.01).max(1_440).default(15),
  /** The page a magic link opens (the requester portal's); the token is appended as `?token=` (the page POSTs it to /v1/auth/magic-link/verify). */
  AUTH_MAGIC_LINK_URL: z.url().default('http://localhost:3000/portal/sign-in/magic'),
  /**
   * The gateway's public address, for the links mail carries to requesters (the satisfaction
   * rating links the notifier mints): `<PUBLIC_URL>/v1/satisfaction/<token>`.
   */
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  /** OIDC: set the issuer to accept its tokens (JWKS found by discovery). */
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The claim that carries roles (a string or an array of strings), e.g. `roles` or `groups`. */
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  /** `claim value=role` pairs, comma-separated, e.g. `helpdesk-admins=admin,helpdesk-bots=service`. */
  OIDC_ROLE_MAP: z
    .string()
    .regex(
      /^\s*[^=,\s]+\s*=\s*(admin|agent|requester|service)\s*(,\s*[^=,\s]+\s*=\s*(admin|agent|requester|service)\s*)*$/,
      'must be `value=role` pairs separated by commas (roles: admin, agent, requester, service)',
    )
    .optional(),
  /** The claim matched against the directory's emails. */
  OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
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
  if (config.OIDC_ISSUER && !config.OIDC_AUDIENCE) {
    throw new ConfigError(['OIDC_AUDIENCE: required with OIDC_ISSUER (tokens for another audience are refused)']);
  }
  if ((config.WORKER_DEPLOYMENT_NAME === undefined) !== (config.WORKER_BUILD_ID === undefined)) {
    throw new ConfigError([
      config.WORKER_DEPLOYMENT_NAME === undefined
        ? 'WORKER_DEPLOYMENT_NAME: required with WORKER_BUILD_ID (a version is a deployment name and a build id)'
        : 'WORKER_BUILD_ID: required with WORKER_DEPLOYMENT_NAME (a version is a deployment name and a build id)',
    ]);
  }
  if (config.AUTH_ACCESS_SECRET && config.AUTH_ACCESS_SECRET === config.AUTH_JWT_SECRET) {
    throw new ConfigError(['AUTH_ACCESS_SECRET: must differ from AUTH_JWT_SECRET (the dev tokens secret)']);
  }
  return config;
}

/** The ticket worker's deployment version, when versioning is configured (both variables set). */
export function workerDeploymentVersion(
  config: Pick<Config, 'WORKER_DEPLOYMENT_NAME' | 'WORKER_BUILD_ID'>,
): { deploymentName: string; buildId: string } | undefined {
  const { WORKER_DEPLOYMENT_NAME: deploymentName, WORKER_BUILD_ID: buildId } = config;
  return deploymentName !== undefined && buildId !== undefined ? { deploymentName, buildId } : undefined;
}

/** Whether HS256 dev tokens (AUTH_JWT_SECRET) are accepted: in development, or when AUTH_DEV_TOKENS=1. */
export const devTokensAllowed = (config: Pick<Config, 'NODE_ENV' | 'AUTH_DEV_TOKENS'>): boolean =>
  config.AUTH_DEV_TOKENS === undefined ? config.NODE_ENV !== 'production' : config.AUTH_DEV_TOKENS === '1';

/** OIDC_ROLE_MAP parsed: claim value → role. */
export function oidcRoleMap(value: string | undefined): Record<string, 'admin' | 'agent' | 'requester' | 'service'> {
  const map: Record<string, 'admin' | 'agent' | 'requester' | 'service'> = {};
  for (const pair of (value ?? '').split(',')) {
    const [claim, role] = pair.split('=').map((part) => part.trim());
    if (claim && (role === 'admin' || role === 'agent' || role === 'requester' || role === 'service'))
      map[claim] = role;
  }
  return map;
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
