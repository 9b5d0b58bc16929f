// Every status against every command, for every role: allowed, or refused with the right reason.
// The expected matrix is written out by hand from the spec, independently of the rule tables.
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '@helpdesk/contracts';
import type { Actor, CommandType, TicketCommand, TicketState } from '@helpdesk/contracts';
import { allowedCommands, decide } from '../src';
import { SAMPLE, T0, HOUR, admin, alice, ctx, rita, robot, ticket } from './fixtures';

type Fixture =
  'draft' | 'new' | 'in_progress' | 'waiting_more_info' | 'waiting_case' | 'resolved' | 'closed' | 'deleted';

const FIXTURES: Record<Fixture, () => TicketState> = {
  draft: () => ticket('draft'),
  new: () => ticket('new'),
  in_progress: () => ticket('in_progress'),
  waiting_more_info: () => ticket('waiting', {}, 'more_info'),
  waiting_case: () => ticket('waiting', {}, 'case'),
  resolved: () => ticket('resolved'),
  closed: () => ticket('closed'),
  deleted: () => ticket('in_progress', { deleted: true }),
};

/** What an agent may do in each situation (spec: transitions table). */
const AGENT_ALLOWED: Record<Fixture, CommandType[]> = {
  draft: ['attach', 'submit', 'modify', 'customer_reply', 'resolve', 'spam', 'delete', 'reclassify'],
  new: [
    'attach',
    'modify',
    'take',
    'assign',
    'wait',
    'reply',
    'customer_reply',
    'resolve',
    'spam',
    'delete',
    'reclassify',
    'merge',
    'split',
    'apply_macro',
  ],
  in_progress: [
    'attach',
    'modify',
    'assign',
    'release',
    'wait',
    'reply',
    'customer_reply',
    'resolve',
    'spam',
    'delete',
    'reclassify',
    'merge',
    'split',
    'apply_macro',
  ],
  waiting_more_info: [
    'attach',
    'modify',
    'resume',
    'reply',
    'customer_reply',
    'resolve',
    'spam',
    'delete',
    'reclassify',
    'merge',
    'apply_macro',
  ],
  waiting_case: [
    'attach',
    'modify',
    'resume',
    'end_case',
    'reply',
    'customer_reply',
    'resolve',
    'spam',
    'delete',
    'reclassify',
    'merge',
    'apply_macro',
  ],
  resolved: ['attach', 'modify', 'reply', 'customer_reply', 'reopen', 'spam', 'delete', 'reclassify', 'apply_macro'],
  closed: [],
  deleted: ['restore'],
};

const ROLE_MAY: Record<Actor['role'], CommandType[] | 'all'> = {
  agent: 'all',
  admin: 'all',
  requester: ['submit', 'customer_reply', 'reopen', 'attach'],
  service: ['take', 'assign', 'release', 'customer_reply', 'end_case', 'attach'],
};

function expected(
  fixture: Fixture,
  actor: Actor,
  type: CommandType,
): 'ok' | 'forbidden' | 'closed' | 'invalid_transition' {
  const may = ROLE_MAY[actor.role];
  const roleAllows = type === 'purge' ? actor.role === 'admin' : may === 'all' || may.includes(type);
  if (!roleAllows) return 'forbidden';
  if (type === 'purge') return 'ok';
  if (fixture === 'closed') return 'closed';
  return AGENT_ALLOWED[fixture].includes(type) ? 'ok' : 'invalid_transition';
}

