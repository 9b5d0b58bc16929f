// The lifecycle's edges on the shared stack: a split parent that follows its children both ways, a
// requester replying through a merged ticket, and an operator cancelling or terminating a ticket's
// workflow from outside the helpdesk (Temporal UI or CLI) and an admin restarting it.
import { describe, expect, it } from 'vitest';
import { ticketWorkflowId } from '@helpdesk/contracts';
import type { TicketState } from '@helpdesk/contracts';
import { api, command, createTicket, eventually, token, useStore, useTemporal, waitForStatus } from '../support/api';
import type { TicketBody } from '../support/api';
import { checked } from '../support/openapi';

const store = useStore();
const temporal = useTemporal();

const requesterOf = (t: TicketBody) => t.requester as { id: string; email: string };
const asRequester = (t: TicketBody) => token('requester', requesterOf(t).id, requesterOf(t).email);
const reply = (t: TicketBody, id = t.id) =>
  api<TicketBody>('POST', `/v1/tickets/${id}/replies`, { token: asRequester(t), body: { body: 'Still broken' } });
const types = async (id: string) => (await store().listEvents(id)).map((e) => e.type);
/** Wait until the read model shows what `check` looks for. */
const until = (id: string, what: string, check: (t: TicketState) => boolean) =>
  eventually(
    async () => {
      const t = await store().getTicket(id);
      return t && check(t) ? t : undefined;
    },
    20_000,
    `ticket ${id}: ${what}`,
  );

describe('a split parent reflects its children', () => {
  it('does not resolve while a child reopened before the last one resolved is open again, and comes back when one reopens after', async () => {
    const parent = await createTicket();
    const split = await command(parent.id, 'split', {
      children: [
        { title: 'A', description: 'a' },
        { title: 'B', description: 'b' },
      ],
    });
    expect(split.status).toBe(200);
    const [c1, c2] = split.body.links.children as [string, string];
    const child = { ...parent, id: c1 };
    await until(c1, 'started', () => true);
    await until(c2, 'started', () => true);

    expect((await command(c1, 'resolve', { method: 'customer_communication' })).status).toBe(200);
    await until(parent.id, 'c1 counted', (t) => (t.links.childrenResolved ?? []).includes(c1));
    // The requester answers the first child inside its window: it reopens, and the parent no longer counts it.
    const reopened = await reply(child, c1);
    expect([reopened.status, reopened.body.status]).toEqual([200, 'new']);
    await until(parent.id, 'c1 no longer counted', (t) => (t.links.childrenResolved ?? []).length === 0);

    expect((await command(c2, 'resolve', { method: 'customer_communication' })).status).toBe(200);
    const waiting = await until(parent.id, 'c2 counted', (t) => (t.links.childrenResolved ?? []).includes(c2));
    expect([waiting.status, waiting.waitType]).toEqual(['waiting', 'split']);

    expect((await command(c1, 'resolve', { method: 'customer_communication' })).status).toBe(200);
    const resolved = await waitForStatus(store(), parent.id, 'resolved', 20_000);
    expect(resolved.resolution?.method).toBe('split');

    // A child reopened after the parent resolved (inside the parent's window) brings it back to waiting.
    expect((await reply(child, c2)).status).toBe(200);
    const back = await until(parent.id, 'back to waiting', (t) => t.status === 'waiting');
    expect([back.waitType, back.reopenCount, back.links.childrenResolved]).toEqual(['split', 1, [c1]]);
    // The projection writes the ticket and its events side by side: the timeline may land a moment after.
    const timeline = await eventually(
      async () => {
        const seen = await types(parent.id);
        return seen.filter((t) => t === 'child_reopened').length === 2 && seen.includes('reopened') ? seen : undefined;
      },
      20_000,
      'the parent to record the reopening',
    );
    expect(timeline.lastIndexOf('reopened')).toBeGreaterThan(timeline.lastIndexOf('resolved'));
  });
});

describe('a merged ticket', () => {
  it("its requester's reply through the API lands in the target, also when the target belongs to someone else", async () => {
    const source = await createTicket();
    const target = await createTicket();
    expect((await command(source.id, 'merge', { targetId: target.id })).status).toBe(200);
    const answer = await reply(source);
    // The requester sees their own ticket (the target is not theirs to read).
    expect([answer.status, answer.body.id, answer.body.links.mergedInto]).toEqual([200, source.id, target.id]);
    const events = await store().listEvents(target.id);
    const landed = events.find((e) => e.type === 'customer_replied');
    expect([landed?.actor.id, landed?.data?.body, landed?.data?.through]).toEqual([
      requesterOf(source).id,
      'Still broken',
      source.id,
    ]);
    expect((await store().getTicket(source.id))?.status).toBe('closed');
  });

  it('answers with the target when it is the same requester’s', async () => {
    const source = await createTicket();
    const target = await createTicket({ requester: requesterOf(source) });
    await command(source.id, 'merge', { targetId: target.id });
    const answer = await reply(source);
    expect([answer.status, answer.body.id]).toEqual([200, target.id]);
  });
});

