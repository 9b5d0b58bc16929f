// Deadlines: which timer is next, what firing it does, and how settings move it.
import { describe, expect, it } from 'vitest';
import { deadlinesMoved, fireTimer, nextTimer, pendingTimers } from '../src';
import { HOUR, T0, settings, ticket } from './fixtures';

const quiet = { responseDelayHours: null, actionDelayHours: null };

describe('timers', () => {
  it('a ticket waiting for more information wakes at its wait date with attention', () => {
    const s = ticket('waiting');
    const t = nextTimer(s, settings(quiet));
    expect(t).toEqual({ kind: 'wait_over', at: T0 + 24 * HOUR });
    const r = fireTimer(s, t!, t!.at, settings(quiet));
    expect([r.state.status, r.state.attention, r.state.waitType]).toEqual(['in_progress', true, undefined]);
  });

  it('with "close if no response" the wait running out resolves it with no_response', () => {
    const s = ticket('waiting', { closeIfNoResponse: true });
    const r = fireTimer(s, nextTimer(s, settings(quiet))!, T0 + 24 * HOUR, settings(quiet));
    expect([r.state.status, r.state.resolution?.method]).toEqual(['resolved', 'no_response']);
  });

  it('the feedback window closes a resolved ticket, and follows the current setting', () => {
    const s = ticket('resolved');
    expect(nextTimer(s, settings({ ...quiet, feedbackWindowHours: 48 }))).toEqual({
      kind: 'feedback_over',
      at: T0 + 48 * HOUR,
    });
    expect(nextTimer(s, settings({ ...quiet, feedbackWindowHours: 2 }))).toEqual({
      kind: 'feedback_over',
      at: T0 + 2 * HOUR,
    });
    const r = fireTimer(s, { kind: 'feedback_over', at: T0 + 2 * HOUR }, T0 + 2 * HOUR, settings(quiet));
    expect(r.state.status).toBe('closed');
    expect(r.effects.some((e) => e.type === 'notify' && e.notification.kind === 'closed')).toBe(true);
  });

  it('no closing mail when the setting turns it off', () => {
    const r = fireTimer(
      ticket('resolved'),
      { kind: 'feedback_over', at: T0 },
      T0,
      settings({ ...quiet, notifyOnClose: false }),
    );
    expect(r.effects).toEqual([]);
  });

  it('a response breach is recorded once, and none arms after the first public reply', () => {
    const sla = settings({ responseDelayHours: 4, actionDelayHours: null });
    const s = ticket('new');
    const t = nextTimer(s, sla);
    expect(t).toEqual({ kind: 'response_due', at: T0 + 4 * HOUR });
    const r = fireTimer(s, t!, t!.at, sla);
    expect(r.state.breaches).toEqual([{ kind: 'response', dueAt: T0 + 4 * HOUR, at: T0 + 4 * HOUR }]);
    expect(r.events.map((e) => e.type)).toEqual(['breached']);
    expect(nextTimer(r.state, sla)).toBeUndefined();
    expect(nextTimer({ ...s, firstPublicReplyAt: T0 + HOUR }, sla)).toBeUndefined();
  });

  it('the action delay re-arms from the last action and pauses while waiting', () => {
    const sla = settings({ responseDelayHours: null, actionDelayHours: 10 });
    expect(nextTimer(ticket('in_progress', { lastActionAt: T0 + 5 * HOUR }), sla)).toEqual({
      kind: 'action_due',
      at: T0 + 15 * HOUR,
    });
    expect(pendingTimers(ticket('waiting'), sla).map((t) => t.kind)).toEqual(['wait_over']);
    const fired = fireTimer(ticket('in_progress'), { kind: 'action_due', at: T0 + 10 * HOUR }, T0 + 10 * HOUR, sla);
    // A breach is not an action: it must not push its own deadline.
    expect(fired.state.lastActionAt).toBe(T0);
    expect(nextTimer(fired.state, sla)).toBeUndefined();
  });

  it('closed and deleted tickets arm no service-level timers', () => {
    const sla = settings({ responseDelayHours: 1, actionDelayHours: 1 });
    expect(nextTimer(ticket('closed'), sla)).toBeUndefined();
    expect(nextTimer(ticket('new', { deleted: true }), sla)).toBeUndefined();
  });

  it('a settings change moves a deadline only when it changes a setting that deadline derives from', () => {
    const base = settings({ responseDelayHours: 4, actionDelayHours: 24, feedbackWindowHours: 48 });
    // A new ticket's deadlines derive from the response and action delays, not the feedback window.
    expect(deadlinesMoved(ticket('new'), base, { ...base, feedbackWindowHours: 2 })).toBe(false);
    expect(deadlinesMoved(ticket('new'), base, { ...base, responseDelayHours: 2 })).toBe(true);
    expect(deadlinesMoved(ticket('new'), base, { ...base, actionDelayHours: null })).toBe(true);
    // Waiting pauses the action delay; a resolved ticket only has its feedback window.
    expect(deadlinesMoved(ticket('waiting'), base, { ...base, actionDelayHours: 1 })).toBe(false);
    expect(deadlinesMoved(ticket('resolved'), base, { ...base, actionDelayHours: 1, responseDelayHours: 1 })).toBe(
      false,
    );
    expect(deadlinesMoved(ticket('resolved'), base, { ...base, feedbackWindowHours: 2 })).toBe(true);
    // Settings that no deadline reads never move one.
    expect(
      deadlinesMoved(ticket('in_progress'), base, { ...base, notifyOnClose: !base.notifyOnClose, groups: ['x'] }),
    ).toBe(false);
  });
});