describe('transition matrix', () => {
  const actors = [alice, admin, rita, robot];
  for (const fixture of Object.keys(FIXTURES) as Fixture[]) {
    for (const actor of actors) {
      for (const type of COMMAND_TYPES) {
        const want = expected(fixture, actor, type);
        it(`${fixture} × ${type} by ${actor.role} → ${want}`, () => {
          const state = FIXTURES[fixture]();
          const result = decide(state, { command: SAMPLE[type], actor }, ctx(actor));
          if (want === 'ok') {
            expect(result.ok, result.ok ? '' : result.refusal.message).toBe(true);
          } else {
            expect(result.ok).toBe(false);
            if (!result.ok) {
              expect(result.refusal.code).toBe(want);
              expect(result.refusal.status).toBe(state.status);
              expect(result.refusal.message.length).toBeGreaterThan(10);
              // Every refusal says what the actor could send instead, and never offers what it refused.
              expect(result.refusal.allowed).toEqual(allowedCommands(state, ctx(actor)));
              expect(result.refusal.allowed).not.toContain(type);
            }
          }
        });
      }
    }
  }

  // What is offered is exactly what the spec's table allows, and each offer, sent as a client
  // would send it, is accepted.
  for (const fixture of Object.keys(FIXTURES) as Fixture[]) {
    for (const actor of actors) {
      it(`${fixture} by ${actor.role}: allowedCommands is what would be accepted`, () => {
        const state = FIXTURES[fixture]();
        const allowed = allowedCommands(state, ctx(actor));
        expect(allowed).toEqual(COMMAND_TYPES.filter((t) => expected(fixture, actor, t) === 'ok'));
        for (const type of allowed) {
          const r = decide(state, { command: SAMPLE[type], actor }, ctx(actor));
          expect(r.ok, `${type}: ${r.ok ? '' : r.refusal.message}`).toBe(true);
        }
      });
    }
  }

  it('offers submit on an incomplete draft (the body names the fields) but not restore on a live ticket', () => {
    const draft = ticket('draft', { title: undefined });
    expect(allowedCommands(draft, ctx(alice))).toContain('submit');
    expect(allowedCommands(ticket('in_progress'), ctx(alice))).not.toContain('restore');
    expect(allowedCommands(ticket('waiting', {}, 'more_info'), ctx(alice))).not.toContain('end_case');
    expect(allowedCommands(ticket('draft'), ctx(alice))).not.toContain('reply');
  });

  it('refuses everything to a requester who does not own the ticket', () => {
    const stranger: Actor = { id: 'mallory', role: 'requester' };
    for (const type of COMMAND_TYPES) {
      const r = decide(ticket('resolved'), { command: SAMPLE[type], actor: stranger }, ctx(stranger));
      expect(r.ok ? 'ok' : r.refusal.code).toBe('forbidden');
    }
  });

  it('lets a closed ticket be reclassified only when the setting allows it', () => {
    const cmd = { command: SAMPLE.reclassify, actor: alice };
    expect(decide(ticket('closed'), cmd, ctx(alice)).ok).toBe(false);
    const r = decide(ticket('closed'), cmd, ctx(alice, { reclassifyClosed: true }));
    expect(r.ok && r.state.group).toBe('billing');
    expect(r.ok && r.state.status).toBe('closed');
  });
});

