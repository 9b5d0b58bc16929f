// The lifecycle of the spec, row by row, over HTTP against the shared stack (feedback window of a
// few seconds): waits and their timers, follow-ups, merge, split, spam, delete, purge, drafts.
import { describe, expect, it } from 'vitest';
import {
  api,
  command,
  createTicket,
  eventually,
  mailTo,
  temporalClient,
  token,
  useStore,
  waitForStatus,
} from '../support/api';
import type { TicketBody } from '../support/api';

const store = useStore();

const SECOND_IN_DAYS = 1 / 86_400;
const types = async (id: string) => (await store().listEvents(id)).map((e) => e.type);

describe('waiting', () => {
  it('more_info: the days running out bring it back with attention', async () => {
    const t = await createTicket();
    const w = await command(t.id, 'wait', { waitType: 'more_info', days: 2 * SECOND_IN_DAYS });
    expect([w.status, w.body.status, w.body.assignee, w.body.waitType]).toEqual([200, 'waiting', 'alice', 'more_info']);
    const back = await waitForStatus(store(), t.id, 'in_progress');
    expect(back.attention).toBe(true);
    expect(await types(t.id)).toEqual(['created', 'taken', 'waiting', 'resumed']);
  });

  it('more_info with "close if no response": resolved with no_response, then closed', async () => {
    const t = await createTicket();
    await command(t.id, 'wait', { waitType: 'more_info', days: 2 * SECOND_IN_DAYS, closeIfNoResponse: true });
    const resolved = await waitForStatus(store(), t.id, 'resolved');
    expect(resolved.resolution?.method).toBe('no_response');
    await waitForStatus(store(), t.id, 'closed');
  });

  it('more_info: a customer reply brings it back at once', async () => {
    const t = await createTicket();
    await command(t.id, 'wait', { waitType: 'more_info', days: 1 });
    const requester = t.requester as { id: string; email: string };
    const r = await api<TicketBody>('POST', `/v1/tickets/${t.id}/replies`, {
      token: token('requester', requester.id, requester.email),
      body: { body: 'Here is the log file' },
    });
    expect([r.status, r.body.status]).toEqual([200, 'in_progress']);
    expect(r.body.attention).toBeUndefined(); // internal flag, not shown to requesters
    expect((await store().getTicket(t.id))?.attention).toBe(true);
  });

  it('until a date: comes back at that moment; case: resumes when the case ends; resume by hand', async () => {
    const t = await createTicket();
    const until = new Date(Date.now() + 2_000).toISOString();
    expect((await command(t.id, 'wait', { waitType: 'until', until })).body.waitUntil).toBe(until);
    expect((await waitForStatus(store(), t.id, 'in_progress')).attention).toBe(true);

    expect((await command(t.id, 'wait', { waitType: 'case', caseId: 'CASE-1' })).body.waitType).toBe('case');
    const ended = await command(t.id, 'end_case');
    expect([ended.body.status, ended.body.attention]).toEqual(['in_progress', true]);

    await command(t.id, 'wait', { waitType: 'more_info', days: 1 });
    const resumed = await command(t.id, 'resume');
    expect([resumed.body.status, resumed.body.attention]).toEqual(['in_progress', false]);
  });

  it('refuses a follow-up date in the past and leaves the ticket as it was', async () => {
    const t = await createTicket();
    const before = await store().getTicket(t.id);
    const r = await command<{ detail: string }>(t.id, 'wait', {
      waitType: 'until',
      until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/future/);
    expect(await store().getTicket(t.id)).toEqual(before);
  });
});

describe('assignment', () => {
  it('release, reassign (new with the assignee until they take it), take again', async () => {
    const t = await createTicket();
    await command(t.id, 'take');
    const released = await command(t.id, 'release', { reason: 'return_to_queue' });
    expect([released.body.status, released.body.assignee]).toEqual(['new', undefined]);
    const assigned = await command(t.id, 'assign', { assignee: 'bob' });
    expect([assigned.body.status, assigned.body.assignee]).toEqual(['new', 'bob']);
    const taken = await command(t.id, 'take', {}, { token: token('agent', 'bob') });
    expect([taken.body.status, taken.body.assignee]).toEqual(['in_progress', 'bob']);
    const robot = await command(t.id, 'release', { reason: 'robot_rejected' }, { token: token('service', 'router') });
    expect(robot.body.status).toBe('new');
  });
});

describe('drafts', () => {
  it('submit lists every missing field, then submits once they are there', async () => {
    const created = await api<TicketBody>('POST', '/v1/tickets', {
      token: token('agent', 'alice'),
      body: { draft: true, title: 'Half done' },
    });
    expect([created.status, created.body.status]).toEqual([201, 'draft']);
    const refused = await command<{ errors: { field: string }[]; currentStatus: string }>(created.body.id, 'submit');
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.field)).toEqual(['description', 'primaryContact', 'requester']);
    expect(refused.body.currentStatus).toBe('draft');
    const ok = await command(created.body.id, 'submit', {
      description: 'Now complete',
      requester: { id: 'rq', email: 'rq@example.com' },
    });
    expect([ok.status, ok.body.status]).toEqual([200, 'new']);
  });

  it('a draft can be resolved at first contact', async () => {
    const created = await api<TicketBody>('POST', '/v1/tickets', {
      token: token('agent', 'alice'),
      body: { draft: true, title: 'Quick one' },
    });
    const r = await command(created.body.id, 'resolve', { method: 'customer_communication' });
    expect(r.body.status).toBe('resolved');
  });
});

