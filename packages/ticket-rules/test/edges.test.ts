// The lifecycle's edges: split parents that follow their children both ways, replies through a
// merged ticket, receipt time at the feedback window's lapse, and operators' actions on a run.
import { describe, expect, it } from 'vitest';
import type { CommandRequest, TicketState } from '@helpdesk/contracts';
import {
  DEFAULT_RECEIPT_GRACE_MS,
  actsAt,
  awaitsClose,
  breachedBefore,
  childReopened,
  childResolved,
  decide,
  nextTimer,
  receiptTime,
  restarted,
  runCancelled,
  runHalted,
} from '../src';
import { HOUR, T0, admin, alice, ctx, rita, settings, ticket } from './fixtures';

const parentWaiting = () =>
  ticket('waiting', { id: 'p', links: { followUps: [], children: ['c1', 'c2'], childrenResolved: [] } }, 'split');
const resolvedBy = (s: TicketState, ...children: string[]) =>
  children.reduce((t, c) => childResolved(t, c, T0, settings())?.state ?? t, s);

describe('a split parent reflects its children', () => {
  it('a child reopened before the last one resolves must resolve again before the parent does', () => {
    const one = resolvedBy(parentWaiting(), 'c1');
    const reopened = childReopened(one, 'c1', T0, settings());
    expect(reopened?.state.links.childrenResolved).toEqual([]);
    expect(reopened?.events.map((e) => e.type)).toEqual(['child_reopened']);
    const other = resolvedBy(reopened!.state, 'c2');
    expect(other.status).toBe('waiting');
    expect(resolvedBy(other, 'c1').status).toBe('resolved');
  });

  it('a parent the split resolved comes back to waiting when a child reopens, and tells its own parent', () => {
    const done = resolvedBy(parentWaiting(), 'c1', 'c2');
    expect([done.status, done.resolution?.method]).toEqual(['resolved', 'split']);
    const back = childReopened({ ...done, links: { ...done.links, parent: 'gp' } }, 'c2', T0, settings());
    expect([back?.state.status, back?.state.waitType, back?.state.resolution, back?.state.reopenCount]).toEqual([
      'waiting',
      'split',
      undefined,
      1,
    ]);
    expect(back?.effects).toEqual([{ type: 'child_reopened', parentId: 'gp' }]);
    expect(resolvedBy(back!.state, 'c2').status).toBe('resolved');
  });

  it('ignores a child it never counted as resolved, and a closed parent', () => {
    expect(childReopened(parentWaiting(), 'c1', T0, settings())).toBeUndefined();
    const done = resolvedBy(parentWaiting(), 'c1', 'c2');
    expect(childReopened({ ...done, status: 'closed' }, 'c1', T0, settings())).toBeUndefined();
  });

  it('a resolved child that a reply or a reopen brings back tells its parent; one still open does not', () => {
    const child = ticket('resolved', { id: 'c1', links: { followUps: [], children: [], parent: 'p' } });
    const reply: CommandRequest = {
      command: { type: 'customer_reply', body: 'still broken', via: 'web' },
      actor: rita,
    };
    const byReply = decide(child, reply, ctx(rita));
    expect(byReply.ok && byReply.effects.filter((e) => e.type === 'child_reopened')).toEqual([
      { type: 'child_reopened', parentId: 'p' },
    ]);
    const byHand = decide(child, { command: { type: 'reopen' }, actor: alice }, ctx(alice));
    expect(byHand.ok && byHand.effects.some((e) => e.type === 'child_reopened')).toBe(true);
    const open = decide({ ...child, status: 'in_progress', resolution: undefined }, reply, ctx(rita));
    expect(open.ok && open.effects.some((e) => e.type === 'child_reopened')).toBe(false);
  });
});

describe('a reply through a merged ticket', () => {
  const target = ticket('in_progress', {
    id: 't2',
    requester: { id: 'other' },
    links: { followUps: [], children: [], mergedFrom: ['t1'] },
  });
  const reply = (through?: string): CommandRequest => ({
    command: { type: 'customer_reply', body: 'and another thing', via: 'web', ...(through ? { through } : {}) },
    actor: rita,
  });

  it('lands in the target though it belongs to another requester, and says where it came from', () => {
    const r = decide(target, reply('t1'), ctx(rita));
    expect(r.ok && r.events[0]?.data).toMatchObject({ body: 'and another thing', through: 't1' });
  });

  it('is refused when the ticket it names was not merged into the target, or names none', () => {
    for (const through of ['t9', undefined]) {
      const r = decide(target, reply(through), ctx(rita));
      expect(r.ok ? 'ok' : r.refusal.code).toBe('forbidden');
    }
  });
});

