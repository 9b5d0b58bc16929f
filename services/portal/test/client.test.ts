// The portal's adapter over @helpdesk/api-client, in Node with a fake gateway behind fetch: what
// it sends, how it reads the answers (a follow-up's 201, problems, network failures), the session's
// end, and the live stream narrowed to one ticket.
import { describe, expect, it, vi } from 'vitest';
import { memoryTokenStore } from '@helpdesk/api-client';
import { ApiError } from '../src/api';
import { createPortalClient } from '../src/client';

const BASE = 'http://gateway.test';
const user = { id: 'u-1', name: 'Rita', email: 'rita@example.com', role: 'requester' as const };
const tokens = (n: number) => ({
  tokenType: 'Bearer',
  accessToken: `at${n}`,
  expiresIn: 900,
  refreshToken: `rt${n}`,
  refreshExpiresAt: '2026-12-01T00:00:00.000Z',
  user,
});
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) =>
  json(status, { type: 'about:blank', title: 'Refused', status, detail, requestId: 'r1', ...extra });

type Handler = (req: Request) => Promise<Response> | Response;

function gateway(handler: Handler) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push(req.clone());
    return handler(req);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

const signedIn = () =>
  memoryTokenStore({ accessToken: 'at1', refreshToken: 'rt1', accessExpiresAt: Date.now() + 600_000, user });

describe('portal client', () => {
  it('signs in with the token of the link and keeps the session', async () => {
    const store = memoryTokenStore();
    const gw = gateway(async (req) =>
      req.url.endsWith('/v1/auth/magic-link/verify') ? json(200, tokens(1)) : problem(404, 'no'),
    );
    const api = createPortalClient({ baseUrl: BASE, store, fetch: gw.fetch });
    expect(api.currentUser()).toBeUndefined();
    expect(await api.verifyLink('ml_x')).toEqual(user);
    expect(await gw.seen[0]?.json()).toEqual({ token: 'ml_x' });
    expect(createPortalClient({ baseUrl: BASE, store, fetch: gw.fetch }).currentUser()).toEqual(user);
  });

  it("a spent link is an ApiError with the API's detail", async () => {
    const gw = gateway(() => problem(401, 'The sign-in link is not valid'));
    const api = createPortalClient({ baseUrl: BASE, store: memoryTokenStore(), fetch: gw.fetch });
    const err = (await api.verifyLink('ml_old').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.problem.detail).toBe('The sign-in link is not valid');
  });

  it('lists with the bearer token, newest change first, narrowed to mine on demand', async () => {
    const gw = gateway(() => json(200, { items: [], nextCursor: null }));
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    await api.listRequests({ onlyMine: true, cursor: 'c1' });
    const url = new URL(gw.seen[0]?.url ?? '');
    expect(url.pathname).toBe('/v1/tickets');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      sort: 'updated',
      limit: '25',
      requester: 'u-1',
      cursor: 'c1',
    });
    expect(gw.seen[0]?.headers.get('authorization')).toBe('Bearer at1');
  });

  it('uploads a file as the multipart field "file"', async () => {
    const gw = gateway(async (req) => {
      const file = (await req.formData()).get('file') as File;
      return json(201, { id: 'a1', ticketId: 't-1', filename: file.name, contentType: file.type, size: file.size });
    });
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    const stored = await api.attach('t-1', new File(['hello'], 'hello.txt', { type: 'text/plain' }));
    expect(stored).toMatchObject({ filename: 'hello.txt', size: 5 });
    expect(gw.seen[0]?.url).toBe(`${BASE}/v1/tickets/t-1/attachments`);
    expect(gw.seen[0]?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('tells a follow-up (201, another ticket) from a reply on the same request', async () => {
    let status = 200;
    const gw = gateway(() => json(status, { id: status === 201 ? 't-2' : 't-1' }));
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    expect(await api.reply('t-1', 'more')).toMatchObject({ followUp: false, ticket: { id: 't-1' } });
    status = 201;
    expect(await api.reply('t-1', 'still broken')).toMatchObject({ followUp: true, ticket: { id: 't-2' } });
    expect(await gw.seen[1]?.json()).toEqual({ body: 'still broken' });
  });

  it("a refused reopen carries the API's problem (detail, status, allowed commands)", async () => {
    const gw = gateway(() =>
      problem(409, 'The ticket is closed and can no longer change', { currentStatus: 'closed', allowedCommands: [] }),
    );
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    const err = (await api.reopen('t-1').catch((e: unknown) => e)) as ApiError;
    expect(err.problem).toMatchObject({ status: 409, detail: 'The ticket is closed and can no longer change' });
  });

  it('a network failure is a problem the page can show', async () => {
    const api = createPortalClient({
      baseUrl: BASE,
      store: signedIn(),
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const err = (await api.getRequest('t-1').catch((e: unknown) => e)) as ApiError;
    expect(err.problem.detail).toContain('cannot be reached');
  });

  it('tells the app when the session ends by itself, not when the requester signs out', async () => {
    let refreshOk = true;
    const gw = gateway((req) => {
      if (req.url.endsWith('/v1/auth/refresh')) return refreshOk ? json(200, tokens(2)) : problem(401, 'expired');
      if (req.url.endsWith('/v1/auth/logout')) return new Response(null, { status: 204 });
      return problem(401, 'expired');
    });
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    const ended = vi.fn();
    api.onSignedOut(ended);
    await api.signOut();
    expect(ended).not.toHaveBeenCalled();

    const again = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    again.onSignedOut(ended);
    refreshOk = false;
    await expect(again.getRequest('t-1')).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(again.currentUser()).toBeUndefined();
  });

  it('watches one ticket on the live stream', async () => {
    const enc = new TextEncoder();
    const gw = gateway((req) => {
      if (!req.url.endsWith('/v1/live')) return problem(404, 'no');
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(
            enc.encode('event: ticket\ndata: {"id":"t-2","reference":"R2","status":"new","updatedAt":"x"}\n\n'),
          );
          c.enqueue(
            enc.encode('event: ticket\ndata: {"id":"t-1","reference":"R1","status":"resolved","updatedAt":"x"}\n\n'),
          );
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    });
    const api = createPortalClient({ baseUrl: BASE, store: signedIn(), fetch: gw.fetch });
    const onChange = vi.fn();
    const stop = api.watch('t-1', onChange);
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    stop();
    expect(gw.seen[0]?.headers.get('accept')).toBe('text/event-stream');
  });
});