describe('resolution', () => {
  it('send & resolve in one call, with the reply and resolution mails', async () => {
    const t = await createTicket();
    const r = await command(t.id, 'replies', {
      body: 'Replaced the toner.',
      resolve: { method: 'customer_communication' },
    });
    expect([r.status, r.body.status]).toEqual([200, 'resolved']);
    expect(await types(t.id)).toEqual(['created', 'taken', 'replied', 'resolved']);
    const email = (t.requester as { email: string }).email;
    await eventually(
      async () => ((await mailTo(email, 'Resolved:')).length === 1 ? true : undefined),
      20_000,
      'the resolution mail',
    );
  });

  it('spam and unknown address close at once; reopen by hand inside the window', async () => {
    const spam = await createTicket();
    expect((await command(spam.id, 'spam')).body.status).toBe('closed');
    const unknown = await createTicket();
    expect((await command(unknown.id, 'resolve', { method: 'unknown_address' })).body.status).toBe('closed');
    const t = await createTicket();
    await command(t.id, 'resolve', { method: 'rejected' });
    const reopened = await command(t.id, 'reopen');
    expect([reopened.body.status, reopened.body.reopenCount]).toEqual(['new', 1]);
  });
});

describe('follow-ups', () => {
  it('a customer reply to a closed ticket opens a follow-up carrying the right fields', async () => {
    const t = await createTicket({
      priority: 'urgent',
      type: 'incident',
      group: 'support',
      severity: 'high',
      tags: ['printer', 'vip'],
      ccs: ['boss@example.com'],
      company: 'ACME',
      category: 'general',
    });
    await command(t.id, 'take');
    await command(t.id, 'notes', { body: 'internal: replaced fuser' });
    await command(t.id, 'resolve', { method: 'customer_communication' });
    await waitForStatus(store(), t.id, 'closed');

    const requester = t.requester as { id: string; email: string };
    const reply = await api<TicketBody>('POST', `/v1/tickets/${t.id}/replies`, {
      token: token('requester', requester.id, requester.email),
      body: { body: 'It is on fire again' },
    });
    expect(reply.status).toBe(201);
    const fu = reply.body;
    expect(fu.id).not.toBe(t.id);
    expect(fu.links.followUpOf).toBe(t.id);
    expect(fu.channel).toBe('closed_ticket');
    expect(fu.status).toBe('new');
    // Carried over:
    expect(fu.title).toBe(t.title);
    expect(fu.description).toBe('It is on fire again');
    expect(fu.requester).toEqual(t.requester);
    expect(fu.tags).toEqual(['printer', 'vip']);
    expect(fu.severity).toBe('high');
    expect(fu.company).toBe('ACME');
    expect(fu.category).toBe('general');
    expect(fu.ccs).toEqual(['boss@example.com']);
    expect(fu.supportAddress).toBe('support@helpdesk.local');
    // Not carried over:
    expect(fu.priority).toBeUndefined();
    expect(fu.type).toBeUndefined();
    expect(fu.group).toBeUndefined();
    expect(fu.assignee).toBeUndefined();
    expect(await types(fu.id)).toEqual(['created']);

    // The closed ticket lists its follow-ups, and is otherwise untouched.
    const closed = await eventually(
      async () => {
        const c = await store().getTicket(t.id);
        return c?.links.followUps.includes(fu.id) ? c : undefined;
      },
      10_000,
      'the closed ticket to list its follow-up',
    );
    expect(closed.status).toBe('closed');
    await eventually(
      async () => ((await mailTo(requester.email, 'Follow-up opened')).length === 1 ? true : undefined),
      20_000,
      'the follow-up mail',
    );
  });

  it('an agent can open a follow-up by hand; only of a closed ticket', async () => {
    const t = await createTicket();
    const early = await command(t.id, 'follow-ups', { description: 'more' });
    expect(early.status).toBe(409);
    await command(t.id, 'spam');
    const fu = await command(t.id, 'follow-ups', { description: 'Customer called back' });
    expect([fu.status, fu.body.links.followUpOf, fu.body.description]).toEqual([201, t.id, 'Customer called back']);
    const asRequester = await command(t.id, 'follow-ups', {}, { token: token('requester', 'x') });
    expect(asRequester.status).toBe(403);
  });

  it('closed is final: every command on a closed ticket is refused with a hint', async () => {
    const t = await createTicket();
    await command(t.id, 'spam');
    for (const name of ['take', 'resume', 'reopen', 'spam']) {
      const r = await command<{ currentStatus: string; hint: string; allowedCommands: string[] }>(t.id, name);
      expect([r.status, r.body.currentStatus, r.body.allowedCommands]).toEqual([409, 'closed', []]);
      expect(r.body.hint).toMatch(/follow-up/);
    }
    const patched = await api('PATCH', `/v1/tickets/${t.id}`, {
      token: token('agent', 'alice'),
      body: { priority: 'low' },
    });
    expect(patched.status).toBe(409);
    // The rules decide a closed ticket too: its requester may not reclassify any ticket (403, as
    // the transition matrix says), closed or not.
    const requester = t.requester as { id: string; email: string };
    const asRequester = await command<{ code: string; currentStatus: string; allowedCommands: string[] }>(
      t.id,
      'reclassify',
      { group: 'billing' },
      { token: token('requester', requester.id, requester.email) },
    );
    expect([asRequester.status, asRequester.body.currentStatus, asRequester.body.allowedCommands]).toEqual([
      403,
      'closed',
      [],
    ]);
    expect(await types(t.id)).toEqual(['created', 'resolved', 'closed']);
  });
});

