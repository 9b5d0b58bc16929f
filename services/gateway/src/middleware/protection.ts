// Request hygiene: content types, rate limits per principal.
import rateLimit from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Actor } from '@helpdesk/contracts';
import { AppError } from '../errors';

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  (headers['content-length'] !== undefined && headers['content-length'] !== '0') ||
  headers['transfer-encoding'] !== undefined;

/** A body must be JSON, except where an upload is expected. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req.headers)) return next();
  if (req.path.endsWith('/attachments')) {
    if (!req.is('multipart/form-data'))
      throw new AppError(415, 'unsupported_media_type', 'Upload attachments as multipart/form-data');
    return next();
  }
  if (!req.is('application/json'))
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
  next();
};

/** Per-principal limit (after authentication); answers 429 with Retry-After. */
export function perPrincipalRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => {
      const actor = res.locals.actor as Actor;
      return `${actor.role}:${actor.id}`;
    },
    handler: (req, res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      res.setHeader('Retry-After', String(seconds));
      next(
        new AppError(
          429,
          'too_many_requests',
          `Rate limit of ${perMinute} requests a minute exceeded; retry in ${seconds}s`,
        ),
      );
    },
  });
}
