// Kill the worker in the middle of a ticket's life: the ticket carries on from where it was,
// timers included, with no timeline event lost or duplicated. Runs its own worker and gateway on
// a private task queue so killing them does not disturb the other tests.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { api, eventually, token, useStore } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const store = useStore();

let svc: PrivateServices;

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'gateway']);
});
afterAll(async () => {
  await svc?.stop();
});

const DAY_IN_SECONDS = 86_400;

describe('durability', () => {
  it('survives a killed worker: the wait timer fires while it is down and the ticket carries on', async () => {
    const agent = token('agent', 'alice');
    const created = await api<{ id: string }>('POST', '/v1/tickets', {
      base: svc.gateway,
      token: agent,
      body: { title: 'Disk full', description: 'No space left', requester: { id: `r-${randomUUID()}` } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await api('POST', `/v1/tickets/${id}/take`, { base: svc.gateway, token: agent, body: {} });
    const waiting = await api<{ status: string }>('POST', `/v1/tickets/${id}/wait`, {
      base: svc.gateway,
      token: agent,
      body: { waitType: 'more_info', days: 5 / DAY_IN_SECONDS },
    });
    expect(waiting.body.status).toBe('waiting');

    await svc.kill('worker');
    // The timer is due while no worker runs.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await store().getTicket(id))?.status).toBe('waiting');
    await svc.start('worker');

    const resumed = await eventually(
      async () => {
        const t = await store().getTicket(id);
        return t?.status === 'in_progress' ? t : undefined;
      },
      30_000,
      'the ticket to come back from waiting',
    );
    expect(resumed.attention).toBe(true);

    // And it keeps working after the restart: resolve, then the feedback window closes it.
    const resolved = await api<{ status: string }>('POST', `/v1/tickets/${id}/resolve`, {
      base: svc.gateway,
      token: agent,
      body: { method: 'customer_communication' },
    });
    expect(resolved.body.status).toBe('resolved');
    await svc.kill('worker');
    await svc.start('worker');
    await eventually(
      async () => ((await store().getTicket(id))?.status === 'closed' ? true : undefined),
      30_000,
      'the ticket to close',
    );

    const events = await store().listEvents(id);
    expect(events.map((e) => e.type)).toEqual(['created', 'taken', 'waiting', 'resumed', 'resolved', 'closed']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
