// How tickets and events look over HTTP (the shapes of ZTicketSchema and ZTicketEventSchema):
// ISO dates, and requesters see only what is theirs to see.
import type {
  Actor,
  CommandType,
  SlaTargetState,
  TicketEvent,
  TicketSla,
  TicketState,
  TTicket,
} from '@helpdesk/contracts';
import type { Tickets } from '@helpdesk/ticket-client';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const must = (ms: number) => new Date(ms).toISOString();

function presentTarget(t: SlaTargetState | undefined) {
  if (!t) return undefined;
  return {
    ...t,
    dueAt: t.dueAt === null ? null : must(t.dueAt),
    warnAt: iso(t.warnAt),
    breachedAt: iso(t.breachedAt),
    metAt: iso(t.metAt),
  };
}

const presentSla = (sla: TicketSla) => ({
  ...sla,
  firstResponse: presentTarget(sla.firstResponse),
  nextResponse: presentTarget(sla.nextResponse),
  resolution: presentTarget(sla.resolution),
});

export function presentTicket(t: TicketState, actor: Actor, allowed?: CommandType[]): TTicket {
  const { eventSeq: _seq, slaClock: _clock, timeRulesFired: _fired, ...rest } = t;
  const base: TTicket = {
    ...rest,
    ...(allowed ? { allowedCommands: allowed } : {}),
    createdAt: must(t.createdAt),
    updatedAt: must(t.updatedAt),
    lastActionAt: must(t.lastActionAt),
    submittedAt: iso(t.submittedAt),
    firstPublicReplyAt: iso(t.firstPublicReplyAt),
    waitUntil: iso(t.waitUntil),
    resolution: t.resolution ? { ...t.resolution, at: must(t.resolution.at) } : undefined,
    breaches: t.breaches.map((b) => ({ ...b, dueAt: must(b.dueAt), at: must(b.at) })),
    sla: t.sla ? presentSla(t.sla) : undefined,
    slaDueAt: iso(t.slaDueAt),
    statusChangedAt: iso(t.statusChangedAt),
    satisfaction: t.satisfaction ? { ...t.satisfaction, at: must(t.satisfaction.at) } : undefined,
  };
  if (actor.role !== 'requester') return base;
  const { breaches: _b, attention: _a, read: _r, sla: _s, slaDueAt: _d, ...visible } = base;
  return visible;
}

/** One ticket as an answer: with the commands this caller could send next (lists leave them out). */
export async function presentOne(tickets: Tickets, t: TicketState, actor: Actor): Promise<TTicket> {
  return presentTicket(t, actor, await tickets.allowedCommands(t, actor));
}

const PRIVATE = new Set(['private_note', 'private_message']);

/** The store keeps an absent name or email as null: absent it stays. */
const person = ({ name, email, ...rest }: Actor): Actor => ({
  ...rest,
  ...(name != null ? { name } : {}),
  ...(email != null ? { email } : {}),
});

export function presentEvents(events: TicketEvent[], actor: Actor) {
  const visible =
    actor.role === 'requester' ? events.filter((e) => !PRIVATE.has(String(e.data?.visibility ?? ''))) : events;
  return visible.map((e) => ({ ...e, actor: person(e.actor), at: must(e.at) }));
}
