// Webhooks over HTTP against receivers this test starts (node:http on 127.0.0.1, port 0; the
// worker that delivers runs in another process): every event arrives once, signed, in feed order;
// a receiver that is down (and a worker killed meanwhile) gets everything once when it is back;
// repeated failure disables a subscription and mails the admins; re-enabling delivers what it missed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { api, command, createTicket, eventually, token, useStore } from '../support/api';
import { waitForMail } from '../support/mail';
import { checked } from '../support/openapi';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const store = useStore();
const admin = token('admin', 'root');

interface Received {
  eventId: string;
  body: { id: string; cursor: string; type: string; ticketId: string; seq: number };
  raw: string;
  signature: string;
  status: number;
}

/** A webhook receiver: answers `status()` to each POST and records what it got. */
class Receiver {
  readonly got: Received[] = [];
  status = 200;
  private server: http.Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.got.push({
          eventId: String(req.headers['x-helpdesk-event-id']),
          body: JSON.parse(raw) as Received['body'],
          raw,
          signature: String(req.headers['x-helpdesk-signature']),
          status: this.status,
        });
        res
          .writeHead(this.status, { 'content-type': 'text/plain' })
          .end(`${this.status === 200 ? 'ok' : 'boom'} `.repeat(400));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Down for real: the port refuses connections until start() again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Events answered with a 2xx, by id. */
  delivered(): Received[] {
    return this.got.filter((g) => g.status >= 200 && g.status < 300);
  }
}

const receivers: Receiver[] = [];
let svc: PrivateServices | undefined;
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await svc?.stop();
});
const receiver = async () => {
  const r = await new Receiver().start();
  receivers.push(r);
  return r;
};