describe('merge and split', () => {
  it('merge: the source is resolved as merged and closed, its thread lands in the target, later replies too', async () => {
    const source = await createTicket();
    const target = await createTicket();
    await command(source.id, 'replies', { body: 'First answer on the duplicate' });
    const merged = await command(source.id, 'merge', { targetId: target.id });
    expect([merged.status, merged.body.status, merged.body.links.mergedInto]).toEqual([200, 'closed', target.id]);
    expect((merged.body.resolution as { method: string }).method).toBe('merged');

    const note = await eventually(
      async () => {
        const events = await store().listEvents(target.id);
        return events.find((e) => e.type === 'merged_in');
      },
      20_000,
      'the merged thread in the target',
    );
    expect(note.data?.visibility).toBe('private_note');
    expect(String(note.data?.body)).toContain('First answer on the duplicate');
    expect(String(note.data?.body)).toContain(source.reference);

    const requester = source.requester as { id: string; email: string };
    const late = await api<TicketBody>('POST', `/v1/tickets/${source.id}/replies`, {
      token: token('agent', 'alice'),
      body: { body: 'agent on closed source' },
    });
    expect(late.status).toBe(409);
    // The source's requester replying lands in the target — but only a requester of the target may see it.
    const asService = await api<TicketBody>('POST', `/v1/tickets/${source.id}/replies`, {
      token: token('service', 'mail-bridge'),
      body: { body: `Reply from ${requester.email}` },
    });
    expect([asService.status, asService.body.id]).toEqual([200, target.id]);

    const bad = await command(target.id, 'merge', { targetId: source.id });
    expect(bad.status).toBe(400);
  });

  it('split: children are created, the parent waits and resolves when all are resolved', async () => {
    const parent = await createTicket({ tags: ['multi'] });
    const split = await command(parent.id, 'split', {
      children: [
        { title: 'Fix the printer', description: 'Hardware part' },
        { title: 'Order toner', description: 'Purchasing part' },
      ],
    });
    expect([split.status, split.body.status, split.body.waitType]).toEqual([200, 'waiting', 'split']);
    const childIds = split.body.links.children;
    expect(childIds).toHaveLength(2);
    const children = await Promise.all(
      childIds.map((id) => eventually(async () => store().getTicket(id), 20_000, `child ${id}`)),
    );
    expect(children.map((c) => [c.title, c.links.parent, c.channel, c.requester?.id])).toEqual([
      ['Fix the printer', parent.id, 'split', (parent.requester as { id: string }).id],
      ['Order toner', parent.id, 'split', (parent.requester as { id: string }).id],
    ]);
    await command(childIds[0]!, 'resolve', { method: 'customer_communication' });
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await store().getTicket(parent.id))?.status).toBe('waiting');
    await command(childIds[1]!, 'resolve', { method: 'customer_communication' });
    const resolved = await waitForStatus(store(), parent.id, 'resolved');
    expect(resolved.resolution?.method).toBe('split');
  });
});

