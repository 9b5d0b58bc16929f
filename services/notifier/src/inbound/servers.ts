// The two ways mail comes in, into the same pipeline: a real SMTP server, and an authenticated
// HTTP endpoint taking a raw RFC 822 message (what mail providers' inbound webhooks deliver).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '@helpdesk/config';
import { looksLikeApiKey } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import type { InboundPipeline } from './pipeline';

/** A raw message is kept whole in one store document (16 MiB at most): larger mail is refused for good. */
export const MAX_MESSAGE_BYTES = 15 * 1024 * 1024;

export function startSmtpServer(
  pipeline: InboundPipeline,
  port: number,
  logger: Logger,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    name: 'helpdesk-collector',
    banner: 'Helpdesk mail collector',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        // Accept (250) only once the mail has been acted on: a failure makes the sender retry,
        // and the pipeline's idempotency makes the retry safe.
        pipeline.ingest(Buffer.concat(chunks), { mailFrom, rcptTo }).then(
          (outcome) => {
            logger.info('mail received', { via: 'smtp', ...outcome });
            callback();
          },
          (err: unknown) => {
            logger.error('mail processing failed', { error: err instanceof Error ? err.stack : String(err) });
            callback(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const address = server.server.address() as AddressInfo;
      resolve({ port: address.port, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

/** Who a bearer token speaks for (its role), or undefined when it is not one this endpoint takes. */
export type InboundAuthenticator = (token: string) => Promise<string | undefined>;

/**
 * The tokens a mail provider may post with: the helpdesk's API keys (an admin makes a `service`
 * key), and the HS256 dev tokens where they are allowed (development, or AUTH_DEV_TOKENS=1).
 */
export function inboundAuthenticator(store: Store, devSecret: string | undefined): InboundAuthenticator {
  return async (token) => {
    if (looksLikeApiKey(token)) return (await store.credentials.authenticateApiKey(token))?.role;
    if (devSecret === undefined) return undefined;
    try {
      const claims = jwt.verify(token, devSecret, { algorithms: ['HS256'] });
      return typeof claims === 'object' && typeof claims.role === 'string' ? claims.role : undefined;
    } catch {
      return undefined;
    }
  };
}

/** POST /inbound/mail with a service API key (or dev token) and the raw message as the body. */
export function startHttpInbound(
  pipeline: InboundPipeline,
  port: number,
  authenticate: InboundAuthenticator,
  logger: Logger,
): Promise<{ port: number; close(): Promise<void> }> {
  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(body));
  };
  const problem = (res: http.ServerResponse, status: number, detail: string) =>
    answer(res, status, { type: 'urn:helpdesk:problem:inbound', title: 'inbound mail', status, detail });
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/inbound/mail')
      return problem(res, 404, 'POST raw mail to /inbound/mail');
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return problem(res, 401, 'A service API key is required (Authorization: Bearer hk_…)');
    authenticate(token).then(
      (role) => {
        if (role === undefined) return problem(res, 401, 'The token is not valid');
        if (role !== 'service' && role !== 'admin') return problem(res, 403, 'A service API key is required');
        receive(req, res);
      },
      (err: unknown) => {
        logger.warn('inbound authentication failed', { error: err instanceof Error ? err.message : String(err) });
        res.setHeader('retry-after', '5');
        problem(res, 503, 'Could not check the token now; retry later');
      },
    );
  });
  /** The authenticated request's raw message, into the pipeline. */
  const receive = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (
      !type.startsWith('message/rfc822') &&
      !type.startsWith('text/plain') &&
      !type.startsWith('application/octet-stream')
    ) {
      return problem(res, 415, 'Send the raw message as message/rfc822');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_MESSAGE_BYTES) {
        problem(res, 413, 'Message too large');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (size === 0) return problem(res, 400, 'The body is empty');
      pipeline.ingest(Buffer.concat(chunks)).then(
        (outcome) => {
          logger.info('mail received', { via: 'http', ...outcome });
          answer(res, outcome.status === 'duplicate' ? 200 : 202, outcome);
        },
        (err: unknown) => {
          logger.error('mail processing failed', { error: err instanceof Error ? err.stack : String(err) });
          problem(res, 503, 'Could not process the message now; retry later');
        },
      );
    });
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const address = server.address() as AddressInfo;
      resolve({ port: address.port, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}
