// The walking skeleton end to end: create → take → reply → resolve → feedback window → closed,
// and a customer reply inside the window reopening, checked over HTTP, in the store, in the
// workflow and in the mail sink.
import { describe, expect, it } from 'vitest';
import { stateQuery, syncUpdate, ticketWorkflowId } from '@helpdesk/contracts';
import { api, eventually, mailTo, token, useStore, useTemporal } from '../support/api';

const store = useStore();
const temporal = useTemporal();

type Ticket = Record<string, unknown> & { id: string; reference: string; status: string };

const agent = () => token('agent', 'alice', 'alice@helpdesk.local');

async function createTicket(requesterEmail: string): Promise<Ticket> {
  const res = await api<Ticket>('POST', '/v1/tickets', {
    token: agent(),
    body: {
      title: 'Printer on fire',
      description: 'Smoke coming out of the paper tray',
      requester: { id: `req-${requesterEmail}`, email: requesterEmail, name: 'Rita' },
    },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('walking skeleton', () => {
  it('takes a ticket from creation to closed, through every service', async () => {
    const email = `rita-${Date.now()}@example.com`;
    const created = await createTicket(email);
    expect(created.status).toBe('new');
    expect(created.reference).toMatch(/^TK-\d{6}-\d{5}$/);

    // Read your writes: the GET right after shows it, and so does the store.
    const got = await api<Ticket>('GET', `/v1/tickets/${created.id}`, { token: agent() });
    expect(got.status).toBe(200);
    expect(got.body.reference).toBe(created.reference);

    // The requester got the acknowledgement with the reference in the subject.
    const ack = await eventually(
      async () => {
        const mails = await mailTo(email, created.reference);
        return mails.length > 0 ? mails : undefined;
      },
      20_000,
      'the acknowledgement mail',
    );
    expect(ack).toHaveLength(1);
    expect(ack[0]?.subject).toContain('Request received');

    const taken = await api<Ticket>('POST', `/v1/tickets/${created.id}/take`, { token: agent(), body: {} });
    expect(taken.status).toBe(200);
    expect(taken.body.status).toBe('in_progress');
    expect(taken.body.assignee).toBe('alice');

    // Visible to operators by search attribute.
    const handle = temporal().workflow.getHandle(ticketWorkflowId(created.id));
    const desc = await handle.describe();
    const sa = desc.typedSearchAttributes;
    expect(sa.get({ name: 'TicketStatus', type: 'KEYWORD' } as never)).toBe('in_progress');
    expect(sa.get({ name: 'TicketAssignee', type: 'KEYWORD' } as never)).toBe('alice');
    expect(sa.get({ name: 'TicketReference', type: 'KEYWORD' } as never)).toBe(created.reference);

    const replied = await api<Ticket>('POST', `/v1/tickets/${created.id}/replies`, {
      token: agent(),
      body: { body: 'We are sending a firefighter.' },
    });
    expect(replied.status).toBe(200);
    expect(replied.body.awaiting).toBe('customer');

    const resolved = await api<Ticket>('POST', `/v1/tickets/${created.id}/resolve`, {
      token: agent(),
      body: { method: 'customer_communication' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect((await handle.query(stateQuery)).status).toBe('resolved');

    // The feedback window (seconds in tests) lapses: closed, and the workflow completes.
    const closed = await eventually(
      async () => {
        const t = await store().getTicket(created.id);
        return t?.status === 'closed' ? t : undefined;
      },
      30_000,
      'the ticket to close',
    );
    expect(closed.resolution?.method).toBe('customer_communication');
    await expect(handle.result()).resolves.toMatchObject({ status: 'closed' });

    // The timeline has each step once, in order.
    const events = await store().listEvents(created.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'taken', 'replied', 'resolved', 'closed']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[1]?.before).toEqual({ status: 'new', assignee: undefined, waitType: undefined });

    // Closed is final.
    const late = await api<{ status: number; currentStatus: string; hint: string }>(
      'POST',
      `/v1/tickets/${created.id}/take`,
      {
        token: agent(),
        body: {},
      },
    );
    expect(late.status).toBe(409);
    expect(late.body.currentStatus).toBe('closed');
  });

  it('reopens when the customer replies inside the feedback window', async () => {
    const email = `ray-${Date.now()}@example.com`;
    const created = await createTicket(email);
    await api('POST', `/v1/tickets/${created.id}/take`, { token: agent(), body: {} });
    const resolved = await api<Ticket>('POST', `/v1/tickets/${created.id}/resolve`, {
      token: agent(),
      body: { method: 'customer_communication' },
    });
    expect(resolved.body.status).toBe('resolved');
    const requester = token('requester', `req-${email}`, email);
    const reply = await api<Ticket>('POST', `/v1/tickets/${created.id}/replies`, {
      token: requester,
      body: { body: 'Still broken!' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('in_progress');
    expect(reply.body.reopenCount).toBe(1);
    expect(reply.body.resolution).toBeUndefined();
    expect((await store().getTicket(created.id))?.resolution).toBeUndefined();
    const events = await store().listEvents(created.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'taken', 'resolved', 'customer_replied', 'reopened']);
  });

  it('refuses an invalid transition with 409, leaving the ticket as it was', async () => {
    const created = await createTicket(`x-${Date.now()}@example.com`);
    const before = await store().getTicket(created.id);
    const handle = temporal().workflow.getHandle(ticketWorkflowId(created.id));
    // Creation answers once the ticket is started and readable, before its first workflow task
    // has run: let it run (a sync update) before taking the history's measure.
    await handle.executeUpdate(syncUpdate);
    const historyBefore = (await handle.fetchHistory()).events?.length ?? 0;
    const res = await api<{ currentStatus: string; allowedCommands: string[] }>(
      'POST',
      `/v1/tickets/${created.id}/resume`,
      {
        token: agent(),
        body: {},
      },
    );
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.currentStatus).toBe('new');
    expect(res.body.allowedCommands).toContain('take');
    expect(await store().getTicket(created.id)).toEqual(before);
    expect((await store().listEvents(created.id)).map((e) => e.type)).toEqual(['created']);
    // The validator refused it: no trace in the workflow history either.
    expect((await handle.fetchHistory()).events?.length ?? 0).toBe(historyBefore);
  });

  it('answers 401 without a valid token and 400 naming bad fields', async () => {
    expect((await api('GET', '/v1/tickets/x')).status).toBe(401);
    expect((await api('GET', '/v1/tickets/x', { token: 'nope' })).status).toBe(401);
    const bad = await api<{ errors: { field: string }[] }>('POST', '/v1/tickets', {
      token: agent(),
      body: { title: '', surprise: 1 },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e) => e.field);
    expect(fields).toContain('body.title');
    expect(bad.body.errors.some((e) => e.field === 'body' || e.field.includes('surprise'))).toBe(true);
  });
});