describe('delete, restore, purge', () => {
  it(
    'delete hides and restore brings back; purge (admin only) removes the ticket and its history',
    { timeout: 120_000 },
    async () => {
      const t = await createTicket();
      const deleted = await api<TicketBody>('DELETE', `/v1/tickets/${t.id}`, { token: token('agent', 'alice') });
      expect([deleted.status, deleted.body.deleted]).toEqual([200, true]);
      expect((await command(t.id, 'take')).status).toBe(409);
      const restored = await command(t.id, 'restore');
      expect([restored.status, restored.body.deleted]).toEqual([200, false]);

      expect((await api('DELETE', `/v1/tickets/${t.id}/purge`, { token: token('agent', 'alice') })).status).toBe(403);
      expect((await api('DELETE', `/v1/tickets/${t.id}/purge`, { token: token('admin', 'root') })).status).toBe(204);
      expect((await api('GET', `/v1/tickets/${t.id}`, { token: token('agent', 'alice') })).status).toBe(404);
      expect(await store().listEvents(t.id)).toEqual([]);
      // Its workflow history goes too.
      const { client, close } = await temporalClient();
      try {
        await eventually(
          async () => {
            try {
              await client.workflow.getHandle(`ticket-${t.id}`).describe();
              return undefined;
            } catch (err) {
              return (err as Error).name === 'WorkflowNotFoundError' ? true : undefined;
            }
          },
          90_000,
          'the workflow history to be deleted',
        ); // the server deletes asynchronously
      } finally {
        await close();
      }
    },
  );
});

describe('permissions', () => {
  it('a requester sees only their own tickets and no private notes', async () => {
    const t = await createTicket();
    await command(t.id, 'notes', { body: 'secret internal note' });
    const requester = t.requester as { id: string; email: string };
    const own = await api<{ items: { type: string }[] }>('GET', `/v1/tickets/${t.id}/events`, {
      token: token('requester', requester.id),
    });
    expect(own.status).toBe(200);
    expect(own.body.items.map((e) => e.type)).toEqual(['created', 'taken']);
    expect((await api('GET', `/v1/tickets/${t.id}`, { token: token('requester', 'someone-else') })).status).toBe(403);
    expect((await command(t.id, 'take', {}, { token: token('requester', requester.id) })).status).toBe(403);
  });
});
