// How tickets and events look over HTTP: ISO dates, and requesters see only what is theirs to see.
import type { Actor, TicketEvent, TicketState } from '@helpdesk/contracts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function presentTicket(t: TicketState, actor: Actor) {
  const base = {
    ...t,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    submittedAt: iso(t.submittedAt),
    lastActionAt: iso(t.lastActionAt),
    firstPublicReplyAt: iso(t.firstPublicReplyAt),
    waitUntil: iso(t.waitUntil),
    resolution: t.resolution ? { ...t.resolution, at: iso(t.resolution.at) } : undefined,
    breaches: t.breaches.map((b) => ({ ...b, dueAt: iso(b.dueAt), at: iso(b.at) })),
  };
  if (actor.role !== 'requester') return base;
  const { breaches: _b, attention: _a, read: _r, eventSeq: _e, ...visible } = base;
  return visible;
}

const PRIVATE = new Set(['private_note', 'private_message']);

export function presentEvents(events: TicketEvent[], actor: Actor) {
  const visible = actor.role === 'requester' ? events.filter((e) => !PRIVATE.has(String(e.data?.visibility ?? ''))) : events;
  return visible.map((e) => ({ ...e, at: iso(e.at) }));
}
