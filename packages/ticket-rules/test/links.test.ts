// Follow-ups, merges and splits: the rules that connect tickets.
import { describe, expect, it } from 'vitest';
import type { TicketWorkflowInput } from '@helpdesk/contracts';
import { childResolved, createTicket, decide, followUpFields, mergedIn } from '../src';
import { T0, alice, ctx, rita, settings, ticket } from './fixtures';

const closed = () =>
  ticket('closed', {
    id: 'old',
    priority: 'urgent',
    type: 'incident',
    group: 'network',
    severity: 'high',
    company: 'ACME',
    project: 'P1',
    contract: 'C9',
    brand: 'default',
    supportAddress: 'old@helpdesk.local',
    ccs: ['boss@example.com'],
    tags: ['vpn', 'vip'],
  });

describe('follow-ups', () => {
  it('carry most of the closed ticket, but not priority, type, group or assignee', () => {
    const { fields, assignee } = followUpFields(
      { of: closed(), via: 'customer_reply', message: { body: 'It broke again' } },
      settings(),
    );
    expect(fields).toEqual({
      title: 'Printer on fire',
      description: 'It broke again',
      category: 'general',
      severity: 'high',
      requester: { id: 'rita', email: 'rita@example.com' },
      primaryContact: { id: 'rita', email: 'rita@example.com' },
      company: 'ACME',
      project: 'P1',
      contract: 'C9',
      notifyThirdParty: false,
      tags: ['vpn', 'vip'],
      brand: 'default',
      supportAddress: 'support@helpdesk.local',
      ccs: ['boss@example.com'],
    });
    expect(assignee).toBeUndefined();
  });

  it('from an email: the address it was sent to and only its CCs', () => {
    const { fields } = followUpFields(
      {
        of: closed(),
        via: 'email',
        supportAddress: 'billing@helpdesk.local',
        ccs: ['new-cc@example.com'],
        message: { body: 'hi' },
      },
      settings(),
    );
    expect(fields.supportAddress).toBe('billing@helpdesk.local');
    expect(fields.ccs).toEqual(['new-cc@example.com']);
  });

  it('keep assignee and group when the admin setting says so', () => {
    const { fields, assignee } = followUpFields(
      { of: closed(), via: 'agent' },
      settings({ followUpKeepsAssigneeAndGroup: true }),
    );
    expect([fields.group, assignee]).toEqual(['network', 'alice']);
  });

  it('are created with channel closed_ticket, a link back, and a follow-up notice instead of an acknowledgement', () => {
    const input: TicketWorkflowInput = {
      ticketId: 'fu1',
      reference: 'TK-2',
      actor: rita,
      channel: 'web',
      draft: false,
      fields: {},
      settings: settings(),
      followUp: { of: closed(), via: 'customer_reply', message: { body: 'Again' } },
    };
    const r = createTicket(input, ctx(rita));
    expect([r.state.channel, r.state.links.followUpOf, r.state.status, r.state.priority, r.state.group]).toEqual([
      'closed_ticket',
      'old',
      'new',
      undefined,
      undefined,
    ]);
    expect(r.effects.map((e) => (e.type === 'notify' ? e.notification.kind : e.type))).toEqual([
      'link_follow_up',
      'follow_up_created',
    ]);
  });
});

describe('merge', () => {
  it('resolves the source with merged, closes it, links the target and copies the thread', () => {
    const r = decide(ticket('in_progress'), { command: { type: 'merge', targetId: 't2' }, actor: alice }, ctx(alice));
    expect(r.ok && [r.state.status, r.state.resolution?.method, r.state.links.mergedInto]).toEqual([
      'closed',
      'merged',
      't2',
    ]);
    expect(r.ok && r.effects.some((e) => e.type === 'merge_into' && e.targetId === 't2')).toBe(true);
  });

  it('refuses merging a ticket into itself', () => {
    const r = decide(ticket('in_progress'), { command: { type: 'merge', targetId: 't1' }, actor: alice }, ctx(alice));
    expect(r.ok ? 'ok' : r.refusal.code).toBe('invalid_input');
  });

  it('the target gets the thread once, as a private note, with attention', () => {
    const m = { sourceId: 's1', sourceReference: 'TK-9', thread: 'hello' };
    const r = mergedIn(ticket('in_progress'), m, T0, settings());
    expect(r?.state.links.mergedFrom).toEqual(['s1']);
    expect(r?.events[0]?.data).toMatchObject({ visibility: 'private_note', mergedFrom: 's1' });
    expect(mergedIn(r!.state, m, T0, settings())).toBeUndefined();
    expect(mergedIn(ticket('closed'), m, T0, settings())).toBeUndefined();
  });
});

