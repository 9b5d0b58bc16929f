// The live feed over HTTP, read the way browsers will read it (fetch streaming with the bearer
// token in the Authorization header): ticket changes made through the API reach the streams of
// those who may see them and no one else; presence heartbeats written on one gateway are seen on
// another, and expire when they stop (a private gateway with a 2-second presence lifetime, so
// nothing here waits long); closing a stream stops the poller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '@helpdesk/gateway';
import { api, command, createTicket, eventually, stack, token } from '../support/api';
import type { TicketBody } from '../support/api';
import { checked } from '../support/openapi';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

interface LiveEvent {
  event: string;
  data: Record<string, unknown>;
}

/** An open GET /v1/live, parsed as it arrives. */
class Stream {
  readonly events: LiveEvent[] = [];
  readonly comments: string[] = [];
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  contentType = '';

  static async open(tok: string, base = stack().gateway): Promise<Stream> {
    const s = new Stream();
    const res = await fetch(`${base}/v1/live`, {
      headers: { authorization: `Bearer ${tok}` },
      signal: s.abort.signal,
    });
    expect(res.status).toBe(200);
    s.contentType = res.headers.get('content-type') ?? '';
    const body = res.body;
    if (!body) throw new Error('no body');
    s.done = s.read(body).catch(() => undefined);
    // Attached once `ready` arrives: every change after it is sent.
    await s.next((e) => e.event === 'ready', 10_000);
    return s;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
      }
    }
  }

  /** The first event (already received or coming) that matches. */
  async next(match: (e: LiveEvent) => boolean, timeoutMs = 15_000): Promise<LiveEvent> {
    return eventually(async () => this.events.find(match), timeoutMs, 'a live event');
  }

  /** Resolves true once the server ends the stream, false if it is still open after `timeoutMs`. */
  async endsWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const ended = await Promise.race([this.done.then(() => true), timeout]);
    clearTimeout(timer);
    return ended;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

const agent = () => token('agent', 'alice');
const ticketEvent = (id: string, status?: string) => (e: LiveEvent) =>
  e.event === 'ticket' && e.data.id === id && (status === undefined || e.data.status === status);

