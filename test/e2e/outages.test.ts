// Outages with real components: a private stack (its own Temporal dev server and store, which these
// tests kill and start again) behind a gateway whose answers are checked: 503 problem+json with
// Retry-After while Temporal or the store is down, a bounded 504 while no ticket worker polls,
// readiness that names what is down and recovers, and retries with the same Idempotency-Key that act
// exactly once. Figures are printed; bounds are generous (the issue asks 2 s; CI has 2 busy cores).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, startStack } from '@helpdesk/dev-stack';
import type { ManagedProcess, RunningStack } from '@helpdesk/dev-stack';
import { api, stack as sharedStack, token } from '../support/api';
import type { ApiResponse, TicketBody } from '../support/api';
import { seedDirectoryAt } from '../support/directory';
import { serviceSpecs } from '../support/stack-config';

const COMMAND_TIMEOUT_MS = 3_000;
/** The bound is 2 s (1 s for /readyz); this leaves room for a loaded CI machine. */
const ANSWER_BOUND_MS = 5_000;
const OUTAGE_MS = 30_000;

interface Problem {
  type: string;
  status: number;
  dependency?: string;
  hint?: string;
}
interface Readiness {
  status: string;
  temporal: boolean;
  store: boolean;
  taskQueues: {
    tickets: { name: string; pollers: number | null };
    notifications: { name: string; pollers: number | null };
  };
  down: string[];
}

let stack: RunningStack;
/** Started by the first test, once it has seen the ticket queue without pollers. */
let worker: ManagedProcess | undefined;
let dataDir: string;
const agent = () => token('agent', 'alice');

/** An answer that must come within `boundMs`; the figure is printed. */
async function timed<T>(what: string, request: () => Promise<T>, boundMs = ANSWER_BOUND_MS): Promise<T> {
  const started = performance.now();
  const value = await request();
  const ms = Math.round(performance.now() - started);
  console.log(`[outages] ${what}: ${ms} ms`);
  expect(ms, what).toBeLessThan(boundMs);
  return value;
}

const call = <T = Record<string, unknown>>(
  method: string,
  url: string,
  opts: { body?: unknown; key?: string } = {},
): Promise<ApiResponse<T>> =>
  api<T>(method, url, {
    base: stack.urls.gateway,
    token: agent(),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    ...(opts.key ? { headers: { 'Idempotency-Key': opts.key } } : {}),
  });

const readyz = () => api<Readiness>('GET', '/readyz', { base: stack.urls.gateway });

/** Poll /readyz until it is ready (or says `until`); how long that took. */
async function untilReady(
  until: (res: ApiResponse<Readiness>) => boolean = (res) => res.status === 200,
  timeoutMs = 30_000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await readyz().catch(() => undefined);
    if (res && until(res)) return Math.round(performance.now() - started);
    if (performance.now() - started > timeoutMs)
      throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify(res?.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectUnavailable(res: ApiResponse<Problem>, dependency: 'temporal' | 'store') {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ type: 'urn:helpdesk:problem:dependency_unavailable', status: 503, dependency });
  expect(res.body.hint).toMatch(/Idempotency-Key/);
}

const newTicket = (seed: string) => ({
  title: `Outage ${seed}`,
  description: 'Created around an outage',
  requester: { id: `outage-${seed}-${Date.now()}` },
});

/** Tickets of one requester, from the read model. */
const ticketsOf = async (requester: string) =>
  (await call<{ items: TicketBody[] }>('GET', `/v1/tickets?requester=${encodeURIComponent(requester)}`)).body.items;

/**
 * Kill a dependency with a ticket made beforehand; /readyz must name it at once. Then `refused`:
 * a create and a command (each with an Idempotency-Key) answer 503 fast; and `cameBack`, once it
 * runs again: ready within seconds, and the same two retried with their keys act exactly once.
 */