describe('what accepted commands change', () => {
  it('every change bumps the revision and numbers its events in order', () => {
    const r = decide(ticket('new'), { command: SAMPLE.reply, actor: alice }, ctx(alice));
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.state.revision).toBe(4);
    expect(r.events.map((e) => [e.type, e.seq])).toEqual([
      ['taken', 4],
      ['replied', 5],
    ]);
    expect(r.events[0]?.before).toEqual({ status: 'new', assignee: undefined, waitType: undefined });
    expect(r.events[0]?.after).toEqual({ status: 'in_progress', assignee: 'alice', waitType: undefined });
    expect(r.events.every((e) => e.at === T0 + HOUR && e.actor === alice)).toBe(true);
  });

  it('submit names every missing field at once and changes nothing', () => {
    const draft = ticket('draft', {
      title: undefined,
      category: undefined,
      requester: undefined,
      primaryContact: undefined,
    });
    const r = decide(draft, { command: { type: 'submit' }, actor: alice }, ctx(alice));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe('missing_fields');
      expect(r.refusal.missing).toEqual(['title', 'category', 'primaryContact', 'requester']);
    }
  });

  it('submit with the missing fields in the same command succeeds and acknowledges', () => {
    const draft = ticket('draft', { title: undefined });
    const r = decide(draft, { command: { type: 'submit', fields: { title: 'Now titled' } }, actor: alice }, ctx(alice));
    expect(r.ok && r.state.status).toBe('new');
    expect(r.ok && r.state.title).toBe('Now titled');
    expect(r.ok && r.effects.some((e) => e.type === 'notify' && e.notification.kind === 'ticket_received')).toBe(true);
  });

  it("a requester cannot submit a draft in someone else's name", () => {
    const draft = ticket('draft');
    const r = decide(
      draft,
      { command: { type: 'submit', fields: { requester: { id: 'mallory' } } }, actor: rita },
      ctx(rita),
    );
    expect(r.ok ? 'ok' : r.refusal.code).toBe('forbidden');
  });

  it('the first update by an agent takes a new ticket', () => {
    const r = decide(ticket('new'), { command: SAMPLE.modify, actor: alice }, ctx(alice));
    expect(r.ok && [r.state.status, r.state.assignee, r.state.priority]).toEqual(['in_progress', 'alice', 'high']);
  });

  it('reassigning leaves the ticket new with the new assignee until they take it', () => {
    const r = decide(ticket('in_progress'), { command: SAMPLE.assign, actor: alice }, ctx(alice));
    expect(r.ok && [r.state.status, r.state.assignee]).toEqual(['new', 'bob']);
  });

  it('any staff action clears attention; a customer reply sets it', () => {
    const flagged = ticket('in_progress', { attention: true });
    for (const command of [
      SAMPLE.reply,
      SAMPLE.modify,
      { type: 'reply', body: 'n', visibility: 'private_note' } as TicketCommand,
    ]) {
      const r = decide(flagged, { command, actor: alice }, ctx(alice));
      expect(r.ok && r.state.attention).toBe(false);
    }
    const reopened = decide(ticket('resolved'), { command: SAMPLE.reopen, actor: alice }, ctx(alice));
    expect(reopened.ok && reopened.state.attention).toBe(false);
    const byCustomer = decide(ticket('resolved'), { command: SAMPLE.reopen, actor: rita }, ctx(rita));
    expect(byCustomer.ok && byCustomer.state.attention).toBe(true);
    const ended = decide(ticket('waiting', {}, 'case'), { command: SAMPLE.end_case, actor: alice }, ctx(alice));
    expect(ended.ok && ended.state.attention).toBe(true);
  });

  it('release puts it back in the queue without an assignee', () => {
    const r = decide(
      ticket('in_progress'),
      { command: { type: 'release', reason: 'robot_rejected' }, actor: robot },
      ctx(robot),
    );
    expect(r.ok && [r.state.status, r.state.assignee]).toEqual(['new', undefined]);
    expect(r.ok && r.events[0]?.data).toEqual({ reason: 'robot_rejected' });
  });

  it('a customer reply brings a ticket waiting for more information back with attention', () => {
    const r = decide(ticket('waiting'), { command: SAMPLE.customer_reply, actor: rita }, ctx(rita));
    expect(r.ok && [r.state.status, r.state.attention, r.state.waitType]).toEqual(['in_progress', true, undefined]);
  });

  it('a customer reply to a resolved ticket reopens it', () => {
    const r = decide(ticket('resolved'), { command: SAMPLE.customer_reply, actor: rita }, ctx(rita));
    expect(r.ok && [r.state.status, r.state.reopenCount, r.state.resolution]).toEqual(['in_progress', 1, undefined]);
    expect(r.ok && r.events.map((e) => e.type)).toEqual(['customer_replied', 'reopened']);
  });

  it('a customer email on a draft fills its empty description', () => {
    const r = decide(
      ticket('draft', { description: undefined }),
      { command: SAMPLE.customer_reply, actor: rita },
      ctx(rita),
    );
    expect(r.ok && [r.state.status, r.state.description]).toEqual(['draft', 'Any news?']);
  });

  it('resolving needs a note or email when the setting says so; send & resolve does both', () => {
    const strict = { resolutionRequiresMessage: true };
    const bare = decide(ticket('in_progress'), { command: SAMPLE.resolve, actor: alice }, ctx(alice, strict));
    expect(bare.ok ? 'ok' : bare.refusal.missing).toEqual(['note']);
    const withNote = decide(
      ticket('in_progress'),
      { command: { ...SAMPLE.resolve, note: 'Fixed the tray' } as TicketCommand, actor: alice },
      ctx(alice, strict),
    );
    expect(withNote.ok && withNote.events.map((e) => e.type)).toEqual(['note_added', 'resolved']);
    const sendAndResolve = decide(
      ticket('in_progress'),
      {
        command: { type: 'reply', body: 'Fixed!', visibility: 'public', resolve: { method: 'customer_communication' } },
        actor: alice,
      },
      ctx(alice, strict),
    );
    expect(sendAndResolve.ok && sendAndResolve.state.status).toBe('resolved');
    expect(sendAndResolve.ok && sendAndResolve.events.map((e) => e.type)).toEqual(['replied', 'resolved']);
  });

  it('spam and unknown address close at once; other methods open the feedback window', () => {
    for (const method of ['spam', 'unknown_address', 'merged'] as const) {
      const r = decide(ticket('new'), { command: { type: 'resolve', method }, actor: alice }, ctx(alice));
      expect(r.ok && r.state.status).toBe('closed');
    }
    for (const method of ['customer_communication', 'no_response', 'rejected', 'split'] as const) {
      const r = decide(ticket('new'), { command: { type: 'resolve', method }, actor: alice }, ctx(alice));
      expect(r.ok && r.state.status).toBe('resolved');
    }
  });

  it('a draft can be resolved straight away (first-contact resolution)', () => {
    const r = decide(ticket('draft'), { command: SAMPLE.resolve, actor: alice }, ctx(alice));
    expect(r.ok && r.state.status).toBe('resolved');
  });

  it('wait days default from the settings and the follow-up date must be in the future', () => {
    const r = decide(
      ticket('in_progress'),
      { command: { type: 'wait', waitType: 'more_info' }, actor: alice },
      ctx(alice, { defaultWaitDays: 2 }),
    );
    expect(r.ok && r.state.waitUntil).toBe(T0 + HOUR + 48 * HOUR);
    const past = decide(
      ticket('in_progress'),
      { command: { type: 'wait', waitType: 'until', until: T0 }, actor: alice },
      ctx(alice),
    );
    expect(past.ok ? 'ok' : past.refusal.code).toBe('invalid_input');
  });

  it('notifications carry deterministic ids and the right recipients', () => {
    const r = decide(ticket('in_progress'), { command: SAMPLE.reply, actor: alice }, ctx(alice));
    const n = r.ok ? r.effects.find((e) => e.type === 'notify') : undefined;
    expect(n).toEqual({
      type: 'notify',
      notification: expect.objectContaining({
        id: 't1:4:agent_reply',
        to: ['rita@example.com'],
        cc: ['boss@example.com'],
      }),
    });
  });

  it('a private message needs recipients and notifies only them', () => {
    const none = decide(
      ticket('in_progress'),
      { command: { type: 'reply', body: 'psst', visibility: 'private_message' }, actor: alice },
      ctx(alice),
    );
    expect(none.ok ? 'ok' : none.refusal.code).toBe('missing_fields');
    const some = decide(
      ticket('in_progress'),
      {
        command: { type: 'reply', body: 'psst', visibility: 'private_message', recipients: ['vendor@example.com'] },
        actor: alice,
      },
      ctx(alice),
    );
    const sent = some.ok ? some.effects.flatMap((e) => (e.type === 'notify' ? e.notification.to : [])) : [];
    expect(sent).toEqual(['vendor@example.com']);
  });
});