describe('live ticket events', () => {
  const streams: Stream[] = [];
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
  });
  const open = async (tok: string, base?: string) => {
    const s = await Stream.open(tok, base);
    streams.push(s);
    return s;
  };

  it('sends a ticket event after a reply made through the API', async () => {
    const ticket = await createTicket();
    const stream = await open(agent());
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const reply = await command(ticket.id, 'replies', { body: 'We are on it', visibility: 'public' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const event = await stream.next(ticketEvent(ticket.id, reply.body.status));
    expect(event.data).toEqual({
      id: ticket.id,
      reference: ticket.reference,
      status: reply.body.status,
      updatedAt: reply.body.updatedAt,
    });
  });

  it("tells requesters about their own tickets only, never about others'", async () => {
    const mine = { id: `live-req-${Date.now()}`, email: `live-${Date.now()}@example.com` };
    const [own, others] = await Promise.all([createTicket({ requester: mine }), createTicket()]);
    const requester = await open(token('requester', mine.id, mine.email));
    const staff = await open(agent());
    // Someone else's ticket changes first, then the requester's own.
    const toOthers = await command(others.id, 'replies', { body: 'Not for you' });
    expect(toOthers.status).toBe(200);
    await staff.next(ticketEvent(others.id, toOthers.body.status));
    const toOwn = await command(own.id, 'replies', { body: 'For you' });
    expect(toOwn.status).toBe(200);
    await requester.next(ticketEvent(own.id, toOwn.body.status));
    // By then the feed had sent the other change to staff long before: the requester got none of it.
    expect(requester.events.filter((e) => e.event === 'ticket').map((e) => e.data.id)).not.toContain(others.id);
    // Nor presence, which is for agents and admins.
    expect(requester.events.some((e) => e.event === 'presence')).toBe(false);
  });

  it('ends the stream when the token that opened it expires', async () => {
    const shortLived = signToken({ sub: 'alice', role: 'agent', name: 'alice' }, stack().jwtSecret, 2);
    const stream = await open(shortLived);
    const longLived = await open(agent());
    expect(await stream.endsWithin(6_000)).toBe(true);
    expect(stream.comments).toContain('the token expired: reconnect with a fresh one');
    // Only that one: another stream of the same agent stays open.
    expect(await longLived.endsWithin(100)).toBe(false);
  });

  it('refuses a stream without a valid token', async () => {
    const res = await fetch(`${stack().gateway}/v1/live`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});

describe('presence', () => {
  // A second gateway on the shared store whose entries live 2 s: the heartbeats it writes expire
  // quickly for everyone, and what it writes the shared gateway must show (the store is the truth).
  let quick: PrivateServices;
  let ticket: TicketBody;
  beforeAll(async () => {
    // Its request deadline is the shortest allowed too: an open stream must outlive it.
    quick = await startPrivateServices(['gateway'], { env: { PRESENCE_TTL_SECONDS: '2', COMMAND_TIMEOUT_MS: '500' } });
    ticket = await createTicket();
  }, 90_000);
  afterAll(async () => {
    await quick?.stop();
  });

  type Presence = { viewers: { userId: string; name: string; typing: boolean; since: string }[] };
  const presence = async (id: string, tok = agent(), base?: string) => {
    const res = await checked<Presence>('GET', `/v1/tickets/${id}/presence`, { token: tok, ...(base ? { base } : {}) });
    expect(res.status).toBe(200);
    return res.body.viewers;
  };

  it('appears on every gateway and in the stream, then expires without heartbeats', async () => {
    const watcher = await Stream.open(token('agent', 'bob'));
    try {
      const beat = await api<Presence>('PUT', `/v1/tickets/${ticket.id}/presence`, {
        token: agent(),
        body: { typing: true },
        base: quick.gateway,
      });
      expect(beat.status, JSON.stringify(beat.body)).toBe(200);
      expect(beat.body.viewers).toMatchObject([{ userId: 'alice', name: 'alice', typing: true }]);

      // The shared gateway reads the same entry from the store.
      expect(await presence(ticket.id)).toMatchObject([{ userId: 'alice', typing: true }]);
      const arrived = await watcher.next(
        (e) =>
          e.event === 'presence' && e.data.ticketId === ticket.id && JSON.stringify(e.data.viewers).includes('alice'),
      );
      expect(arrived.data.viewers).toMatchObject([{ userId: 'alice', typing: true }]);

      // No more heartbeats: gone after 2 s, from reads and from the stream.
      const gone = await watcher.next(
        (e) => e.event === 'presence' && e.data.ticketId === ticket.id && (e.data.viewers as unknown[]).length === 0,
        10_000,
      );
      expect(gone.data).toEqual({ ticketId: ticket.id, viewers: [] });
      expect(await presence(ticket.id)).toEqual([]);
    } finally {
      await watcher.close();
    }
  });

  it('keeps the arrival time across heartbeats, shows typing changes, and drops a viewer who leaves', async () => {
    const put = (typing: boolean, who = 'carol') =>
      api<Presence>('PUT', `/v1/tickets/${ticket.id}/presence`, { token: token('agent', who), body: { typing } });
    const first = await put(false);
    expect(first.status).toBe(200);
    const since = first.body.viewers.find((v) => v.userId === 'carol')?.since;
    await new Promise((r) => setTimeout(r, 50));
    const second = await put(true);
    expect(second.body.viewers.find((v) => v.userId === 'carol')).toMatchObject({ typing: true, since });

    const watcher = await Stream.open(agent());
    try {
      expect(
        (await checked('DELETE', `/v1/tickets/${ticket.id}/presence`, { token: token('agent', 'carol') })).status,
      ).toBe(204);
      expect((await presence(ticket.id)).map((v) => v.userId)).not.toContain('carol');
      await watcher.next(
        (e) =>
          e.event === 'presence' && e.data.ticketId === ticket.id && !JSON.stringify(e.data.viewers).includes('carol'),
      );
    } finally {
      await watcher.close();
    }
  });

  it('is for agents and admins, on tickets that exist, with a boolean typing', async () => {
    const requester = token('requester', 'someone');
    expect(
      (await checked('PUT', `/v1/tickets/${ticket.id}/presence`, { token: requester, body: { typing: false } })).status,
    ).toBe(403);
    expect((await checked('GET', `/v1/tickets/${ticket.id}/presence`, { token: requester })).status).toBe(403);
    expect(
      (
        await checked('PUT', '/v1/tickets/00000000-0000-4000-8000-000000000000/presence', {
          token: agent(),
          body: { typing: false },
        })
      ).status,
    ).toBe(404);
    const bad = await checked<{ errors?: { field: string }[] }>('PUT', `/v1/tickets/${ticket.id}/presence`, {
      token: agent(),
      body: { typing: 'yes' },
    });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'body.typing']);
  });

  it('keeps a stream open past the request deadline, with changes made through another gateway', async () => {
    const s = await Stream.open(agent(), quick.gateway);
    try {
      await new Promise((r) => setTimeout(r, 1_500)); // three deadlines of that gateway
      const reply = await command(ticket.id, 'replies', { body: 'Still there?' });
      expect(reply.status).toBe(200);
      await s.next(ticketEvent(ticket.id, reply.body.status));
    } finally {
      await s.close();
    }
  });

  it('stops the poller once the last stream closes', async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${quick.gateway}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    const s = await Stream.open(agent(), quick.gateway);
    expect(await metric('live_streams_open')).toBe(1);
    expect(await metric('live_poller_running')).toBe(1);
    await s.close();
    await eventually(
      async () => ((await metric('live_poller_running')) === 0 ? true : undefined),
      5_000,
      'the poller to stop',
    );
    expect(await metric('live_streams_open')).toBe(0);
  });
});