describe('receipt time', () => {
  const s = settings({ feedbackWindowHours: 1 });
  const now = T0 + 10 * HOUR;

  it('is the stamp within the grace, else now (missing, in the future, or too old)', () => {
    expect(receiptTime(now - 1_000, now, s)).toBe(now - 1_000);
    expect(receiptTime(now - DEFAULT_RECEIPT_GRACE_MS, now, s)).toBe(now - DEFAULT_RECEIPT_GRACE_MS);
    expect(receiptTime(now - DEFAULT_RECEIPT_GRACE_MS - 1, now, s)).toBe(now);
    expect(receiptTime(now + 1, now, s)).toBe(now);
    expect(receiptTime(undefined, now, s)).toBe(now);
    expect(receiptTime(Number.NaN, now, s)).toBe(now);
    expect(receiptTime(now - 20_000, now, settings({ receiptGraceSeconds: 30 }))).toBe(now - 20_000);
  });

  it('the close and service-level breaches wait out the grace; the end of a wait acts when due', () => {
    const resolved = ticket('resolved', { resolution: { method: 'customer_communication', at: T0, by: 'alice' } });
    const close = nextTimer(resolved, s)!;
    expect([close.kind, actsAt(close, s)]).toEqual(['feedback_over', T0 + HOUR + DEFAULT_RECEIPT_GRACE_MS]);
    expect(actsAt(close, settings({ feedbackWindowHours: 1, receiptGraceSeconds: 0 }))).toBe(T0 + HOUR);
    const wait = { kind: 'wait_over', at: T0 + HOUR } as const;
    expect(actsAt(wait, s)).toBe(wait.at);
    for (const kind of ['response_due', 'action_due'] as const) {
      expect(actsAt({ kind, at: T0 }, s)).toBe(T0 + DEFAULT_RECEIPT_GRACE_MS);
      // Runs recorded before breaches waited (the workflow's patch) keep acting at the deadline.
      expect(actsAt({ kind, at: T0 }, s, false)).toBe(T0);
    }
  });

  it('a command received after a service-level deadline records the breach first; one received before does not', () => {
    const sla = settings({ responseDelayHours: 1, actionDelayHours: null });
    const open = ticket('new', { submittedAt: T0 });
    const due = T0 + HOUR;
    expect(breachedBefore(open, sla, due, due + 1_000)).toEqual([]);
    expect(breachedBefore(open, sla, due - 1, due + 1_000)).toEqual([]);
    const [late, ...more] = breachedBefore(open, sla, due + 1, due + 1_000);
    expect(more).toEqual([]);
    expect(late?.state.breaches).toEqual([{ kind: 'response', dueAt: due, at: due + 1_000 }]);
    expect(late?.events.map((e) => e.type)).toEqual(['breached']);
    // Once recorded, the same deadline is not breached again.
    expect(breachedBefore(late!.state, sla, due + 2, due + 2_000)).toEqual([]);
    // Both deadlines passed: both breaches, earliest first.
    const both = settings({ responseDelayHours: 1, actionDelayHours: 0.5 });
    const kinds = breachedBefore(open, both, due + 1, due + 1_000).map((d) => d.state.breaches.at(-1)?.kind);
    expect(kinds).toEqual(['action', 'response']);
  });

  it('a command received at or after the lapse waits for the close; one received before does not', () => {
    const resolved = ticket('resolved', { resolution: { method: 'customer_communication', at: T0, by: 'alice' } });
    const lapse = T0 + HOUR;
    expect(awaitsClose(resolved, s, lapse - 1)).toBe(false);
    expect(awaitsClose(resolved, s, lapse)).toBe(true);
    // A longer window (a settings change meanwhile) releases it: the reply then reopens.
    expect(awaitsClose(resolved, settings({ feedbackWindowHours: 2 }), lapse)).toBe(false);
    expect(awaitsClose(ticket('in_progress'), s, lapse)).toBe(false);
  });

  it('a customer reply records when it was received', () => {
    const r = decide(
      ticket('resolved'),
      { command: { type: 'customer_reply', body: 'hi', via: 'web' }, actor: rita },
      { ...ctx(rita), receivedAt: T0 + 5 },
    );
    expect(r.ok && r.events[0]?.data?.receivedAt).toBe(T0 + 5);
    expect(r.ok && r.state.status).toBe('in_progress');
  });
});

describe("operators' actions on a ticket's run", () => {
  it('a cancelled run closes the ticket quietly, logged, and frees a waiting split parent', () => {
    const child = ticket('in_progress', { links: { followUps: [], children: [], parent: 'p' } });
    const r = runCancelled(child, T0, settings());
    expect(r?.state.status).toBe('closed');
    expect(r?.events.map((e) => [e.type, e.data?.reason])).toEqual([['closed', 'workflow_cancelled']]);
    expect(r?.effects).toEqual([{ type: 'child_resolved', parentId: 'p' }]);
    expect(runCancelled(ticket('closed'), T0, settings())).toBeUndefined();
  });

  it('a run found ended marks the open ticket halted once; a restart clears it and is on the timeline', () => {
    const halted = runHalted(ticket('new'), 'terminated', T0, settings());
    expect([halted?.state.halted, halted?.state.attention, halted?.events[0]?.type]).toEqual([
      'terminated',
      true,
      'workflow_halted',
    ]);
    expect(runHalted(halted!.state, 'terminated', T0, settings())).toBeUndefined();
    expect(runHalted(ticket('closed'), 'terminated', T0, settings())).toBeUndefined();
    const back = restarted(halted!.state, { actor: admin, at: T0 + 1, after: 'terminated' }, settings());
    expect([back.state.halted, back.state.status, back.state.revision]).toEqual([
      undefined,
      'new',
      halted!.state.revision + 1,
    ]);
    expect(back.events.map((e) => [e.type, e.actor.id, e.at, e.data?.after])).toEqual([
      ['restarted', 'root', T0 + 1, 'terminated'],
    ]);
  });
});
