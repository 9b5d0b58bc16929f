// A console on a fake gateway: the real api-client (typed client, session, live stream) over a
// fetch that answers from handlers, records every request, and streams live events on demand.
import { createApi, memoryTokenStore } from '@helpdesk/api-client';
import type { Api, LiveEvent } from '@helpdesk/api-client';
import type { Ticket } from '../src/api';

export const BASE = 'http://console.test';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Handler = (req: Recorded) => { status?: number; body?: unknown } | undefined;

export interface FakeGateway {
  api: Api;
  requests: Recorded[];
  on(method: string, path: string | RegExp, handler: Handler): void;
  /** Push an event down the open live stream. */
  emit(event: LiveEvent): void;
  /** End the open live streams (the client reconnects). */
  dropStreams(): void;
  calls(method: string, path: string | RegExp): Recorded[];
}

export function fakeGateway(opts: { signedIn?: boolean; role?: 'agent' | 'admin' } = {}): FakeGateway {
  const handlers: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const requests: Recorded[] = [];
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const encoder = new TextEncoder();
  const matches = (p: string | RegExp, path: string) => (typeof p === 'string' ? p === path : p.test(path));

  async function fetchImpl(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const rec: Recorded = { method: request.method, path: url.pathname, query: url.searchParams, body };
    requests.push(rec);
    if (url.pathname === '/v1/live') {
      const stream = new ReadableStream<Uint8Array>({
        start: (controller) => {
          streams.push(controller);
          controller.enqueue(encoder.encode(': hello\n\n'));
        },
      });
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    for (let i = handlers.length - 1; i >= 0; i--) {
      const h = handlers[i];
      if (!h || h.method !== request.method || !matches(h.path, url.pathname)) continue;
      const answer = h.handler(rec);
      if (!answer) continue;
      const status = answer.status ?? 200;
      if (status === 204) return new Response(null, { status });
      return new Response(JSON.stringify(answer.body ?? {}), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
      });
    }
    return new Response(
      JSON.stringify({
        type: 'about:blank',
        title: 'not found',
        status: 404,
        detail: `No fake for ${rec.method} ${rec.path}`,
        requestId: 'x',
      }),
      { status: 404, headers: { 'Content-Type': 'application/problem+json' } },
    );
  }

  const role = opts.role ?? 'agent';
  const user = { id: 'alice', name: 'Alice', email: 'alice@example.com', role };
  const api = createApi({
    baseUrl: BASE,
    fetch: fetchImpl as typeof fetch,
    store: memoryTokenStore(
      opts.signedIn === false
        ? null
        : { accessToken: 'at', refreshToken: 'rt', accessExpiresAt: Date.now() + 3600_000, user },
    ),
  });

  const gateway: FakeGateway = {
    api,
    requests,
    on: (method, path, handler) => handlers.push({ method, path, handler }),
    emit(event) {
      const chunk = encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      for (const c of streams) c.enqueue(chunk);
    },
    dropStreams() {
      for (const c of streams.splice(0)) c.close();
    },
    calls: (method, path) => requests.filter((r) => r.method === method && matches(path, r.path)),
  };
  // What every screen reads.
  gateway.on('GET', '/v1/groups', () => ({
    body: {
      items: [
        {
          name: 'support',
          members: ['alice', 'bob'],
          routing: { rule: 'manual', offerTimeoutMinutes: 5 },
          createdAt: '2026-11-01T00:00:00.000Z',
          updatedAt: '2026-11-01T00:00:00.000Z',
        },
      ],
    },
  }));
  gateway.on('GET', '/v1/views', () => ({ body: { items: [] } }));
  gateway.on('GET', '/v1/users', () => ({
    body: {
      items: ['alice', 'bob'].map((id) => ({
        id,
        name: id[0]?.toUpperCase() + id.slice(1),
        email: `${id}@example.com`,
        role: 'agent',
        locale: 'en',
        timeZone: 'UTC',
        active: true,
        skills: [],
        availability: 'online',
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
      })),
    },
  }));
  gateway.on('GET', '/v1/tickets/count', () => ({ body: { count: 2 } }));
  gateway.on('PUT', /^\/v1\/tickets\/[^/]+\/presence$/, () => ({ body: { viewers: [] } }));
  gateway.on('DELETE', /^\/v1\/tickets\/[^/]+\/presence$/, () => ({ status: 204 }));
  return gateway;
}

let seq = 0;
export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  seq += 1;
  return {
    id: `t${seq}`,
    reference: `TK-202611-${String(seq).padStart(5, '0')}`,
    status: 'new',
    channel: 'web',
    title: `Ticket ${seq}`,
    description: 'It does not work.',
    group: 'support',
    priority: 'normal',
    requester: { id: 'rita', name: 'Rita', email: 'rita@example.com' },
    ccs: [],
    notifyThirdParty: false,
    tags: [],
    awaiting: 'agent',
    deleted: false,
    links: { followUps: [], children: [] },
    createdAt: '2026-11-20T09:00:00.000Z',
    createdBy: 'rita',
    updatedAt: `2026-11-20T09:${String(seq % 60).padStart(2, '0')}:00.000Z`,
    lastActionAt: '2026-11-20T09:00:00.000Z',
    reopenCount: 0,
    revision: 1,
    ...overrides,
  };
}

export const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { type: 'urn:helpdesk:problem:x', title: 'refused', status, detail, requestId: 'r1', ...extra },
});
