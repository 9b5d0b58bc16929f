// Satisfaction over mail: the resolution mail in the sink carries one-click good/bad links and a
// comment link (single-use tokens the notifier mints); following one records the rating once on
// the ticket, a rating given while the ticket is resolved survives the close its workflow projects
// later, one given after the close (workflow ended) is still recorded, and ratings show on the
// ticket, in the list filter and in the lifecycle report. Private services on a database of their
// own: a short feedback window, and the report counts only this test's tickets.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketWorkflowId } from '@helpdesk/contracts';
import { Store } from '@helpdesk/persistence';
import type { Client } from '@temporalio/client';
import { api, eventually, temporalClient, token, waitForStatus } from '../support/api';
import { uniqueAddress, waitForMail } from '../support/mail';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const WINDOW_MS = 10_000;
let svc: PrivateServices & { mongoUrl: string };
let store: Store;
let temporal: { client: Client; close(): Promise<void> };
const own = () => ({ base: svc.gateway });
const alice = () => token('agent', 'alice', 'alice@agents.helpdesk.test');

interface Ticket {
  id: string;
  reference: string;
  status: string;
  satisfaction?: { rating: string; comment?: string; at: string };
}

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_satisfaction_${randomUUID().slice(0, 8)}`,
  });
  store = await Store.connect(svc.mongoUrl);
  temporal = await temporalClient();
  await store.putSettings({ feedbackWindowHours: WINDOW_MS / 3_600_000 });
}, 120_000);
afterAll(async () => {
  await svc?.stop();
  await store?.close();
  await temporal?.close();
});

/** A resolved ticket, and the links of its resolution mail (paths on this gateway). */
async function resolved(): Promise<{ ticket: Ticket; good: string; bad: string; comment: string; text: string }> {
  const email = uniqueAddress('rating');
  const created = await api<Ticket>('POST', '/v1/tickets', {
    ...own(),
    token: alice(),
    body: { title: 'Printer on fire', description: 'Smoke', requester: { id: `req-${randomUUID()}`, email } },
  });
  expect(created.status).toBe(201);
  const done = await api<Ticket>('POST', `/v1/tickets/${created.body.id}/resolve`, {
    ...own(),
    token: alice(),
    body: { method: 'customer_communication' },
  });
  expect(done.body.status).toBe('resolved');
  const [mail] = await waitForMail(email, 'Resolved:');
  const text = mail?.text ?? '';
  // The links point at the public address; the path and query are what this stack's gateway takes.
  const links = [...text.matchAll(/https?:\/\/\S+\/v1\/satisfaction\/sat_[A-Za-z0-9_-]+(\?rating=(good|bad))?/g)].map(
    (m) => new URL(m[0]),
  );
  const path = (rating: string | null) => {
    const url = links.find((u) => u.searchParams.get('rating') === rating);
    expect(url, `a ${rating ?? 'comment'} link in:\n${text}`).toBeDefined();
    return `${url?.pathname ?? ''}${url?.search ?? ''}`;
  };
  expect(mail?.html).toMatch(/<a href="[^"]+\/v1\/satisfaction\/sat_[^"]+rating&#x3D;good">/);
  return { ticket: created.body, good: path('good'), bad: path('bad'), comment: path(null), text };
}

/** Follow a link as a browser does (GET, asking for a page). */
const follow = (path: string) => api<string>('GET', path, { ...own(), headers: { accept: 'text/html,*/*;q=0.8' } });
const ticket = async (id: string) => (await api<Ticket>('GET', `/v1/tickets/${id}`, { ...own(), token: alice() })).body;

describe('satisfaction ratings', () => {
  let rated: string;
  let commented: string;
  let unrated: string;

  it('the resolution mail links record a rating once; it survives the close projected after it', async () => {
    const { ticket: t, good, bad, text } = await resolved();
    rated = t.id;
    expect(text).toContain('How did we do?');

    const first = await follow(good);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(first.body).toContain('Your rating was recorded');
    const now = await ticket(t.id);
    // Rated while the ticket is resolved: its workflow is still running and will project the close.
    expect(now.status).toBe('resolved');
    expect(now.satisfaction).toEqual({ rating: 'good', at: expect.any(String) });

    // A second use of either link changes nothing and says so.
    const second = await follow(bad);
    expect(second.status).toBe(200);
    expect(second.body).toContain('already recorded');
    const again = await follow(good);
    expect(again.body).toContain('already recorded');
    expect((await ticket(t.id)).satisfaction?.rating).toBe('good');

    // The feedback window lapses: the workflow projects the close (every state field $set or
    // $unset) and completes; the rating is still there.
    await waitForStatus(store, t.id, 'closed', WINDOW_MS + 30_000);
    const closed = await ticket(t.id);
    expect(closed.status).toBe('closed');
    expect(closed.satisfaction).toEqual(now.satisfaction);
  }, 60_000);

  it('a rating with a comment after the close (its workflow ended) is still recorded, once', async () => {
    const { ticket: t, comment } = await resolved();
    commented = t.id;
    await waitForStatus(store, t.id, 'closed', WINDOW_MS + 30_000);
    // The close is projected, then the run completes: wait for the workflow to have ended.
    await eventually(
      async () =>
        (await temporal.client.workflow.getHandle(ticketWorkflowId(t.id)).describe()).status.name === 'COMPLETED' ||
        undefined,
      30_000,
      'the ticket workflow to complete',
    );

    // The comment link opens a form that posts back to it.
    const form = await follow(comment);
    expect(form.status).toBe(200);
    expect(form.body).toContain('<form method="post">');
    const posted = await fetch(`${svc.gateway}${comment}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ rating: 'bad', comment: 'Too slow <really>' }).toString(),
    });
    expect(posted.status).toBe(200);
    const page = await posted.text();
    expect(page).toContain('Your rating was recorded');
    expect(page).toContain('Too slow &lt;really&gt;');
    expect((await ticket(t.id)).satisfaction).toEqual({
      rating: 'bad',
      comment: 'Too slow <really>',
      at: expect.any(String),
    });

    const twice = await api<string>('POST', comment, {
      ...own(),
      body: { rating: 'good', comment: 'changed my mind' },
    });
    expect(twice.status).toBe(200);
    expect(twice.body).toContain('already recorded');
    expect((await ticket(t.id)).satisfaction?.rating).toBe('bad');
    const formAgain = await follow(comment);
    expect(formAgain.body).not.toContain('<form');
  }, 60_000);

  it('refuses a link it did not mint and a rating it does not know', async () => {
    const { ticket: t, good } = await resolved();
    unrated = t.id;
    const forged = good.replace(/sat_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/, `sat_$1_${'A'.repeat(43)}`);
    expect(forged).not.toBe(good);
    const res = await api<{ type: string }>('GET', forged, own());
    expect([res.status, res.body.type]).toEqual([404, 'urn:helpdesk:problem:not_found']);
    const page = await follow(forged);
    expect([page.status, page.headers.get('content-type')?.startsWith('text/html')]).toEqual([404, true]);
    const unknown = await api<{ errors: { field: string }[] }>('GET', good.replace('rating=good', 'rating=meh'), own());
    expect([unknown.status, unknown.body.errors.map((e) => e.field)]).toEqual([400, ['query.rating']]);
    // Neither used the link.
    expect((await ticket(t.id)).satisfaction).toBeUndefined();
  });

  it('lists filter by rating, and the lifecycle report counts good, bad and unrated', async () => {
    const ids = async (rating: string) =>
      (
        await api<{ items: Ticket[] }>('GET', `/v1/tickets?satisfaction=${rating}&limit=100`, {
          ...own(),
          token: alice(),
        })
      ).body.items.map((t) => t.id);
    expect(await ids('good')).toEqual([rated]);
    expect(await ids('bad')).toEqual([commented]);
    expect(await ids('none')).toEqual([unrated]);
    const listed = await api<{ items: Ticket[] }>('GET', `/v1/tickets?satisfaction=good`, { ...own(), token: alice() });
    expect(listed.body.items[0]?.satisfaction?.rating).toBe('good');
    const wrong = await api<{ errors: { field: string }[] }>('GET', '/v1/tickets?satisfaction=great', {
      ...own(),
      token: alice(),
    });
    expect([wrong.status, wrong.body.errors.map((e) => e.field)]).toEqual([400, ['query.satisfaction']]);

    const report = await api<{ satisfaction: Record<string, number> }>('GET', '/v1/reports/lifecycle', {
      ...own(),
      token: alice(),
    });
    expect(report.status).toBe(200);
    expect(report.body.satisfaction).toEqual({ good: 1, bad: 1, unrated: 1 });
  });
});
