// A group's queue: hands the group's waiting tickets to its agents by the group's rule, durably.
// One run per group (`group-queue:<group>`), fed by the ticket projection (ticketWaiting) and told
// when agents become available (agentsChanged). Everything it knows is workflow state, so a worker
// crash resumes it where it was; an offer is an `assign` Update whose id is numbered by the queue,
// so an offer retried after a crash is applied once.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentsChangedSignal, groupQueueQuery, ticketWaitingSignal } from '@helpdesk/contracts/workflow';
import type { GroupQueueInput, GroupQueueState, OfferOutcome } from '@helpdesk/contracts/workflow';
import { pickAgent, requiredSkills, routesAutomatically } from '@helpdesk/ticket-rules';
import type { RoutingActivities } from '../activities/routing';

// Short: an offer lost with a killed worker is sent again (same Update id) this soon.
const { routingSnapshot, offerTicket } = proxyActivities<RoutingActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Tickets looked at in one pass (one snapshot read). */
const PASS_SIZE = 100;
/** Offers sent at once (each is an Update on its ticket). */
const PARALLEL_OFFERS = 10;
/** Tickets nobody can take are tried again this often, in case a change was not signalled. */
const RECHECK_MS = 60_000;
/** Past this many history events the queue continues as new, so a replay stays short. */
const MAX_HISTORY_EVENTS = 2_000;

const MINUTE_MS = 60_000;

export async function groupQueueWorkflow(input: GroupQueueInput): Promise<void> {
  const { group } = input;
  const s: GroupQueueState = input.carried ?? { pointer: 0, seq: 0, waiting: [], offers: {}, tried: {} };
  /** Tickets whose offer is being sent now. */
  const sending = new Set<string>();
  let assigned = 0;
  /** Nobody could take the waiting tickets at the last pass: wait for news (or the re-check). */
  let stalled = false;
  let news = 0;
  /** Tickets looked at since the last offer was planned: a whole round of them without one means stall. */
  let fruitless = 0;

  const held = (id: string) => s.waiting.includes(id) || id in s.offers || sending.has(id);
  setHandler(ticketWaitingSignal, ({ ticketId }) => {
    news++;
    if (held(ticketId)) return;
    s.waiting.push(ticketId);
    stalled = false;
  });
  setHandler(agentsChangedSignal, () => {
    news++;
    stalled = false;
  });
  setHandler(groupQueueQuery, () => ({ ...s, group, assigned }));

  for (;;) {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS)) {
      await continueAsNew<typeof groupQueueWorkflow>({
        group,
        carried: s,
        ...(input.maxHistoryEvents !== undefined ? { maxHistoryEvents: input.maxHistoryEvents } : {}),
      });
    }

    // Sleep until a ticket can be offered, an offer runs out, or the re-check is due.
    const deadlines = Object.values(s.offers).map((o) => o.until);
    const nextDeadline = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    const recheckAt = stalled && s.waiting.length > 0 ? Date.now() + RECHECK_MS : undefined;
    const wakeAt = Math.min(nextDeadline ?? Infinity, recheckAt ?? Infinity);
    const ready = () => s.waiting.length > 0 && !stalled;
    if (!ready()) {
      if (wakeAt === Infinity) await condition(ready);
      else await condition(ready, Math.max(1, wakeAt - Date.now()));
    }
    const now = Date.now();
    if (recheckAt !== undefined && now >= recheckAt) stalled = false;

    // Offers nobody took in time go back to the head of the queue (their agents marked tried).
    const expired = Object.entries(s.offers)
      .filter(([, o]) => o.until <= now)
      .map(([id]) => id);
    for (const id of expired) delete s.offers[id];
    if (expired.length > 0) {
      s.waiting = [...expired, ...s.waiting.filter((id) => !expired.includes(id))];
      stalled = false;
    }
    if (s.waiting.length === 0 || stalled) continue;

    const newsBefore = news;
    let offered = 0;
    const pass = s.waiting.slice(0, PASS_SIZE);
    const snapshot = await routingSnapshot(group, pass);
    const routing = snapshot.routing;
    const agents = snapshot.agents.map((a) => ({ ...a }));
    const planned: { id: string; agent: string; offerId: string; previous?: string | undefined }[] = [];
    const unplaced: string[] = [];

    for (const ticket of snapshot.tickets) {
      const tried = s.tried[ticket.id] ?? [];
      const current = tried[tried.length - 1];
      // Still ours: open and new, in this group, unassigned or still on the offer that ran out.
      const ours =
        ticket.status === 'new' &&
        !ticket.deleted &&
        ticket.group === group &&
        (!ticket.assignee || ticket.assignee === current);
      if (!ours || !routing || !routesAutomatically(routing.rule)) {
        delete s.tried[ticket.id];
        continue;
      }
      const pick = pickAgent(routing.rule, agents, s.pointer, {
        required: requiredSkills(routing, ticket.type),
        tried,
      });
      if (!pick) {
        unplaced.push(ticket.id);
        continue;
      }
      s.pointer = pick.pointer;
      s.seq++;
      // The pick counts at once, so the next pick in this pass sees the load it adds.
      for (const a of agents) {
        if (a.id === pick.agent) a.openTickets++;
        else if (a.id === ticket.assignee) a.openTickets--;
      }
      planned.push({
        id: ticket.id,
        agent: pick.agent,
        offerId: `route:${group}:${ticket.id}:${s.seq}`,
        previous: ticket.assignee,
      });
      sending.add(ticket.id);
    }
    const passed = new Set(pass);
    s.waiting = [...s.waiting.filter((id) => !passed.has(id)), ...unplaced];

    for (let i = 0; i < planned.length; i += PARALLEL_OFFERS) {
      const chunk = planned.slice(i, i + PARALLEL_OFFERS);
      const outcomes: OfferOutcome[] = await Promise.all(
        chunk.map((o) => offerTicket(o.id, o.agent, o.offerId, o.previous)),
      );
      const minutes = routing?.offerTimeoutMinutes ?? 15;
      chunk.forEach((o, k) => {
        sending.delete(o.id);
        if (outcomes[k] === 'offered') {
          s.offers[o.id] = { agent: o.agent, until: Date.now() + minutes * MINUTE_MS };
          s.tried[o.id] = [...(s.tried[o.id] ?? []), o.agent];
          assigned++;
        } else if (outcomes[k] === 'refused') {
          s.tried[o.id] = [...(s.tried[o.id] ?? []), o.agent];
          s.waiting.push(o.id);
        } else {
          delete s.tried[o.id];
        }
      });
      offered += outcomes.filter((o) => o === 'offered').length;
    }
    // A whole round of the waiting tickets without an offer, and no news: wait for news rather than spin.
    fruitless = offered > 0 || news !== newsBefore ? 0 : fruitless + pass.length;
    if (s.waiting.length > 0 && fruitless >= s.waiting.length) {
      stalled = true;
      fruitless = 0;
    }
  }
}
