// What arrives from other tickets: a split child resolving, a ticket merged in, a failed mail.
// These are signals, never refused; on a closed ticket they change nothing (closed is final).
import type { MergedIn, Notification, Settings, TicketState } from '@helpdesk/contracts/workflow';
import { Change, systemContext as system } from './builder';
import { resolve } from './decide';
import type { Accepted } from './types';

/** A child of this split resolved; when all have, this ticket resolves with `split` (spec 002). */
export function childResolved(s: TicketState, childId: string, now: number, settings: Settings): Accepted | undefined {
  const resolved = s.links.childrenResolved ?? [];
  if (s.status === 'closed' || !s.links.children.includes(childId) || resolved.includes(childId)) return undefined;
  const ctx = system(now, settings);
  const change = new Change(s, ctx);
  const next = [...resolved, childId];
  change.record(
    'child_resolved',
    { links: { ...s.links, childrenResolved: next } },
    { data: { childId }, counts: false },
  );
  if (s.status === 'waiting' && s.waitType === 'split' && s.links.children.every((c) => next.includes(c))) {
    resolve(change, 'split', ctx);
  }
  return change.done();
}

/**
 * A child of this split, resolved before, was reopened: the parent waits for it again, and a
 * parent that the split had resolved comes back to waiting on it (closed is final).
 */
export function childReopened(s: TicketState, childId: string, now: number, settings: Settings): Accepted | undefined {
  const resolved = s.links.childrenResolved ?? [];
  if (s.status === 'closed' || !resolved.includes(childId)) return undefined;
  const change = new Change(s, system(now, settings));
  change.record(
    'child_reopened',
    { links: { ...s.links, childrenResolved: resolved.filter((c) => c !== childId) } },
    { data: { childId }, counts: false },
  );
  if (s.status === 'resolved' && s.resolution?.method === 'split') {
    change.record(
      'reopened',
      { status: 'waiting', waitType: 'split', resolution: undefined, reopenCount: s.reopenCount + 1, attention: true },
      {
        data: { by: 'child_reopened', childId },
        counts: false,
      },
    );
    if (s.links.parent) change.effect({ type: 'child_reopened', parentId: s.links.parent });
  }
  return change.done();
}

/** Another ticket was merged into this one: its thread becomes a private note with a link. */
export function mergedIn(s: TicketState, m: MergedIn, now: number, settings: Settings): Accepted | undefined {
  if (s.status === 'closed' || (s.links.mergedFrom ?? []).includes(m.sourceId)) return undefined;
  const change = new Change(s, system(now, settings));
  change.record(
    'merged_in',
    { links: { ...s.links, mergedFrom: [...(s.links.mergedFrom ?? []), m.sourceId] }, attention: true },
    {
      data: {
        body: `Merged from ${m.sourceReference}:\n\n${m.thread}`,
        visibility: 'private_note',
        mergedFrom: m.sourceId,
        reference: m.sourceReference,
      },
    },
  );
  return change.done();
}

/** A mail could not be delivered after every retry: say so on the timeline. */
export function notificationFailed(
  s: TicketState,
  n: Notification,
  error: string,
  now: number,
  settings: Settings,
): Accepted | undefined {
  if (s.status === 'closed') return undefined;
  const change = new Change(s, system(now, settings));
  change.record(
    'notification_failed',
    {},
    { data: { notification: n.id, kind: n.kind, to: n.to, error }, counts: false },
  );
  return change.done();
}
