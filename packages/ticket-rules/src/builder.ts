// A small helper that turns "this is what changes" into a new state plus its timeline event, so
// each rule in decide.ts stays a few lines long.
import { SYSTEM_ACTOR } from '@helpdesk/contracts/workflow';
import type {
  Channel,
  Notification,
  NotificationKind,
  Settings,
  TicketEvent,
  TicketEventType,
  TicketState,
} from '@helpdesk/contracts/workflow';
import { withSla } from './sla';
import type { Accepted, Context, Effect } from './types';

/** The context of what the helpdesk itself does: timers, signals from other tickets, operators' actions. */
export const systemContext = (now: number, settings: Settings): Context => ({ now, actor: SYSTEM_ACTOR, settings });

export class Change {
  private state: TicketState;
  private readonly events: TicketEvent[] = [];
  private readonly effects: Effect[] = [];

  constructor(
    private readonly start: TicketState,
    private readonly ctx: Context,
  ) {
    this.state = { ...start, revision: start.revision + 1, updatedAt: ctx.now };
  }

  get current(): TicketState {
    return this.state;
  }

  /** Apply a patch and record it as one timeline event. */
  record(
    type: TicketEventType,
    patch: Partial<TicketState>,
    opts: { data?: Record<string, unknown>; channel?: Channel; counts?: boolean } = {},
  ): this {
    const before = this.state;
    const seq = before.eventSeq + 1;
    this.state = {
      ...before,
      ...patch,
      eventSeq: seq,
      // Time rules count from the last status change.
      ...(patch.status !== undefined && patch.status !== before.status ? { statusChangedAt: this.ctx.now } : {}),
      // A system event (a timer, a breach) is not an action someone took on the ticket.
      ...(opts.counts === false ? {} : { lastActionAt: this.ctx.now }),
    };
    const after = this.state;
    const moved =
      before.status !== after.status || before.assignee !== after.assignee || before.waitType !== after.waitType;
    this.events.push({
      ticketId: after.id,
      seq,
      type,
      at: this.ctx.now,
      actor: this.ctx.actor,
      channel: opts.channel ?? after.channel,
      ...(moved
        ? {
            before: { status: before.status, assignee: before.assignee, waitType: before.waitType },
            after: { status: after.status, assignee: after.assignee, waitType: after.waitType },
          }
        : {}),
      ...(opts.data ? { data: opts.data } : {}),
    });
    return this;
  }

  notify(
    kind: NotificationKind,
    to: (string | undefined)[],
    opts: { cc?: string[]; body?: string; subject?: string } = {},
  ): this {
    const recipients = [...new Set(to.filter((t): t is string => Boolean(t)))];
    if (recipients.length === 0) return this;
    const s = this.state;
    const notification: Notification = {
      id: `${s.id}:${s.eventSeq}:${kind}`,
      kind,
      ticketId: s.id,
      reference: s.reference,
      title: s.title ?? '(no subject)',
      to: recipients,
      cc: opts.cc ?? [],
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
    };
    this.effects.push({ type: 'notify', notification });
    return this;
  }

  effect(effect: Effect): this {
    this.effects.push(effect);
    return this;
  }

  /** The change, with the service-level clocks and their due instants brought up to date. */
  done(): Accepted {
    const { ctx } = this;
    const state = withSla(this.start, this.state, this.events, ctx.settings, ctx.now, ctx.receivedAt ?? ctx.now);
    return { ok: true, state, events: this.events, effects: this.effects };
  }
}
