// Settings that change ticket timing, service-level breaches and continue-as-new. These change
// settings, so they run on private services with a database of their own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsBroadcastId, stateQuery, ticketWorkflowId } from '@helpdesk/contracts';
import { Store } from '@helpdesk/persistence';
import type { Client } from '@temporalio/client';
import { api, command, createTicket, eventually, mailTo, temporalClient, token, waitForStatus } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const SECOND_IN_HOURS = 1 / 3600;
let svc: PrivateServices;
let store: Store;
let temporal: { client: Client; close(): Promise<void> };
const admin = () => token('admin', 'root');

beforeAll(async () => {
  const database = `helpdesk_settings_${randomUUID().slice(0, 8)}`;
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], { database });
  store = await Store.connect((svc as PrivateServices & { mongoUrl: string }).mongoUrl);
  temporal = await temporalClient();
  const put = await api('PUT', '/v1/settings', {
    base: svc.gateway,
    token: admin(),
    body: {
      feedbackWindowHours: 1,
      responseDelayHours: 3 * SECOND_IN_HOURS,
      actionDelayHours: null,
      groups: ['support', 'network'],
    },
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await svc?.stop();
  await store?.close();
  await temporal?.close();
});

const opts = () => ({ base: svc.gateway });

describe('settings', () => {
  it('only admins change them, and bad values are refused field by field', async () => {
    expect(
      (await api('PUT', '/v1/settings', { ...opts(), token: token('agent', 'alice'), body: { notifyOnClose: false } }))
        .status,
    ).toBe(403);
    const bad = await api<{ errors: { field: string }[] }>('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { feedbackWindowHours: -1, numberingMask: 'no-counter', surprise: true },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['body', 'body.feedbackWindowHours']);
    const mask = await api<{ errors: { field: string }[] }>('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { numberingMask: 'no-counter' },
    });
    expect(mask.body.errors[0]?.field).toBe('body.numberingMask');
    const got = await api<{ feedbackWindowHours: number }>('GET', '/v1/settings', {
      ...opts(),
      token: token('agent', 'alice'),
    });
    expect(got.body.feedbackWindowHours).toBe(1);
  });

  it('a shorter feedback window applies to tickets already resolved, without restarting anything', async () => {
    const t = await createTicket({}, opts());
    await command(t.id, 'resolve', { method: 'customer_communication' }, opts());
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await store.getTicket(t.id))?.status).toBe('resolved');
    const put = await api('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { feedbackWindowHours: 2 * SECOND_IN_HOURS },
    });
    expect(put.status).toBe(200);
    await waitForStatus(store, t.id, 'closed', 20_000);
    await api('PUT', '/v1/settings', { ...opts(), token: admin(), body: { feedbackWindowHours: 1 } });
  });

  it("a change that moves none of a ticket's deadlines records nothing in it, and its next command acts on it", async () => {
    // Replied to (no response deadline), no action delay: an open ticket with no deadline at all.
    const t = await createTicket({}, opts());
    expect((await command(t.id, 'take', {}, opts())).status).toBe(200);
    expect((await command(t.id, 'replies', { body: 'On it' }, opts())).status).toBe(200);
    const handle = temporal.client.workflow.getHandle(ticketWorkflowId(t.id));
    // Let the mail it sent complete (that adds to its history), then take the measure.
    let last = -1;
    const before = await eventually(
      async () => {
        const now = (await handle.describe()).historyLength;
        const steady = now === last;
        last = now;
        await new Promise((r) => setTimeout(r, 500));
        return steady ? now : undefined;
      },
      20_000,
      'the history to settle',
    );
    const put = await api<{ version: number }>('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { feedbackWindowHours: 2 * SECOND_IN_HOURS },
    });
    expect(put.status).toBe(200);
    await temporal.client.workflow.getHandle(settingsBroadcastId(svc.taskQueue, put.body.version)).result();
    expect((await handle.describe()).historyLength).toBe(before);
    // Not signalled, yet the resolution uses the new window: the command carried the settings.
    expect((await command(t.id, 'resolve', { method: 'customer_communication' }, opts())).status).toBe(200);
    await waitForStatus(store, t.id, 'closed', 20_000);
    await api('PUT', '/v1/settings', { ...opts(), token: admin(), body: { feedbackWindowHours: 1 } });
  });
});

