// The two ways mail comes in, into the same pipeline: a real SMTP server, and an authenticated
// HTTP endpoint taking a raw RFC 822 message (what mail providers' inbound webhooks deliver).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '@helpdesk/config';
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

/** POST /inbound/mail with a service bearer token and the raw message as the body. */
export function startHttpInbound(
  pipeline: InboundPipeline,
  port: number,
  secret: string,
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
    try {
      const claims = token ? (jwt.verify(token, secret, { algorithms: ['HS256'] }) as { role?: string }) : undefined;
      if (claims?.role !== 'service' && claims?.role !== 'admin')
        return problem(res, claims ? 403 : 401, 'A service token is required');
    } catch {
      return problem(res, 401, 'The token is not valid');
    }
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
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const address = server.address() as AddressInfo;
      resolve({ port: address.port, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}