/** The receiver's check of X-Helpdesk-Signature, as the README tells receivers to do it. */
function verify(secret: string, raw: string, header: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const [, t, v1] = m as unknown as [string, string, string];
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

type Subscription = {
  id: string;
  url: string;
  active: boolean;
  secret?: string;
  disabled?: { at: string; reason: string };
  failureStreak: number;
};
type Delivery = {
  attempt: number;
  eventId: string;
  ok: boolean;
  status?: number;
  responseBody?: string;
  error?: string;
};

async function subscribe(body: Record<string, unknown>, base?: string) {
  const res = await checked<Subscription>('POST', '/v1/webhooks', { token: admin, body, ...(base ? { base } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The ids of a ticket's timeline, in order. */
const timeline = async (id: string) => (await store().listEvents(id)).map((e) => `${id}:${e.seq}`);

/** Make a few events on a fresh ticket; answers its id. */
async function busyTicket(title: string, opts: { base?: string } = {}): Promise<string> {
  const t = await createTicket({ title }, opts);
  expect((await command(t.id, 'take', {}, opts)).status).toBe(200);
  expect((await command(t.id, 'notes', { body: `${title}: a note` }, opts)).status).toBe(200);
  expect((await command(t.id, 'replies', { body: `${title}: an answer` }, opts)).status).toBe(200);
  return t.id;
}

/** Wait until the receiver has every one of `ids` with success. */
const allDelivered = (r: Receiver, ids: string[], timeoutMs: number, what: string) =>
  eventually(
    async () => {
      const got = new Set(r.delivered().map((g) => g.eventId));
      return ids.every((id) => got.has(id)) ? true : undefined;
    },
    timeoutMs,
    what,
  );

/** Each event delivered once with success, and in feed order. */
function expectOnceInOrder(r: Receiver): void {
  const ok = r.delivered();
  const ids = ok.map((g) => g.eventId);
  expect(new Set(ids).size, 'an event was delivered twice').toBe(ids.length);
  const cursors = ok.map((g) => Number(g.body.cursor));
  expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
}

describe('webhooks', () => {
  it('delivers every event once, signed, with its id; CRUD never shows the secret again', async () => {
    const r = await receiver();
    const sub = await subscribe({ url: r.url });
    expect(sub.secret).toMatch(/^whsec_/);
    const secret = sub.secret ?? '';

    const ids = [await busyTicket('Hook one'), await busyTicket('Hook two')];
    const wanted = (await Promise.all(ids.map(timeline))).flat();
    await allDelivered(r, wanted, 20_000, 'every event at the receiver');
    expectOnceInOrder(r);
    for (const g of r.got) {
      expect(verify(secret, g.raw, g.signature), `signature of ${g.eventId}`).toBe(true);
      expect(verify('whsec_another', g.raw, g.signature)).toBe(false);
      expect(g.body.id).toBe(g.eventId);
    }
    for (const id of ids)
      expect(
        r
          .delivered()
          .filter((g) => g.body.ticketId === id)
          .map((g) => g.eventId),
        `ticket ${id} in order`,
      ).toEqual(await timeline(id));

    const shown = await checked<Subscription>('GET', `/v1/webhooks/${sub.id}`, { token: admin });
    expect(shown.body.secret).toBeUndefined();
    expect(
      (await checked<{ items: Subscription[] }>('GET', '/v1/webhooks', { token: admin })).body.items.map((s) => s.id),
    ).toContain(sub.id);
    const log = await checked<{ items: Delivery[] }>('GET', `/v1/webhooks/${sub.id}/deliveries?limit=100`, {
      token: admin,
    });
    expect(log.body.items.length).toBeGreaterThanOrEqual(wanted.length);
    expect(log.body.items.every((d) => d.ok && d.status === 200)).toBe(true);

    // Only the event types asked for, once changed.
    const patched = await checked<Subscription>('PATCH', `/v1/webhooks/${sub.id}`, {
      token: admin,
      body: { eventTypes: ['taken'] },
    });
    expect(patched.status).toBe(200);
    const before = r.got.length;
    const third = await busyTicket('Hook three');
    const taken = (await store().listEvents(third)).find((e) => e.type === 'taken');
    await allDelivered(r, [`${third}:${taken?.seq}`], 20_000, 'the taken event');
    await new Promise((res) => setTimeout(res, 1_000));
    expect(r.got.slice(before).map((g) => g.body.type)).toEqual(['taken']);

    // Bad input and roles.
    for (const body of [
      { url: 'ftp://example.com/x' },
      { url: 'not a url' },
      { url: r.url, eventTypes: ['exploded'] },
      { url: r.url, secret: 'short' },
      { url: r.url, disableAfter: { failures: 0, seconds: 10 } },
      { url: r.url, surprise: true },
    ]) {
      const res = await api('POST', '/v1/webhooks', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('GET', '/v1/webhooks', { token: token('agent', 'alice') })).status).toBe(403);
    expect((await api('GET', '/v1/webhooks/wh-nope', { token: admin })).status).toBe(404);
    expect((await api('GET', '/v1/webhooks/wh-nope/deliveries', { token: admin })).status).toBe(404);

    expect((await api('DELETE', `/v1/webhooks/${sub.id}`, { token: admin })).status).toBe(204);
    expect((await api('GET', `/v1/webhooks/${sub.id}`, { token: admin })).status).toBe(404);
    const after = r.got.length;
    await busyTicket('After the delete');
    await new Promise((res) => setTimeout(res, 2_000));
    expect(r.got.length).toBe(after);
  });

  it('a receiver down for a minute, and the worker killed meanwhile: every event arrives once, in order, soon after', async () => {
    // Its own worker and gateway (a private task queue), so killing the worker disturbs no other test.
    svc = await startPrivateServices(['worker', 'gateway']);
    const base = svc.gateway;
    const r = await receiver();
    const secret = 'a-secret-the-admin-chose-1234';
    const sub = await subscribe({ url: r.url, secret, disableAfter: { failures: 10_000, seconds: 3_600 } }, base);
    expect(sub.secret).toBe(secret);

    const first = await busyTicket('Before the outage', { base });
    await allDelivered(r, await timeline(first), 20_000, 'the events before the outage');

    // Down for a minute: the port refuses connections. The retry backoff (1 s doubling, capped at
    // 5 s) reaches its cap after ~7 s, so the events arrive within seconds of the receiver's return.
    await r.stop();
    const during = [
      await busyTicket('During the outage 1', { base }),
      await busyTicket('During the outage 2', { base }),
    ];
    await new Promise((res) => setTimeout(res, 8_000));
    // The worker dies in the middle of the retries, and comes back.
    await svc.kill('worker');
    await new Promise((res) => setTimeout(res, 2_000));
    await svc.start('worker');
    await new Promise((res) => setTimeout(res, 50_000));

    const log = await checked<{ items: Delivery[] }>('GET', `/v1/webhooks/${sub.id}/deliveries`, {
      token: admin,
      base,
    });
    const failures = log.body.items.filter((d) => !d.ok);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]?.error).toMatch(/fetch failed|ECONNREFUSED/);
    const shown = await checked<Subscription>('GET', `/v1/webhooks/${sub.id}`, { token: admin, base });
    expect(shown.body.active).toBe(true);
    expect(shown.body.failureStreak).toBeGreaterThanOrEqual(3);

    const back = Date.now();
    await r.start();
    const wanted = [...(await timeline(first)), ...(await Promise.all(during.map(timeline))).flat()];
    await allDelivered(r, wanted, 20_000, 'the events of the outage after the receiver came back');
    // Within seconds of coming back: the backoff is capped at 5 s.
    expect(Date.now() - back).toBeLessThan(10_000);
    expectOnceInOrder(r);
    for (const g of r.got) expect(verify(secret, g.raw, g.signature)).toBe(true);
    for (const id of during)
      expect(
        r
          .delivered()
          .filter((g) => g.body.ticketId === id)
          .map((g) => g.eventId),
      ).toEqual(await timeline(id));
    await api('DELETE', `/v1/webhooks/${sub.id}`, { token: admin, base });
  }, 150_000);

  it('repeated failure disables a subscription and mails the admins; re-enabling delivers what it missed', async () => {
    const r = await receiver();
    r.status = 500;
    const sub = await subscribe({ url: r.url, disableAfter: { failures: 3, seconds: 2 } });
    const id = await busyTicket('Failing receiver');

    const disabled = await eventually(
      async () => {
        const s = await api<Subscription>('GET', `/v1/webhooks/${sub.id}`, { token: admin });
        return s.body.disabled ? s.body : undefined;
      },
      30_000,
      'the subscription to be disabled',
    );
    expect(disabled.active).toBe(false);
    expect(disabled.disabled?.reason).toMatch(/failed deliveries in a row/);
    const mails = await waitForMail('root@agents.helpdesk.test', `Webhook disabled: ${r.url}`);
    expect(mails).toHaveLength(1);
    await waitForMail('admin@agents.helpdesk.test', `Webhook disabled: ${r.url}`);

    const log = await checked<{ items: Delivery[] }>('GET', `/v1/webhooks/${sub.id}/deliveries`, { token: admin });
    expect(log.body.items.length).toBeGreaterThanOrEqual(3);
    for (const d of log.body.items) {
      expect(d.ok).toBe(false);
      expect(d.status).toBe(500);
      expect(d.responseBody?.length).toBe(1_000);
    }
    // Disabled: no more attempts.
    const attempts = r.got.length;
    await new Promise((res) => setTimeout(res, 4_000));
    expect(r.got.length).toBe(attempts);

    // Fixed and re-enabled: everything it missed, in order, once.
    r.status = 200;
    const enabled = await checked<Subscription>('PATCH', `/v1/webhooks/${sub.id}`, {
      token: admin,
      body: { active: true },
    });
    expect(enabled.body.active).toBe(true);
    expect(enabled.body.disabled).toBeUndefined();
    await allDelivered(r, await timeline(id), 20_000, 'the missed events after re-enabling');
    expectOnceInOrder(r);
    expect(await waitForMail('root@agents.helpdesk.test', `Webhook disabled: ${r.url}`)).toHaveLength(1);
    await api('DELETE', `/v1/webhooks/${sub.id}`, { token: admin });
  });
});