describe('service levels', () => {
  it('a missed first response is recorded once, escalated on the timeline and mailed to the group', async () => {
    const t = await createTicket({ group: 'network' }, opts());
    const breached = await eventually(
      async () => {
        const doc = await store.getTicket(t.id);
        return doc && doc.breaches.length > 0 ? doc : undefined;
      },
      20_000,
      'the response breach',
    );
    expect(breached.breaches).toHaveLength(1);
    expect(breached.breaches[0]?.kind).toBe('response');
    const events = await store.listEvents(t.id);
    expect(events.filter((e) => e.type === 'breached')).toHaveLength(1);
    await eventually(
      async () => ((await mailTo('network@groups.helpdesk.local', t.reference)).length === 1 ? true : undefined),
      20_000,
      'the breach mail',
    );
  });

  it('no breach once an agent has replied in time', async () => {
    const t = await createTicket({}, opts());
    await command(t.id, 'replies', { body: 'On it' }, opts());
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await store.getTicket(t.id))?.breaches).toEqual([]);
  });
});

describe('action delay', () => {
  it('breaches when an open ticket sits without action, re-arms after each action, and stops once resolved', async () => {
    await api('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { responseDelayHours: null, actionDelayHours: 2 * SECOND_IN_HOURS },
    });
    const t = await createTicket({}, opts());
    await command(t.id, 'take', {}, opts());
    const first = await eventually(
      async () => {
        const doc = await store.getTicket(t.id);
        return doc && doc.breaches.length === 1 ? doc : undefined;
      },
      20_000,
      'the first action breach',
    );
    expect(first.breaches[0]?.kind).toBe('action');
    await command(t.id, 'notes', { body: 'looking into it' }, opts());
    const second = await eventually(
      async () => {
        const doc = await store.getTicket(t.id);
        return doc && doc.breaches.length === 2 ? doc : undefined;
      },
      20_000,
      'the breach after the next quiet spell',
    );
    expect(second.breaches[1]!.dueAt).toBeGreaterThan(first.breaches[0]!.dueAt);
    await command(t.id, 'resolve', { method: 'customer_communication' }, opts());
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await store.getTicket(t.id))?.breaches).toHaveLength(2);
    await api('PUT', '/v1/settings', { ...opts(), token: admin(), body: { actionDelayHours: null } });
  });
});

describe('continue-as-new', () => {
  it('a long-lived ticket continues as new with its state, timers and timeline intact', async () => {
    await api('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: { continueAsNewAfterEvents: 60, responseDelayHours: null },
    });
    const t = await createTicket({}, opts());
    await command(t.id, 'take', {}, opts());
    for (let i = 0; i < 12; i++) {
      const r = await command(t.id, 'notes', { body: `note ${i}` }, opts());
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const handle = temporal.client.workflow.getHandle(ticketWorkflowId(t.id));
    // The current run's first event names the run it continued from.
    await eventually(
      async () => {
        const history = await handle.fetchHistory();
        return history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ? true : undefined;
      },
      20_000,
      'the workflow to continue as new',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.query(stateQuery)).eventSeq).toBe(14);

    // A timer armed after the new run started still fires, and commands still work.
    await command(t.id, 'wait', { waitType: 'until', until: new Date(Date.now() + 2_000).toISOString() }, opts());
    const back = await waitForStatus(store, t.id, 'in_progress', 20_000);
    expect(back.attention).toBe(true);
    const events = await store.listEvents(t.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_v, i) => i + 1));
    expect(events.filter((e) => e.type === 'note_added')).toHaveLength(12);
    await api('PUT', '/v1/settings', { ...opts(), token: admin(), body: { continueAsNewAfterEvents: 10_000 } });
  });
});
