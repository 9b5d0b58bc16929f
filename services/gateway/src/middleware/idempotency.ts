// Idempotency-Key on POST: the first request with a key runs; a retry with the same key and body
// gets the first answer without running again; the same key with another body is a 422.
// Concurrent duplicates wait for the first to finish, so they create one ticket, not two.
// A 5xx (an outage, a command time-out) gives the key back at once: the retry runs again, and acts
// once because the ticket and Update ids derive from the key (Temporal attaches it to the same
// Update). A running request renews its claim every second; one that died (its gateway killed)
// stops renewing and loses the key a few seconds later: no key stays pending.
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { IDEMPOTENCY_KEY_TTL_MS as KEY_TTL_MS } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { AppError, RETRY_AFTER_SECONDS, ValidationError } from '../errors';

/** A pending key is renewed this often while its request runs (`createdAt` moves on)... */
const RENEW_EVERY_MS = 1_000;
/** ...so one not renewed for this long belongs to a request that died; it may be taken over. */
const PENDING_LEASE_MS = 5_000;

export function idempotency(store: Store, commandTimeoutMs: number): RequestHandler {
  const keys = store.idempotency;
  // Temporal calls end by commandTimeoutMs: a duplicate need not wait longer than the first can run.
  const WAIT_FOR_FIRST_MS = commandTimeoutMs + 1_000;
  return async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 200)
      throw new ValidationError([{ field: 'header.Idempotency-Key', message: 'must be 1 to 200 characters' }]);
    const actor = res.locals.actor as Actor;
    const id = `${actor.role}:${actor.id}:${key}`;
    const requestHash = createHash('sha256')
      .update(
        `${req.method} ${req.originalUrl} ${req.is('multipart/form-data') ? req.get('content-length') : JSON.stringify(req.body ?? null)}`,
      )
      .digest('hex');

    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      if (await keys.claim(id, requestHash)) break; // we are first: run the request
      const seen = await keys.get(id);
      if (!seen) continue; // the first one failed and gave the key back
      const abandoned = seen.state === 'pending' && seen.createdAt < Date.now() - PENDING_LEASE_MS;
      if (seen.createdAt < Date.now() - KEY_TTL_MS || abandoned) {
        // Expired, or left pending by a request that died: the key is free again.
        await keys.freeIfUnchanged(id, seen.createdAt);
        continue;
      }
      if (seen.requestHash !== requestHash) {
        throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
      }
      if (seen.state === 'done' && seen.response) {
        res.setHeader('Idempotent-Replayed', 'true');
        if (seen.response.location) res.location(seen.response.location);
        res
          .status(seen.response.status)
          .type(seen.response.status >= 400 ? 'application/problem+json' : 'application/json');
        res.send(seen.response.body);
        return;
      }
      if (Date.now() > deadline) {
        throw new AppError(
          409,
          'idempotency_in_progress',
          'A request with this Idempotency-Key is still running; retry later',
          {},
          RETRY_AFTER_SECONDS,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Handlers derive ticket and Update ids from this, so even a retry after a lost answer acts once.
    res.locals.idempotencyId = id;
    // Even if two requests ever ran with one key (a renewal lost while the store was down), the
    // derived ids keep it to one effect: the lease only spares a retry a long wait.
    const renewal = setInterval(() => {
      void keys.renew(id).catch(() => undefined);
    }, RENEW_EVERY_MS).unref();
    res.once('finish', () => clearInterval(renewal));
    res.once('close', () => clearInterval(renewal));
    remember(res, (status, body, location) =>
      status >= 500
        ? // Not awaited: with the store down this would hold the 503 for the server-selection time;
          // a key the delete misses is freed by its lease.
          void keys.release(id).catch(() => undefined)
        : // Kept as the JSON text that was sent, so the replay is byte for byte the same answer.
          keys.remember(id, { status, body: JSON.stringify(body), ...(location ? { location } : {}) }),
    );
    next();
  };
}

/** Record the answer before it is sent, so a waiting duplicate never reads a half-written key. */
function remember(
  res: Response,
  save: (status: number, body: unknown, location?: string) => Promise<void> | undefined,
) {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const location = res.getHeader('location');
    Promise.resolve(save(res.statusCode, body, typeof location === 'string' ? location : undefined)).then(
      () => json(body),
      () => json(body),
    );
    return res;
  };
}
