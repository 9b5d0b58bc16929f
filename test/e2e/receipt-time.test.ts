// Time at the boundaries, decided by when the helpdesk received something rather than by when a
// busy worker got to it, and settings applied in the order they were made. Deterministic: a reply
// is driven with a receipt time before the lapse but delivered after it (through the ticket client
// the gateway and the mail collector use), instead of racing the clock. Private services with a
// database of their own: these change settings (a two-second feedback window, an eight-second grace).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsBroadcastId, ticketWorkflowId } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import { Store } from '@helpdesk/persistence';
import { Tickets } from '@helpdesk/ticket-client';
import type { ReplyOutcome } from '@helpdesk/ticket-client';
import { createActivities } from '@helpdesk/worker';
import type { Client } from '@temporalio/client';
import { api, eventually, temporalClient, token, waitForStatus } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const WINDOW_MS = 2_000;
const GRACE_MS = 8_000;
let svc: PrivateServices & { mongoUrl: string };
let store: Store;
let temporal: { client: Client; close(): Promise<void> };
let tickets: Tickets;

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_receipt_${randomUUID().slice(0, 8)}`,
  });
  store = await Store.connect(svc.mongoUrl);
  temporal = await temporalClient();
  // The grace is a stored setting (not one the API's settings schema takes yet).
  await store.putSettings({
    feedbackWindowHours: WINDOW_MS / 3_600_000,
    receiptGraceSeconds: GRACE_MS / 1000,
    responseDelayHours: null,
    actionDelayHours: null,
  });
  tickets = new Tickets({ client: temporal.client, store, taskQueue: svc.taskQueue });
});
afterAll(async () => {
  await svc?.stop();
  await store?.close();
  await temporal?.close();
});

const alice: Actor = { id: 'alice', role: 'agent', name: 'alice' };
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** A resolved ticket and the moment its feedback window lapses. */
async function resolved(): Promise<{ id: string; requester: Actor; lapse: number }> {
  const unique = randomUUID().slice(0, 8);
  const requester: Actor = { id: `req-${unique}`, role: 'requester', email: `req-${unique}@example.com` };
  const t = await tickets.create(
    { title: 'Printer on fire', description: 'Smoke', requester: { id: requester.id, email: requester.email } },
    alice,
    'web',
  );
  const done = await tickets.command(t.id, { type: 'resolve', method: 'customer_communication' }, alice);
  return { id: t.id, requester, lapse: (done.resolution?.at ?? 0) + WINDOW_MS };
}

const replyAt = (
  t: { id: string; requester: Actor },
  receivedAt: number,
  body = 'One more thing',
): Promise<ReplyOutcome> => tickets.customerReply(t.id, { body }, t.requester, 'web', { receivedAt });

describe('a reply at the feedback window lapse counts when it was received', () => {
  it('received before the lapse, delivered after it: reopens; received after: waits for the close, then a follow-up', async () => {
    const [before, after] = await Promise.all([resolved(), resolved()]);
    await sleepUntil(Math.max(before.lapse, after.lapse) + 1_000);
    const [reopened, followedUp] = await Promise.all([
      replyAt(before, before.lapse - 300),
      replyAt(after, after.lapse + 300),
    ]);

    expect([reopened.outcome, reopened.ticket.id, reopened.ticket.status, reopened.ticket.reopenCount]).toEqual([
      'added',
      before.id,
      'new',
      1,
    ]);
    const replied = (await store.listEvents(before.id)).find((e) => e.type === 'customer_replied');
    expect(replied?.data?.receivedAt).toBe(before.lapse - 300);

    expect([followedUp.outcome, followedUp.ticket.links.followUpOf]).toEqual(['follow_up', after.id]);
    const closed = await store.getTicket(after.id);
    expect([closed?.status, closed?.reopenCount, closed?.links.followUps]).toEqual([
      'closed',
      0,
      [followedUp.ticket.id],
    ]);
  });

  it('two in flight: the one received after the lapse applies to the ticket the earlier one reopened', async () => {
    const t = await resolved();
    await sleepUntil(t.lapse + 500);
    const late = replyAt(t, t.lapse + 100, 'received after');
    // Delivered later, received earlier: it reopens the ticket the late one is waiting on.
    await new Promise((r) => setTimeout(r, 500));
    const early = await replyAt(t, t.lapse - 100, 'received before');
    const outcomes = [early.outcome, (await late).outcome];
    expect(outcomes).toEqual(['added', 'added']);
    const events = (await store.listEvents(t.id)).filter(
      (e) => e.type === 'customer_replied' || e.type === 'reopened' || e.type === 'closed',
    );
    expect(events.map((e) => [e.type, e.data?.body])).toEqual([
      ['customer_replied', 'received before'],
      ['reopened', undefined],
      ['customer_replied', 'received after'],
    ]);
  });

  it('the stamp is trusted only within the grace: one in the future or older than the grace counts as now', async () => {
    const stale = await resolved();
    const open = await tickets.create(
      { title: 'Open', description: 'x', requester: { id: 'op', email: 'op@example.com' } },
      alice,
      'web',
    );
    // Stamped in the future (another clock): recorded, and decided, as received now.
    const sent = Date.now();
    await tickets.customerReply(
      open.id,
      { body: 'from the future' },
      { id: 'op', role: 'requester', email: 'op@example.com' },
      'web',
      { receivedAt: sent + 60_000 },
    );
    const recorded = Number(
      (await store.listEvents(open.id)).find((e) => e.type === 'customer_replied')?.data?.receivedAt,
    );
    expect(recorded).toBeGreaterThanOrEqual(sent);
    expect(recorded).toBeLessThanOrEqual(Date.now());
    // After the lapse, stamped long before it (older than the grace): counts as now, so it waits
    // for the close and follows up instead of reopening.
    await sleepUntil(stale.lapse + 500);
    const late = await replyAt(stale, Date.now() - GRACE_MS - 5_000);
    expect(late.outcome).toBe('follow_up');
    await waitForStatus(store, stale.id, 'closed');
  });
});

describe('settings changes apply in the order they were made', () => {
  it('reads the settings uncached before a deadline acts: a change a moment ago is seen', async () => {
    const warm = await Store.connect(svc.mongoUrl);
    try {
      await warm.getSettings(); // its one-second cache now holds the current version
      const changed = await store.putSettings({ notificationFooter: `changed ${randomUUID()}` });
      const activities = createActivities({ store: warm, client: temporal.client, taskQueue: svc.taskQueue });
      expect((await activities.currentSettings()).version).toBe(changed.version);
    } finally {
      await warm.close();
    }
  });

  it('a shortened window lengthened again before the first change reached the ticket never closes it', async () => {
    await store.putSettings({ feedbackWindowHours: 1 });
    const t = await tickets.create(
      { title: 'Settings race', description: 'x', requester: { id: 'sr', email: 'sr@example.com' } },
      alice,
      'web',
    );
    const done = await tickets.command(t.id, { type: 'resolve', method: 'customer_communication' }, alice);
    const resolvedAt = done.resolution?.at ?? 0;
    // No worker: the first change's broadcast waits for one, and the second is stored before it
    // runs and never broadcast, so the ticket hears of the shortened window first.
    await svc.kill('worker');
    // The gateway reads the settings before a change (cached a second): let it see the 1-hour window.
    await new Promise((r) => setTimeout(r, 1_100));
    const shorter = await api<{ version: number }>('PUT', '/v1/settings', {
      base: svc.gateway,
      token: token('admin', 'root'),
      body: { feedbackWindowHours: WINDOW_MS / 3_600_000 },
    });
    expect(shorter.status).toBe(200);
    const longer = await store.putSettings({ feedbackWindowHours: 1 });
    expect(longer.version).toBeGreaterThan(shorter.body.version);
    await svc.start('worker');
    const handle = temporal.client.workflow.getHandle(ticketWorkflowId(t.id));
    await temporal.client.workflow.getHandle(settingsBroadcastId(svc.taskQueue, shorter.body.version)).result();
    await eventually(
      async () => {
        const history = await handle.fetchHistory();
        return history.events?.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'settingsChanged')
          ? true
          : undefined;
      },
      20_000,
      'the shortened window to reach the ticket',
    );
    // Past the shortened window and its grace: the ticket acted on the newest settings, not the ones it was told.
    await sleepUntil(resolvedAt + WINDOW_MS + GRACE_MS + 3_000);
    expect((await store.getTicket(t.id))?.status).toBe('resolved');
    expect((await store.listEvents(t.id)).map((e) => e.type)).not.toContain('closed');
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

describe('an answer at a service-level deadline counts when it was received', () => {
  it('received before the response deadline, delivered after it: no breach; received after: the breach first, then the answer', async () => {
    const DELAY_MS = 2_000;
    await store.putSettings({ responseDelayHours: DELAY_MS / 3_600_000 });
    try {
      const open = () =>
        tickets.create(
          { title: 'Down', description: 'x', requester: { id: 'sl', email: 'sl@example.com' } },
          alice,
          'web',
        );
      const [onTime, late] = await Promise.all([open(), open()]);
      const dueOf = (t: { submittedAt?: number; createdAt: number }) => (t.submittedAt ?? t.createdAt) + DELAY_MS;
      // Past both deadlines, within the grace: neither breach has acted yet.
      await sleepUntil(Math.max(dueOf(onTime), dueOf(late)) + 1_000);
      const answer = (id: string, receivedAt: number) =>
        tickets.command(id, { type: 'reply', body: 'On it', visibility: 'public' }, alice, { receivedAt });
      await Promise.all([answer(onTime.id, dueOf(onTime) - 300), answer(late.id, dueOf(late) + 300)]);
      // Once the grace is over the deadlines would have acted: nothing more comes.
      await sleepUntil(Math.max(dueOf(onTime), dueOf(late)) + GRACE_MS + 2_000);

      const kept = await store.getTicket(onTime.id);
      expect([kept?.breaches, kept?.firstPublicReplyAt]).toEqual([[], dueOf(onTime) - 300]);
      const missed = await store.getTicket(late.id);
      expect(missed?.breaches.map((b) => [b.kind, b.dueAt])).toEqual([['response', dueOf(late)]]);
      const order = (await store.listEvents(late.id))
        .map((e) => e.type)
        .filter((type) => type === 'breached' || type === 'replied');
      expect(order).toEqual(['breached', 'replied']);
    } finally {
      await store.putSettings({ responseDelayHours: null });
    }
  });
});