describe('split', () => {
  const split = () => {
    const r = decide(
      ticket('in_progress'),
      {
        command: {
          type: 'split',
          children: [
            { id: 'c1', fields: { title: 'A', description: 'a' } },
            { id: 'c2', fields: { title: 'B', description: 'b' } },
          ],
        },
        actor: alice,
      },
      ctx(alice),
    );
    if (!r.ok) throw new Error(r.refusal.message);
    return r;
  };

  it('waits with type split and starts the children', () => {
    const r = split();
    expect([r.state.status, r.state.waitType, r.state.links.children]).toEqual(['waiting', 'split', ['c1', 'c2']]);
    expect(r.effects).toEqual([{ type: 'start_children', children: expect.any(Array) }]);
  });

  it('resolves with split only when every child has resolved', () => {
    const after1 = childResolved(split().state, 'c1', T0, settings());
    expect(after1?.state.status).toBe('waiting');
    expect(childResolved(after1!.state, 'c1', T0, settings())).toBeUndefined();
    expect(childResolved(after1!.state, 'stranger', T0, settings())).toBeUndefined();
    const after2 = childResolved(after1!.state, 'c2', T0, settings());
    expect([after2?.state.status, after2?.state.resolution?.method]).toEqual(['resolved', 'split']);
  });

  it('a second split keeps what the children of the first one already did', () => {
    const first = childResolved(split().state, 'c1', T0, settings())!.state;
    const resumed = decide(first, { command: { type: 'resume' }, actor: alice }, ctx(alice));
    if (!resumed.ok) throw new Error(resumed.refusal.message);
    const again = decide(
      resumed.state,
      { command: { type: 'split', children: [{ id: 'c3', fields: { title: 'C', description: 'c' } }] }, actor: alice },
      ctx(alice),
    );
    expect(again.ok && again.state.links.childrenResolved).toEqual(['c1']);
    expect(again.ok && again.state.links.children).toEqual(['c1', 'c2', 'c3']);
  });

  it('a child resolving tells its parent', () => {
    const child = ticket('in_progress', { id: 'c1', links: { followUps: [], children: [], parent: 't1' } });
    const r = decide(
      child,
      { command: { type: 'resolve', method: 'customer_communication' }, actor: alice },
      ctx(alice),
    );
    expect(r.ok && r.effects.find((e) => e.type === 'child_resolved')).toEqual({
      type: 'child_resolved',
      parentId: 't1',
    });
  });
});

describe('mail that failed for good', () => {
  it('is recorded on the timeline as a system event, except on a closed ticket', async () => {
    const { notificationFailed } = await import('../src');
    const n = {
      id: 't1:3:agent_reply',
      kind: 'agent_reply' as const,
      ticketId: 't1',
      reference: 'TK-1',
      title: 'x',
      to: ['rita@example.com'],
      cc: [],
    };
    const r = notificationFailed(ticket('in_progress'), n, 'SMTP 550', T0, settings());
    expect(r?.events.map((e) => [e.type, e.actor.id, e.data?.notification])).toEqual([
      ['notification_failed', 'system', 't1:3:agent_reply'],
    ]);
    expect(r?.state.lastActionAt).toBe(ticket('in_progress').lastActionAt);
    expect(notificationFailed(ticket('closed'), n, 'SMTP 550', T0, settings())).toBeUndefined();
  });
});
