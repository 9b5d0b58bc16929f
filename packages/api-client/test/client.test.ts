// The api-client on its own (no browser, no stack): the session's sign-in, one refresh for many
// 401s, sign-out, and the live stream's parsing and reconnecting, over a fetch double.
import { describe, expect, it } from 'vitest';
import { createApi, memoryTokenStore } from '../src/index';
import type { LiveEvent } from '../src/index';

const BASE = 'http://api.test';
const ALICE = { id: 'alice', name: 'Alice', email: 'alice@example.com', role: 'agent' as const };
const tokens = (n: number) => ({
  tokenType: 'Bearer',
  accessToken: `at${n}`,
  expiresIn: 900,
  refreshToken: `rt${n}`,
  refreshExpiresAt: '2026-12-01T00:00:00.000Z',
  user: ALICE,
});
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('the session', () => {
  it('signs in, sends the bearer token, refreshes once for concurrent 401s, and signs out', async () => {
    const seen: string[] = [];
    let refreshes = 0;
    const fetchDouble = async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      const path = new URL(req.url).pathname;
      seen.push(`${req.method} ${path} ${req.headers.get('authorization') ?? '-'}`);
      if (path === '/v1/auth/login') return json(200, tokens(1));
      if (path === '/v1/auth/refresh') {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 20));
        return json(200, tokens(2));
      }
      if (path === '/v1/auth/logout') return new Response(null, { status: 204 });
      if (req.headers.get('authorization') === 'Bearer at1')
        return json(401, { status: 401, title: 'x', detail: 'expired' });
      return json(200, { count: 3 });
    };
    const store = memoryTokenStore();
    const api = createApi({ baseUrl: BASE, fetch: fetchDouble as typeof fetch, store });
    const changes: (string | null)[] = [];
    api.session.onChange((u) => changes.push(u?.id ?? null));

    await api.session.signIn('alice@example.com', 'pw');
    expect(store.load()?.refreshToken).toBe('rt1');
    const [a, b] = await Promise.all([
      api.client.GET('/v1/tickets/count', {}),
      api.client.GET('/v1/tickets/count', { params: { query: { status: 'new' } } }),
    ]);
    expect([a.data?.count, b.data?.count]).toEqual([3, 3]);
    expect(refreshes).toBe(1);
    expect(seen.filter((s) => s.startsWith('GET') && s.endsWith('Bearer at2'))).toHaveLength(2);

    await api.session.signOut();
    expect(store.load()).toBeNull();
    expect(seen.at(-1)).toBe('POST /v1/auth/logout -');
    expect(changes).toEqual(['alice', 'alice', null]);
  });

  it('ends the session when the refresh token is refused', async () => {
    const fetchDouble = async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(new Request(input, init).url).pathname;
      if (path === '/v1/auth/refresh') return json(401, { status: 401, title: 'x', detail: 'The session has ended' });
      return json(401, { status: 401, title: 'x', detail: 'expired' });
    };
    const store = memoryTokenStore({
      accessToken: 'at',
      refreshToken: 'rt',
      accessExpiresAt: Date.now() + 60_000,
      user: ALICE,
    });
    const api = createApi({ baseUrl: BASE, fetch: fetchDouble as typeof fetch, store });
    const res = await api.client.GET('/v1/tickets/count', {});
    expect(res.response.status).toBe(401);
    expect(api.session.user).toBeNull();
    expect(store.load()).toBeNull();
  });

  it('reports the API detail of a refused sign-in', async () => {
    const fetchDouble = async () =>
      json(401, { status: 401, title: 'unauthorized', detail: 'The email or the password is wrong' });
    const api = createApi({ baseUrl: BASE, fetch: fetchDouble as typeof fetch });
    await expect(api.session.signIn('a@example.com', 'x')).rejects.toThrow('The email or the password is wrong');
  });
});

describe('the live stream', () => {
  it('parses ticket and presence events, and reconnects with Last-Event-ID after the stream ends', async () => {
    const connects: (string | null)[] = [];
    const encoder = new TextEncoder();
    const fetchDouble = async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      connects.push(req.headers.get('last-event-id'));
      const first = connects.length === 1;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (first) {
            controller.enqueue(encoder.encode('retry: 10\n\nevent: ready\ndata: {}\n\n'));
            controller.enqueue(encoder.encode('id: 41\nevent: ticket\ndata: {"id":"t1","reference":"TK-1",'));
            controller.enqueue(encoder.encode('"status":"new","updatedAt":"2026-11-20T00:00:00.000Z"}\n\n'));
            controller.close();
          } else {
            controller.enqueue(encoder.encode('id: 42\nevent: presence\ndata: {"ticketId":"t1","viewers":[]}\n\n'));
          }
        },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    };
    const store = memoryTokenStore({
      accessToken: 'at',
      refreshToken: 'rt',
      accessExpiresAt: Date.now() + 600_000,
      user: ALICE,
    });
    const api = createApi({ baseUrl: BASE, fetch: fetchDouble as typeof fetch, store });
    const events: LiveEvent[] = [];
    let opens = 0;
    const stream = api.openLiveStream((e) => events.push(e), { onOpen: () => (opens += 1) });
    await expect.poll(() => events.length, { timeout: 3000 }).toBe(2);
    stream.close();
    expect(events[0]).toEqual({
      type: 'ticket',
      data: { id: 't1', reference: 'TK-1', status: 'new', updatedAt: '2026-11-20T00:00:00.000Z' },
    });
    expect(events[1]).toEqual({ type: 'presence', data: { ticketId: 't1', viewers: [] } });
    expect(connects).toEqual([null, '41']);
    expect(opens).toBe(2);
  });
});