describe("an operator ends a ticket's workflow outside the helpdesk", () => {
  it('a cancelled run closes the ticket, logged; the read model says closed and a reply makes a follow-up', async () => {
    const t = await createTicket();
    await command(t.id, 'take');
    const handle = temporal().workflow.getHandle(ticketWorkflowId(t.id));
    await handle.cancel();
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const closed = await waitForStatus(store(), t.id, 'closed', 20_000);
    expect(closed.resolution).toBeUndefined();
    const last = (await store().listEvents(t.id)).at(-1);
    expect([last?.type, last?.data?.reason]).toEqual(['closed', 'workflow_cancelled']);
    const refused = await command<{ detail: string }>(t.id, 'reopen');
    expect(refused.status).toBe(409);
    const followUp = await reply(t);
    expect([followUp.status, followUp.body.links.followUpOf]).toEqual([201, t.id]);
  });

  it('a terminated run is found by the next command, marked halted, and an admin restarts it from its state', async () => {
    const t = await createTicket();
    await command(t.id, 'take');
    const handle = temporal().workflow.getHandle(ticketWorkflowId(t.id));
    await handle.terminate('operator test');

    const refused = await command<{ detail: string; currentStatus: string }>(t.id, 'wait', { waitType: 'case' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/terminated.*restart/);
    expect(refused.body.currentStatus).toBe('in_progress');
    // The requester is refused the same way, not with a 500.
    expect((await reply(t)).status).toBe(409);
    const shown = await checked<TicketBody>('GET', `/v1/tickets/${t.id}`, { token: token('agent', 'alice') });
    expect([shown.body.status, shown.body.halted, shown.body.attention]).toEqual(['in_progress', 'terminated', true]);
    expect(await types(t.id)).toContain('workflow_halted');

    const path = `/v1/tickets/${t.id}/restart`;
    expect((await checked('POST', path, { token: token('agent', 'alice'), body: {} })).status).toBe(403);
    const restarted = await checked<TicketBody>('POST', path, { token: token('admin', 'root'), body: {} });
    expect([restarted.status, restarted.body.status, restarted.body.assignee, restarted.body.halted]).toEqual([
      200,
      'in_progress',
      'alice',
      undefined,
    ]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await store().listEvents(t.id)).at(-1)?.type).toBe('restarted');
    // The ticket works again, and a running ticket has nothing to restart.
    const waited = await command(t.id, 'wait', { waitType: 'case' });
    expect([waited.status, waited.body.status]).toEqual([200, 'waiting']);
    expect((await checked('POST', path, { token: token('admin', 'root'), body: {} })).status).toBe(409);
  });

  it('a run whose history is gone is reported as such and restarts too; a closed ticket never restarts', async () => {
    const t = await createTicket();
    const client = temporal();
    await client.workflowService.deleteWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: ticketWorkflowId(t.id) },
    });
    const refused = await eventually(
      async () => {
        const r = await command<{ detail: string }>(t.id, 'take');
        return r.status === 409 && /no longer exists/.test(r.body.detail) ? r : undefined;
      },
      20_000,
      'the deleted run to be found',
    );
    expect(refused.body.detail).toMatch(/restart/);
    expect((await store().getTicket(t.id))?.halted).toBe('missing');
    const restarted = await api<TicketBody>('POST', `/v1/tickets/${t.id}/restart`, {
      token: token('admin', 'root'),
      body: {},
    });
    expect([restarted.status, restarted.body.status]).toEqual([200, 'new']);
    expect((await command(t.id, 'spam')).status).toBe(200);
    await waitForStatus(store(), t.id, 'closed');
    expect((await api('POST', `/v1/tickets/${t.id}/restart`, { token: token('admin', 'root'), body: {} })).status).toBe(
      409,
    );
  });
});

describe('receipt time', () => {
  it('the gateway stamps when it received a reply, and the timeline keeps it', async () => {
    const t = await createTicket();
    const before = Date.now();
    expect((await reply(t)).status).toBe(200);
    const after = Date.now();
    const replied = (await store().listEvents(t.id)).find((e) => e.type === 'customer_replied');
    const at = Number(replied?.data?.receivedAt);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });
});
