// What e2e tests use to talk to the stack: HTTP with tokens, the store, Temporal, the mail sink.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { signToken } from '@helpdesk/gateway';
import type { Role } from '@helpdesk/contracts';
import { listSinkMail } from '@helpdesk/dev-stack';
import type { SinkMail } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';

export const stack = () => inject('stack');

export function token(role: Role, sub: string, email?: string): string {
  return signToken({ sub, role, name: sub, ...(email ? { email } : {}) }, stack().jwtSecret);
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; base?: string } = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(`${opts.base ?? stack().gateway}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  if (res.status >= 500) reportServerError(res.headers.get('x-request-id'));
  return { status: res.status, body: body as T, headers: res.headers };
}

/** A 5xx in a test run: print what the services logged for that request, so a CI failure says why. */
function reportServerError(requestId: string | null): void {
  if (!requestId) return;
  const logs = fs.readdirSync(stack().dataDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log'));
  for (const file of logs) {
    const lines = fs.readFileSync(path.join(stack().dataDir, file), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes(requestId));
    if (at >= 0) console.error(`[${file}] ${lines.slice(at, at + 30).join('\n')}`);
  }
}

export async function openStore(): Promise<Store> {
  return Store.connect(stack().mongo);
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: stack().temporal });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function mailTo(address: string, subjectIncludes: string): Promise<SinkMail[]> {
  const all = await listSinkMail(stack().mailUi);
  return all.filter((m) => m.to.some((t) => t.address === address) && m.subject.includes(subjectIncludes));
}

export type TicketBody = Record<string, unknown> & {
  id: string;
  reference: string;
  status: string;
  links: {
    followUpOf?: string;
    followUps: string[];
    mergedInto?: string;
    parent?: string;
    children: string[];
    mergedFrom?: string[];
  };
};

/** Create a submitted ticket as an agent; fails the test unless it is created. */
export async function createTicket(
  fields: Record<string, unknown> = {},
  opts: { base?: string; token?: string } = {},
): Promise<TicketBody> {
  const unique = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const res = await api<TicketBody>('POST', '/v1/tickets', {
    ...opts,
    token: opts.token ?? token('agent', 'alice'),
    body: {
      title: 'Printer on fire',
      description: 'Smoke coming out of the paper tray',
      requester: { id: `req-${unique}`, email: `req-${unique}@example.com` },
      ...fields,
    },
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Send a command as an agent (alice unless told) and return the answer. */
export async function command<T = TicketBody>(
  id: string,
  name: string,
  body: unknown = {},
  opts: { base?: string; token?: string } = {},
) {
  return api<T>('POST', `/v1/tickets/${id}/${name}`, { ...opts, token: opts.token ?? token('agent', 'alice'), body });
}

export async function waitForStatus(store: Store, id: string, status: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const t = await store.getTicket(id);
      return t?.status === status ? t : undefined;
    },
    timeoutMs,
    `ticket ${id} to be ${status}`,
  );
}

/** A store connection for one test file: opened before its tests, closed after. */
export function useStore(): () => Store {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await openStore();
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => {
    if (!store) throw new Error('the store is not open yet');
    return store;
  };
}

/** A Temporal client for one test file: connected before its tests, closed after. */
export function useTemporal(): () => Client {
  let temporal: { client: Client; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
  });
  return () => {
    if (!temporal) throw new Error('the Temporal client is not connected yet');
    return temporal.client;
  };
}
