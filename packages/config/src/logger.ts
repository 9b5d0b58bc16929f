// One logger for every service: pino, JSON lines (level, time, service, msg, fields) for files,
// tests and production; pino-pretty for a person at a terminal. The Temporal SDK's own logs go
// through it too (temporalLogger), so an operator reads one format.
import pino from 'pino';
import type { DestinationStream, Level } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

/** `logger.info(msg, fields)`: the message first, as every call site reads it. */
export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The one line supervisors wait for ({"msg":"ready"}); printed whatever the level. */
  ready(fields?: LogFields): void;
  /** A logger that adds these fields to each of its lines. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Default: pretty when stdout is a terminal, JSON otherwise. */
  format?: LogFormat | undefined;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** How a pretty line reads: time, level, [service] message, then the fields. */
const PRETTY = {
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,service',
  messageFormat: '[{service}] {msg}',
} as const;

/** Turns one JSON log line into its pretty form (for a console that shows services' log files). */
export function prettyLine(colorize = Boolean(process.stdout.isTTY)): (line: string) => string {
  return pretty.prettyFactory({ ...PRETTY, colorize });
}

export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const destination =
    options.destination ??
    (format === 'pretty'
      ? pretty({ ...PRETTY, colorize: Boolean(process.stdout.isTTY), sync: true })
      : pino.destination({ fd: 1, sync: true }));
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { service },
      // Labels, not pino's numbers: `"level":"warn"` is what people and log queries look for.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors passed as fields keep their message and stack (JSON.stringify gives `{}`).
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
  // Its own level: LOG_LEVEL=warn or silent must not hide the line supervisors wait for.
  const readyLine = base.child({}, { level: 'info' });
  const wrap = (p: pino.Logger): Logger => {
    const at = (level: Level) => (msg: string, fields?: LogFields) => p[level](fields ?? {}, msg);
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      ready: (fields) => readyLine.info(fields ?? {}, 'ready'),
      child: (bindings) => wrap(p.child(bindings)),
    };
  };
  return wrap(base);
}

/** The Temporal SDK's log levels and Logger interface (as in @temporalio/common, without depending on it). */
export type TemporalLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
type TemporalMeta = Record<string | symbol, unknown>;
export interface TemporalLogger {
  log(level: TemporalLogLevel, message: string, meta?: TemporalMeta): void;
  trace(message: string, meta?: TemporalMeta): void;
  debug(message: string, meta?: TemporalMeta): void;
  info(message: string, meta?: TemporalMeta): void;
  warn(message: string, meta?: TemporalMeta): void;
  error(message: string, meta?: TemporalMeta): void;
}

const LEVEL_OF: Record<TemporalLogLevel, Exclude<LogLevel, 'silent'>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * For `Runtime.install({ logger })`: the SDK's lines (worker, workflow `log`, activity `log`, core
 * logs when forwarded) come out through this logger with the SDK's meta as fields (sdkComponent,
 * workflowId, runId, taskQueue, …).
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: TemporalMeta) => {
    // String keys only: the SDK also passes symbols (e.g. the core timestamp) that JSON cannot hold.
    logger[LEVEL_OF[level]](message, meta ? Object.fromEntries(Object.entries(meta)) : undefined);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * What a process that runs Temporal Workers passes to `Runtime.install()` (before its first
 * connection): the SDK's logs through this logger, and core (Rust) logs forwarded to it at WARN
 * instead of going to stderr in their own format. Structural, so this package needs no SDK.
 */
export function temporalRuntimeOptions(logger: Logger): {
  logger: TemporalLogger;
  telemetryOptions: {
    logging: { filter: { core: TemporalLogLevel; other: TemporalLogLevel }; forward: Record<string, never> };
  };
} {
  return {
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  };
}
