// The gateway API over real HTTP: every operation, the roles, every error status with its body,
// idempotency, pagination, and every answer checked against /openapi.json.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { api, createTicket, stack, token, useStore } from '../support/api';
import type { TicketBody } from '../support/api';
import { checked } from '../support/openapi';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const store = useStore();

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: { field: string; message: string }[];
  currentStatus?: string;
  allowedCommands?: string[];
  hint?: string;
};
type List = { items: TicketBody[]; nextCursor: string | null };

const agent = () => token('agent', 'alice', 'alice@example.com');
const admin = () => token('admin', 'root');

describe('tickets', () => {
  it('creates, reads (with ETag), modifies, lists and times every step, as documented', async () => {
    const created = await checked<TicketBody>('POST', '/v1/tickets', {
      token: agent(),
      body: {
        title: 'Laptop',
        description: 'Will not boot',
        requester: { id: 'api-rq', email: 'api-rq@example.com' },
        tags: ['api'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/tickets/${created.body.id}`);

    const got = await checked<TicketBody>('GET', `/v1/tickets/${created.body.id}`, { token: agent() });
    const etag = got.headers.get('etag');
    expect(etag).toMatch(/^W\/".+-1"$/);
    const notModified = await checked('GET', `/v1/tickets/${created.body.id}`, {
      token: agent(),
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(notModified.status).toBe(304);

    const patched = await checked<TicketBody>('PATCH', `/v1/tickets/${created.body.id}`, {
      token: agent(),
      body: { priority: 'high', tags: ['api', 'laptop'] },
    });
    expect([patched.status, patched.body.priority, patched.body.status, patched.body.assignee]).toEqual([
      200,
      'high',
      'in_progress',
      'alice',
    ]);
    const changed = await checked('GET', `/v1/tickets/${created.body.id}`, {
      token: agent(),
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(changed.status).toBe(200);

    const events = await checked<{ items: { type: string }[] }>('GET', `/v1/tickets/${created.body.id}/events`, {
      token: agent(),
    });
    expect(events.body.items.map((e) => e.type)).toEqual(['created', 'modified', 'taken']);
  });

  it('runs every command route and answers in the documented shape', async () => {
    const t = await createTicket({}, { token: agent() });
    const id = t.id;
    const steps: [string, unknown, number][] = [
      ['take', {}, 200],
      ['notes', { body: 'internal' }, 200],
      ['messages', { body: 'to the vendor', recipients: ['vendor@example.com'] }, 200],
      ['replies', { body: 'public answer' }, 200],
      ['reclassify', { type: 'incident', severity: 'high' }, 200],
      ['release', { reason: 'manual' }, 200],
      ['assign', { assignee: 'bob' }, 200],
      ['wait', { waitType: 'case', caseId: 'C-1' }, 200],
      ['end_case', {}, 200],
      ['wait', { waitType: 'more_info', days: 3 }, 200],
      ['resume', {}, 200],
      ['resolve', { method: 'rejected' }, 200],
      ['reopen', {}, 200],
      ['spam', {}, 200],
      ['follow-ups', { description: 'again' }, 201],
    ];
    for (const [name, body, status] of steps) {
      const r = await checked<TicketBody>('POST', `/v1/tickets/${id}/${name}`, { token: agent(), body });
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
    }
    const draft = await checked<TicketBody>('POST', '/v1/tickets', {
      token: agent(),
      body: { draft: true, title: 'Draft' },
    });
    const submitted = await checked<TicketBody>('POST', `/v1/tickets/${draft.body.id}/submit`, {
      token: agent(),
      body: { description: 'Done', requester: { id: 'x', email: 'x@example.com' } },
    });
    expect(submitted.body.status).toBe('new');
    const deleted = await checked<TicketBody>('DELETE', `/v1/tickets/${draft.body.id}`, { token: agent() });
    expect(deleted.body.deleted).toBe(true);
    expect((await checked('POST', `/v1/tickets/${draft.body.id}/restore`, { token: agent(), body: {} })).status).toBe(
      200,
    );
    const other = await createTicket({}, { token: agent() });
    expect(
      (
        await checked('POST', `/v1/tickets/${other.id}/split`, {
          token: agent(),
          body: { children: [{ title: 'c', description: 'd' }] },
        })
      ).status,
    ).toBe(200);
    expect(
      (await checked('POST', `/v1/tickets/${draft.body.id}/merge`, { token: agent(), body: { targetId: other.id } }))
        .status,
    ).toBe(200);
    expect((await checked('DELETE', `/v1/tickets/${draft.body.id}/purge`, { token: admin() })).status).toBe(204);
  });
});

describe('roles', () => {
  it('requesters create for themselves, see only their own, and may reply and reopen but not work the ticket', async () => {
    const me = `rq-${randomUUID()}`;
    const mine = token('requester', me, `${me}@example.com`);
    const created = await checked<TicketBody>('POST', '/v1/tickets', {
      token: mine,
      body: { title: 'Mine', description: 'Help' },
    });
    expect([created.status, (created.body.requester as { id: string } | undefined)?.id]).toEqual([201, me]);
    const forOther = await checked<Problem>('POST', '/v1/tickets', {
      token: mine,
      body: { title: 'x', description: 'y', requester: { id: 'someone' } },
    });
    expect(forOther.status).toBe(403);
    const list = await checked<List>('GET', '/v1/tickets', { token: mine });
    expect(list.body.items.map((t) => t.id)).toEqual([created.body.id]);
    expect((await checked('GET', '/v1/tickets?requester=someone', { token: mine })).status).toBe(403);
    expect((await checked('POST', `/v1/tickets/${created.body.id}/take`, { token: mine, body: {} })).status).toBe(403);
    expect(
      (await checked('POST', `/v1/tickets/${created.body.id}/replies`, { token: mine, body: { body: 'more info' } }))
        .status,
    ).toBe(200);
    expect((await checked('GET', '/v1/settings', { token: mine })).status).toBe(403);
    expect((await checked('GET', '/v1/reports/lifecycle', { token: mine })).status).toBe(403);
    expect((await checked('GET', `/v1/requesters/${me}/tickets`, { token: mine })).status).toBe(200);
    expect((await checked('GET', '/v1/requesters/someone-else/tickets', { token: mine })).status).toBe(403);
  });

  it("one ticket comes with the commands its caller could send now, and they follow the ticket's status", async () => {
    const me = `rq-${randomUUID()}`;
    const requester = token('requester', me, `${me}@example.com`);
    const created = await checked<TicketBody>('POST', '/v1/tickets', {
      token: requester,
      body: { title: 'Offer', description: 'What can be done?' },
    });
    const offered = async (who: string) =>
      (await checked<TicketBody>('GET', `/v1/tickets/${created.body.id}`, { token: who })).body
        .allowedCommands as string[];
    const forAgent = await offered(agent());
    expect(forAgent).toEqual(expect.arrayContaining(['take', 'assign', 'reply', 'modify']));
    expect(forAgent).not.toContain('reopen');
    const forRequester = await offered(requester);
    expect(forRequester).toContain('customer_reply');
    expect(forRequester).not.toContain('take');
    // A command's answer carries them too, for the state it produced.
    const taken = await checked<TicketBody>('POST', `/v1/tickets/${created.body.id}/take`, {
      token: agent(),
      body: {},
    });
    expect(taken.body.allowedCommands).not.toContain('take');
    expect(taken.body.allowedCommands).toContain('resolve');
    const resolved = await checked<TicketBody>('POST', `/v1/tickets/${created.body.id}/resolve`, {
      token: agent(),
      body: { method: 'customer_communication' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.allowedCommands).toContain('reopen');
    expect(resolved.body.allowedCommands).not.toContain('resolve');
    // Lists leave them out: they are per ticket and per caller.
    const list = await checked<List>('GET', `/v1/tickets?requester=${me}`, { token: agent() });
    expect(list.body.items[0]?.allowedCommands).toBeUndefined();
  });

  it('services may send customer-side input for any ticket, but not work it', async () => {
    const t = await createTicket({}, { token: agent() });
    const svc = token('service', 'mail-bridge');
    expect(
      (await checked('POST', `/v1/tickets/${t.id}/replies`, { token: svc, body: { body: 'from mail' } })).status,
    ).toBe(200);
    expect(
      (await checked('POST', `/v1/tickets/${t.id}/resolve`, { token: svc, body: { method: 'rejected' } })).status,
    ).toBe(403);
    const created = await checked<TicketBody>('POST', '/v1/tickets', {
      token: svc,
      body: { title: 'x', description: 'y', requester: { id: 'r' } },
    });
    expect(created.body.channel).toBe('api');
  });

  it('only admins change settings and purge', async () => {
    expect((await checked('PUT', '/v1/settings', { token: agent(), body: { notifyOnClose: true } })).status).toBe(403);
    const t = await createTicket({}, { token: agent() });
    expect((await checked('DELETE', `/v1/tickets/${t.id}/purge`, { token: agent() })).status).toBe(403);
    expect((await checked('GET', '/v1/settings', { token: agent() })).status).toBe(200);
  });
});

describe('errors', () => {
  it('answers each error status with a problem document', async () => {
    const t = await createTicket({}, { token: agent() });
    const cases: [string, string, Parameters<typeof api>[2], number][] = [
      ['POST', '/v1/tickets', { token: agent(), body: { title: 5, whatever: true } }, 400],
      ['GET', '/v1/tickets', {}, 401],
      ['GET', '/v1/tickets', { token: 'not-a-jwt' }, 401],
      [
        'GET',
        '/v1/tickets',
        { token: jwt.sign({ sub: 'a', role: 'agent' }, stack().jwtSecret, { expiresIn: -10 }) },
        401,
      ],
      ['GET', '/v1/tickets', { token: jwt.sign({ sub: 'a', role: 'agent' }, 'another-secret-entirely') }, 401],
      ['GET', '/v1/tickets', { token: jwt.sign({ sub: 'a', role: 'overlord' }, stack().jwtSecret) }, 401],
      ['PUT', '/v1/settings', { token: agent(), body: {} }, 403],
      ['GET', `/v1/tickets/${randomUUID()}`, { token: agent() }, 404],
      ['POST', `/v1/tickets/${t.id}/resume`, { token: agent(), body: {} }, 409],
      [
        'POST',
        `/v1/tickets/${t.id}/replies`,
        { token: agent(), body: 'plain text', headers: { 'content-type': 'text/plain' } },
        415,
      ],
      ['POST', '/v1/tickets', { token: agent(), body: `{"title":"${'x'.repeat(1_100_000)}"}` }, 413],
      ['POST', '/v1/tickets', { token: agent(), body: '{"title": broken' }, 400],
      ['GET', '/v1/tickets?limit=1000&colour=red', { token: agent() }, 400],
      ['GET', '/v1/tickets?cursor=garbage', { token: agent() }, 400],
    ];
    for (const [method, path, opts, status] of cases) {
      const r = await api<Problem>(method, path, opts);
      expect(r.status, `${method} ${path}`).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.status).toBe(status);
      expect(r.body.requestId).toBeTruthy();
      expect(r.body.detail.length).toBeGreaterThan(5);
      if (path.startsWith('/v1/tickets') && method !== 'PUT' && status !== 413 && status !== 401)
        await checked(method, path, opts);
    }
    const bad = await api<Problem>('POST', '/v1/tickets', { token: agent(), body: { title: 5, whatever: true } });
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['body', 'body.title']);
    expect(bad.body.errors?.find((e) => e.field === 'body')?.message).toContain('whatever');
    const refused = await api<Problem>('POST', `/v1/tickets/${t.id}/resume`, { token: agent(), body: {} });
    expect(refused.body.currentStatus).toBe('new');
    expect(refused.body.allowedCommands).toEqual(expect.arrayContaining(['take', 'assign', 'resolve']));
    const unknown = await api<Problem>('GET', '/v1/nothing-here', { token: agent() });
    expect(unknown.status).toBe(404);
    const missing = await api<Problem>('POST', '/v1/tickets', { token: agent(), body: {} });
    // Every field a submit needs, named as a submit names them (the primary contact defaults to the requester).
    expect(missing.body.errors?.map((e) => e.field)).toEqual([
      'body.title',
      'body.description',
      'body.primaryContact',
      'body.requester',
    ]);
  });

  it('answers 429 with Retry-After past the per-principal limit', async () => {
    const svc = await startPrivateServices(['gateway'], { env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const mine = token('agent', `limited-${randomUUID()}`);
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof api<Problem>>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await api<Problem>('GET', '/v1/tickets?limit=1', { base: svc.gateway, token: mine });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last?.body.status).toBe(429);
      // Another principal is not limited by the first one's use.
      expect(
        (await api('GET', '/v1/tickets?limit=1', { base: svc.gateway, token: token('agent', 'other') })).status,
      ).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});

describe('idempotency', () => {
  const body = (tag: string) => ({ title: 'Idem', description: 'once', requester: { id: 'idem' }, tags: [tag] });

  it('a retry with the same key returns the first answer and does nothing twice', async () => {
    const tag = `idem-${randomUUID()}`;
    const key = randomUUID();
    const first = await checked<TicketBody>('POST', '/v1/tickets', {
      token: agent(),
      body: body(tag),
      headers: { 'idempotency-key': key },
    });
    const retry = await checked<TicketBody>('POST', '/v1/tickets', {
      token: agent(),
      body: body(tag),
      headers: { 'idempotency-key': key },
    });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const list = await api<List>('GET', `/v1/tickets?tag=${tag}`, { token: agent() });
    expect(list.body.items).toHaveLength(1);

    const take1 = await api<TicketBody>('POST', `/v1/tickets/${first.body.id}/take`, {
      token: agent(),
      body: {},
      headers: { 'idempotency-key': `${key}-take` },
    });
    const take2 = await api<TicketBody>('POST', `/v1/tickets/${first.body.id}/take`, {
      token: agent(),
      body: {},
      headers: { 'idempotency-key': `${key}-take` },
    });
    expect([take1.status, take2.status]).toEqual([200, 200]);
    expect((await store().listEvents(first.body.id)).filter((e) => e.type === 'taken')).toHaveLength(1);
  });

  it('the same key with a different body is a 422', async () => {
    const key = randomUUID();
    await api('POST', '/v1/tickets', { token: agent(), body: body('a'), headers: { 'idempotency-key': key } });
    const conflict = await checked<Problem>('POST', '/v1/tickets', {
      token: agent(),
      body: body('b'),
      headers: { 'idempotency-key': key },
    });
    expect(conflict.status).toBe(422);
    expect(conflict.body.type).toContain('idempotency_key_reused');
  });

  it('concurrent identical requests create one ticket', async () => {
    const tag = `race-${randomUUID()}`;
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        api<TicketBody>('POST', '/v1/tickets', {
          token: agent(),
          body: body(tag),
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const list = await api<List>('GET', `/v1/tickets?tag=${tag}`, { token: agent() });
    expect(list.body.items).toHaveLength(1);
  });
});

describe('lists', () => {
  it('pages across the whole result without gaps or repeats, in a stable order, both ways', async () => {
    const tag = `page-${randomUUID()}`;
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++)
      ids.add((await createTicket({ tags: [tag], title: `Paged ${i}` }, { token: agent() })).id);
    for (const order of ['desc', 'asc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/tickets?tag=${tag}&limit=3&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
        const page: Awaited<ReturnType<typeof checked<List>>> = await checked<List>('GET', url, { token: agent() });
        seen.push(...page.body.items.map((t) => t.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect(new Set(seen)).toEqual(ids);
      const created = await Promise.all(seen.map(async (id) => (await store().getTicket(id))!.createdAt));
      const sorted = [...created].sort((a, b) => (order === 'asc' ? a - b : b - a));
      expect(created).toEqual(sorted);
    }
  });

  it('filters by status, assignee, attention, follow-up-of, breached, and searches reference and subject', async () => {
    const tag = `filter-${randomUUID()}`;
    const a = await createTicket({ tags: [tag], title: `Unique zebra ${tag}` }, { token: agent() });
    const b = await createTicket(
      { tags: [tag], group: 'support', type: 'incident', severity: 'high' },
      { token: agent() },
    );
    await api('POST', `/v1/tickets/${b.id}/take`, { token: agent(), body: {} });
    const q = async (query: string) =>
      (await checked<List>('GET', `/v1/tickets?tag=${tag}&${query}`, { token: agent() })).body.items.map((t) => t.id);
    expect(await q('status=in_progress')).toEqual([b.id]);
    expect(await q('status=new,in_progress')).toHaveLength(2);
    expect(await q('assignee=alice')).toEqual([b.id]);
    expect(await q('group=support&type=incident&severity=high')).toEqual([b.id]);
    expect(await q('attention=false')).toHaveLength(2);
    expect(await q('breached=true')).toEqual([]);
    expect(await q(`q=${encodeURIComponent('ZEBRA')}`)).toEqual([a.id]);
    expect(await q(`q=${a.reference}`)).toEqual([a.id]);
    expect(await q('q=.*')).toEqual([]); // the search is literal, not a regex
    expect(await q(`followUpOf=${a.id}`)).toEqual([]);
    expect(await q('channel=web&sort=updated')).toHaveLength(2);
  });
});

describe('history and reports', () => {
  it('a requester or company history lists its tickets newest first', async () => {
    const company = `ACME-${randomUUID()}`;
    const rq = `hist-${randomUUID()}`;
    const first = await createTicket({ requester: { id: rq }, company }, { token: agent() });
    const second = await createTicket({ requester: { id: rq }, company }, { token: agent() });
    const byRequester = await checked<List>('GET', `/v1/requesters/${rq}/tickets`, { token: agent() });
    expect(byRequester.body.items.map((t) => t.id)).toEqual([second.id, first.id]);
    const byCompany = await checked<List>('GET', `/v1/requesters/${encodeURIComponent(company)}/tickets`, {
      token: agent(),
    });
    expect(byCompany.body.items.map((t) => t.id)).toEqual([second.id, first.id]);
  });

  it('the lifecycle report counts and times exactly what happened (own database)', async () => {
    const svc: PrivateServices = await startPrivateServices(['worker', 'gateway'], {
      database: `helpdesk_report_${randomUUID().slice(0, 8)}`,
    });
    try {
      const o = { base: svc.gateway, token: agent() };
      const from = new Date(Date.now() - 1000).toISOString();
      const t1 = await createTicket({ type: 'incident', severity: 'high' }, o);
      const t2 = await createTicket({ type: 'question' }, o);
      await createTicket({ type: 'question' }, o);
      await api('POST', `/v1/tickets/${t1.id}/replies`, { ...o, body: { body: 'answer' } });
      await api('POST', `/v1/tickets/${t1.id}/resolve`, { ...o, body: { method: 'customer_communication' } });
      await api('POST', `/v1/tickets/${t1.id}/reopen`, { ...o, body: {} });
      await api('POST', `/v1/tickets/${t2.id}/spam`, { ...o, body: {} });
      await api('POST', `/v1/tickets/${t2.id}/follow-ups`, { ...o, body: { description: 'again' } });
      const to = new Date(Date.now() + 1000).toISOString();
      const r = await checked<
        Record<string, unknown> & {
          byStatus: Record<string, number>;
          firstResponse: { count: number; medianHours: number };
          resolution: { count: number };
        }
      >('GET', `/v1/reports/lifecycle?from=${from}&to=${to}`, o);
      expect(r.body.total).toBe(4);
      expect(r.body.byStatus).toEqual({ in_progress: 1, closed: 1, new: 2 });
      expect(r.body.byType).toEqual({ incident: 1, question: 2, none: 1 });
      expect(r.body.byChannel).toEqual({ web: 4 });
      expect(r.body.firstResponse.count).toBe(1);
      expect(r.body.firstResponse.medianHours).toBeGreaterThanOrEqual(0);
      expect(r.body.resolution.count).toBe(1); // t2: spam; t1 reopened has no resolution now
      expect([r.body.reopens, r.body.reopenedTickets, r.body.followUps]).toEqual([1, 1, 1]);
      const bad = await api<Problem>('GET', `/v1/reports/lifecycle?from=${to}&to=${from}`, o);
      expect(bad.status).toBe(400);
    } finally {
      await svc.stop();
    }
  });
});

describe('attachments', () => {
  it('uploads into GridFS, records it on the ticket, downloads the same bytes for those who may see it', async () => {
    const t = await createTicket({}, { token: agent() });
    const bytes = Buffer.from(`log line ${randomUUID()}\n`.repeat(200));
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/plain' }), 'app.log');
    const res = await fetch(`${stack().gateway}/v1/tickets/${t.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent()}` },
      body: form,
    });
    const stored = (await res.json()) as { id: string; size: number; filename: string };
    expect([res.status, stored.size, stored.filename]).toEqual([201, bytes.length, 'app.log']);
    const ticket = await api<TicketBody & { attachments: { id: string }[] }>('GET', `/v1/tickets/${t.id}`, {
      token: agent(),
    });
    expect(ticket.body.attachments.map((a) => a.id)).toEqual([stored.id]);
    const download = await fetch(`${stack().gateway}/v1/attachments/${stored.id}`, {
      headers: { authorization: `Bearer ${agent()}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    const stranger = await api('GET', `/v1/attachments/${stored.id}`, { token: token('requester', 'stranger') });
    expect(stranger.status).toBe(403);
    const asJson = await api<Problem>('POST', `/v1/tickets/${t.id}/attachments`, {
      token: agent(),
      body: { file: 'nope' },
    });
    expect(asJson.status).toBe(415);
    expect((await api('GET', '/v1/attachments/000000000000000000000000', { token: agent() })).status).toBe(404);
  });

  it('refuses a file over the size limit with 413 and keeps nothing', async () => {
    const svc = await startPrivateServices(['gateway'], { env: { ATTACHMENT_MAX_BYTES: '1024' } });
    try {
      const t = await createTicket({}, { token: agent() });
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(5000, 1)]), 'big.bin');
      const res = await fetch(`${svc.gateway}/v1/tickets/${t.id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent()}` },
        body: form,
      });
      expect(res.status).toBe(413);
      expect((await store().getTicket(t.id))?.attachments ?? []).toEqual([]);
    } finally {
      await svc.stop();
    }
  });
});

describe('operations', () => {
  it('healthz, readyz and the OpenAPI document', async () => {
    expect((await api('GET', '/healthz')).status).toBe(200);
    const ready = await api<{ temporal: boolean; store: boolean }>('GET', '/readyz');
    expect([ready.status, ready.body.temporal, ready.body.store]).toEqual([200, true, true]);
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/tickets',
      '/v1/tickets/{id}',
      '/v1/tickets/{id}/events',
      '/v1/tickets/{id}/take',
      '/v1/tickets/{id}/attachments',
      '/v1/attachments/{id}',
      '/v1/requesters/{id}/tickets',
      '/v1/reports/lifecycle',
      '/v1/settings',
    ]) {
      expect(doc.body.paths, path).toHaveProperty([path]);
    }
  });

  it('/metrics is scrapeable and counts requests by route and commands by outcome', async () => {
    const t = await createTicket({}, { token: agent() });
    await api('POST', `/v1/tickets/${t.id}/resume`, { token: agent(), body: {} });
    const res = await fetch(`${stack().gateway}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/tickets\/",status="201"\} \d+/);
    expect(text).toMatch(/ticket_commands_total\{command="resume",outcome="invalid_transition"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.1",method="GET"/);
  });
});
