import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, createLogger, loadConfig, temporalLogger, temporalRuntimeOptions } from '../src/index';
import type { LoggerOptions } from '../src/index';

/** A logger writing into an array of parsed JSON lines. */
function capture(options: LoggerOptions = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('svc', { format: 'json', destination, ...options }), lines };
}

describe('logger', () => {
  it('writes one JSON line per record with level, time, service, msg and the fields', () => {
    const { logger, lines } = capture();
    logger.info('ticket created', { ticketId: 't-1', count: 2 });
    logger.error('send failed', { error: new Error('boom') });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'svc', msg: 'ticket created', ticketId: 't-1', count: 2 });
    expect(Number.isNaN(Date.parse(String(lines[0]?.time)))).toBe(false);
    // An Error keeps its message instead of becoming {}.
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'send failed', error: { message: 'boom' } });
  });

  it('honours the level, but always prints the ready line', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('hidden');
    logger.info('hidden too');
    logger.warn('shown');
    logger.ready({ port: 1 });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'shown'],
      ['info', 'ready'],
    ]);
    const silent = capture({ level: 'silent' });
    silent.logger.error('nothing');
    silent.logger.ready();
    expect(silent.lines.map((l) => l.msg)).toEqual(['ready']);
  });

  it('child loggers add their bindings', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'r-1' }).info('hello');
    expect(lines[0]).toMatchObject({ requestId: 'r-1', msg: 'hello', service: 'svc' });
  });

  it('LOG_LEVEL and LOG_FORMAT are validated', () => {
    expect(loadConfig({ LOG_LEVEL: 'trace', LOG_FORMAT: 'pretty' })).toMatchObject({
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'pretty',
    });
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
  });
});

describe('temporalLogger', () => {
  it("forwards the SDK's entries with their level and meta, dropping symbol keys", () => {
    const { logger, lines } = capture({ level: 'debug' });
    const sdk = temporalLogger(logger);
    sdk.log('WARN', 'Workflow task failed', {
      sdkComponent: 'worker',
      workflowId: 'ticket-1',
      runId: 'r',
      [Symbol('ts')]: 1n,
    });
    sdk.info('from the workflow', { sdkComponent: 'workflow', workflowId: 'ticket-1' });
    sdk.debug('core detail', { sdkComponent: 'core' });
    sdk.trace('below the level');
    sdk.error('failed');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Workflow task failed',
        sdkComponent: 'worker',
        workflowId: 'ticket-1',
        runId: 'r',
      }),
      expect.objectContaining({ level: 'info', msg: 'from the workflow', sdkComponent: 'workflow' }),
      expect.objectContaining({ level: 'debug', msg: 'core detail', sdkComponent: 'core' }),
      expect.objectContaining({ level: 'error', msg: 'failed' }),
    ]);
  });

  it('runtime options forward core logs from WARN up through the same logger', () => {
    const { logger, lines } = capture();
    const options = temporalRuntimeOptions(logger);
    expect(options.telemetryOptions.logging).toEqual({ filter: { core: 'WARN', other: 'ERROR' }, forward: {} });
    options.logger.warn('core says', { sdkComponent: 'core' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'core says', sdkComponent: 'core', service: 'svc' }),
    ]);
  });
});
