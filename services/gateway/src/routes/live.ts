// Live: the event stream (GET /v1/live) and who is on a ticket (presence heartbeats). The feed
// itself is live.ts; this file is the HTTP side.
import { Router } from 'express';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Actor } from '@helpdesk/contracts';
import { looksLikeApiKey } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import { sharedOrganization } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError } from '../errors';
import { LiveClient, presentViewers } from '../live';
import type { LiveHub } from '../live';
import { document } from '../openapi';
import { parse } from '../validate';

const ZPresenceRequestSchema = z.strictObject({
  typing: z.boolean().meta({ description: 'Whether the caller is typing a reply or note on this ticket now' }),
});
const ZViewerSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    typing: z.boolean(),
    since: z.iso.datetime().meta({ description: 'When this viewer arrived (kept across heartbeats)' }),
  })
  .meta({ id: 'Viewer' });
const ZPresenceSchema = z
  .object({ viewers: z.array(ZViewerSchema).meta({ description: 'Earliest arrival first' }) })
  .meta({ id: 'Presence' });

/** The data of a `ticket` event: enough to know what to reload. */
const ZLiveTicketSchema = z
  .object({ id: z.string(), reference: z.string(), status: z.string(), updatedAt: z.iso.datetime() })
  .meta({ id: 'LiveTicketChange' });
/** The data of a `presence` event: everyone on the ticket now (empty: nobody). */
const ZLivePresenceSchema = z
  .object({ ticketId: z.string(), viewers: z.array(ZViewerSchema) })
  .meta({ id: 'LivePresenceChange' });
/**
 * One event of the stream, as its `event:` line and the JSON of its `data:` line: described as an
 * object so typed clients get the data's shapes (the wire format is text/event-stream, not JSON).
 */
const ZLiveEventSchema = z
  .object({
    event: z.enum(['ready', 'ticket', 'presence']),
    data: z.union([ZLiveTicketSchema, ZLivePresenceSchema, z.object({})]),
  })
  .meta({ id: 'LiveEvent' });

const STREAM_DESCRIPTION = [
  'A `text/event-stream` that stays open. Authenticate with the Authorization header (read it with fetch streaming; EventSource cannot send one).',
  'Events: `ready` once the stream is attached (load what you show after it: no change after that is missed);',
  '`ticket` with `{ id, reference, status, updatedAt }` when a ticket the caller may see changes (requesters: their own, and their organization’s where it shares tickets; never deleted ones);',
  '`presence` with `{ ticketId, viewers }` (agents and admins) when who is on a ticket changes.',
  'A comment line (`: heartbeat`) every 15 s. Reconnect when the stream ends, then reload.',
].join(' ');

document({
  method: 'get',
  path: '/v1/live',
  summary: `Live updates: a server-sent event stream of ticket changes and presence. ${STREAM_DESCRIPTION}`,
  tag: 'live',
  roles: 'everyone (requesters: their tickets; presence events for agents and admins)',
  responses: {
    200: ZLiveEventSchema,
  },
  stream: true,
});
document({
  method: 'put',
  path: '/v1/tickets/:id/presence',
  summary:
    'I am on this ticket (a heartbeat: send about every 10 s; an entry expires PRESENCE_TTL_SECONDS, 30 by default, after its last one)',
  tag: 'live',
  roles: 'agent, admin',
  body: ZPresenceRequestSchema,
  example: { typing: false },
  responses: { 200: ZPresenceSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/tickets/:id/presence',
  summary: 'I left this ticket',
  tag: 'live',
  roles: 'agent, admin',
  responses: { 204: undefined },
  problems: [403, 404],
});
document({
  method: 'get',
  path: '/v1/tickets/:id/presence',
  summary: 'Who is on this ticket now, and who of them is typing',
  tag: 'live',
  roles: 'agent, admin',
  responses: { 200: ZPresenceSchema },
  problems: [403, 404],
});

/** Presence is the console's (agents see each other); requesters and services have no say. */
function staffOnly(actor: Actor): void {
  if (actor.role !== 'agent' && actor.role !== 'admin')
    throw new ForbiddenError('Presence on tickets is for agents and admins');
}

/** /v1/tickets/:id/presence */
export function presenceRoutes(tickets: Tickets, store: Store, presenceTtlMs: number): Router {
  const router = Router();

  /** Staff may see any ticket; this answers 404 for one that does not exist (or was purged). */
  const ticketFor = async (id: string, actor: Actor) => {
    staffOnly(actor);
    await tickets.get(id, actor);
  };

  router.put('/:id/presence', async (req, res) => {
    const actor = actorOf(res);
    await ticketFor(req.params.id, actor);
    const { typing } = parse(ZPresenceRequestSchema, req.body);
    // The name others see: the token's, else the directory's, else the id.
    const name = actor.name ?? (await store.directory.user(actor.id))?.name ?? actor.id;
    await store.presence.heartbeat(req.params.id, { userId: actor.id, name, typing }, presenceTtlMs);
    res.json({ viewers: presentViewers(await store.presence.viewers(req.params.id)) });
  });

  router.delete('/:id/presence', async (req, res) => {
    const actor = actorOf(res);
    await ticketFor(req.params.id, actor);
    await store.presence.leave(req.params.id, actorOf(res).id);
    res.status(204).end();
  });

  router.get('/:id/presence', async (req, res) => {
    const actor = actorOf(res);
    await ticketFor(req.params.id, actor);
    res.json({ viewers: presentViewers(await store.presence.viewers(req.params.id)) });
  });

  return router;
}

// The stream also ends when the bearer token that opened it expires (below): clients reconnect,
// with a fresh token, as the document says they do whenever the stream ends.
/** setTimeout's longest delay; a credential valid for longer is not timed (about 24 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When the bearer token that opened the stream expires (its `exp`; the authenticator has verified
 * it already), or undefined for an API key or a token without one. A stream must not outlive its
 * credential: a signed-out or deactivated user's access token stops being renewed, so their stream
 * ends with it at the latest.
 */
function credentialExpiry(req: Request): number | undefined {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (!bearer || looksLikeApiKey(bearer)) return undefined;
  const claims = jwt.decode(bearer, { json: true });
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
}

/** /v1/live */
export function liveRoutes(hub: LiveHub, store: Store): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const actor = actorOf(res);
    if (req.method === 'HEAD') {
      // Express answers HEAD with the GET handler: say what GET would be, without opening a stream.
      res.status(200).type('text/event-stream').end();
      return;
    }
    const organization = await sharedOrganization(store, actor);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      // Never cached, never transformed or buffered by a proxy (nginx honours X-Accel-Buffering).
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    // Events are small and must leave at once: no Nagle delay.
    req.socket.setNoDelay(true);
    const client = new LiveClient(actor, organization, res, () => hub.remove(client));
    // Closing the client (or the connection dropping) stops its share of the work; the last one
    // stops the poller.
    res.once('close', () => client.close());
    const expiry = credentialExpiry(req);
    if (expiry !== undefined && expiry - Date.now() < MAX_TIMER_MS) {
      const timer = setTimeout(
        () => {
          client.comment('the token expired: reconnect with a fresh one');
          client.close();
        },
        Math.max(0, expiry - Date.now()),
      );
      res.once('close', () => clearTimeout(timer));
    }
    res.write('retry: 3000\n\n');
    await hub.add(client);
    client.send('ready', {});
  });
  return router;
}