async function goDown(dependency: 'store' | 'temporal') {
  await untilReady();
  const ticket = (await call<TicketBody>('POST', '/v1/tickets', { body: newTicket(dependency) })).body;
  const body = newTicket(`${dependency}-create`);
  const create = () => call<TicketBody & Problem>('POST', '/v1/tickets', { body, key: `create-${body.requester.id}` });
  const take = () => call<TicketBody & Problem>('POST', `/v1/tickets/${ticket.id}/take`, { key: `take-${ticket.id}` });
  await stack.kill(dependency);

  const ready = await timed(`readyz with ${dependency} down`, readyz);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({
    status: 'not ready',
    temporal: dependency !== 'temporal',
    store: dependency !== 'store',
  });
  expect(ready.body.down).toContain(dependency);
  return {
    ticket,
    async refused() {
      expectUnavailable(await timed(`create with ${dependency} down`, create), dependency);
      expectUnavailable(await timed(`command with ${dependency} down`, take), dependency);
    },
    async cameBack() {
      // The gateway's own part: it reaches the dependency again. Full readiness also waits for the
      // workers to poll again (their own reconnect), so it gets a wider bound.
      const reached = await untilReady((res) => res.body[dependency]);
      const ready = reached + (await untilReady());
      console.log(
        `[outages] after ${dependency} came back: reachable in ${reached} ms, ready (workers polling) in ${ready} ms`,
      );
      expect(reached).toBeLessThan(ANSWER_BOUND_MS);
      expect(ready).toBeLessThan(3 * ANSWER_BOUND_MS);
      expect((await create()).status).toBe(201);
      expect(await ticketsOf(body.requester.id)).toHaveLength(1);
      const took = await take();
      expect([took.status, took.body.status]).toEqual([200, 'in_progress']);
      const events = await call<{ items: { type: string }[] }>('GET', `/v1/tickets/${ticket.id}/events`);
      expect(events.body.items.filter((e) => e.type === 'taken')).toHaveLength(1);
    },
  };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-outages-'));
  // Persistent: Temporal keeps its workflows in a file and the store syncs, so both survive a kill.
  // No worker at first: the first test needs a ticket queue nobody polls.
  stack = await startStack({
    dataDir,
    persistent: true,
    services: serviceSpecs().filter((s) => s.name !== 'worker'),
    env: {
      AUTH_JWT_SECRET: sharedStack().jwtSecret,
      LOG_LEVEL: 'warn',
      COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
    },
  });
  // Its own store: the agents the tests act as must be in its directory too.
  await seedDirectoryAt(stack.urls.mongo);
});

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('outages and readiness', () => {
  it('no ticket worker: readiness says so, a command answers 504 in bounded time, and the retry with its key acts once', async () => {
    const ready = await timed('readyz without a ticket worker', readyz);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', temporal: true, store: true, down: ['ticket_worker'] });
    expect(ready.body.taskQueues.tickets.pollers).toBe(0);
    expect(ready.body.taskQueues.notifications.pollers).toBeGreaterThan(0);

    // Creation needs no worker: a plain start and the starter's own projection.
    const created = await call<TicketBody>('POST', '/v1/tickets', { body: newTicket('no-worker') });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const key = `take-${id}`;
    const first = await timed(
      'take with no worker polling',
      () => call<Problem>('POST', `/v1/tickets/${id}/take`, { key }),
      COMMAND_TIMEOUT_MS + ANSWER_BOUND_MS,
    );
    expect([503, 504]).toContain(first.status);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(first.body).toMatchObject({ type: 'urn:helpdesk:problem:command_timeout', dependency: 'temporal' });
    expect(first.body.hint).toMatch(/same Idempotency-Key/);

    // The key was given back, not left pending: the retry runs (and times out again) at once,
    // instead of waiting on a key nobody will finish.
    const again = await call<Problem>('POST', `/v1/tickets/${id}/take`, { key });
    expect(again.body.type).toBe('urn:helpdesk:problem:command_timeout');

    const spec = serviceSpecs().find((s) => s.name === 'worker');
    if (!spec) throw new Error('no worker service');
    worker = await startService(spec, stack.env, stack.logDir);
    console.log(`[outages] ready after the worker started: ${await untilReady()} ms`);
    const retried = await call<TicketBody>('POST', `/v1/tickets/${id}/take`, { key });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'in_progress', assignee: 'alice' });
    const replayed = await call<TicketBody>('POST', `/v1/tickets/${id}/take`, { key });
    expect([replayed.status, replayed.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    const events = await call<{ items: { type: string }[] }>('GET', `/v1/tickets/${id}/events`);
    expect(events.body.items.filter((e) => e.type === 'taken')).toHaveLength(1);
  });

  it('store down: 503 problem+json with Retry-After fast on every kind of route, readiness names it, back within seconds, the retry acts once', async () => {
    const outage = await goDown('store');
    const read = await timed('GET a ticket with the store down', () =>
      call<Problem>('GET', `/v1/tickets/${outage.ticket.id}`),
    );
    expectUnavailable(read, 'store');
    await outage.refused();

    await stack.start('store');
    await outage.cameBack();
  });

  it('Temporal down for a while: 503 with Retry-After on creates and commands, reads still served, ready again within seconds of its return', async () => {
    const outage = await goDown('temporal');
    await outage.refused();
    const read = await call<TicketBody>('GET', `/v1/tickets/${outage.ticket.id}`);
    expect([read.status, read.body.status]).toEqual([200, 'new']);

    // Long enough that gRPC's default reconnect backoff (1 s, growing 1.6× a try: the next tries
    // come about 26 s and 43 s after the loss) would keep the gateway unready for seconds more.
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect((await readyz()).body.temporal).toBe(false);
    await stack.start('temporal');
    await outage.cameBack();
  });
});
