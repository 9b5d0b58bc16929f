// Saved views and counts over HTTP: a view is a ticket list query (checked by the list's own
// schema), owned by one agent and optionally shared with a directory group whose members then see
// it; only its owner or an admin changes it. Counts take the list's filters and answer what the
// list holds through all its pages, for requesters only what they may list.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, createTicket, token, useStore } from '../support/api';
import type { TicketBody } from '../support/api';
import { checked } from '../support/openapi';

const store = useStore();
const u = () => randomUUID().slice(0, 8);

type View = {
  id: string;
  name: string;
  query: Record<string, string>;
  sharedWithGroup?: string;
  ownerId: string;
  createdAt: string;
};
type Problem = { status: number; errors?: { field: string; message: string }[]; detail: string };
type Page = { items: TicketBody[]; nextCursor: string | null };

/** Every ticket of a list, page by page (small pages, so the count is checked across several). */
async function listAll(query: string, tok: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Page } = await api<Page>(
      'GET',
      `/v1/tickets?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      { token: tok },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.items.map((t) => t.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

const count = async (query: string, tok: string) => {
  const res = await checked<{ count: number }>('GET', `/v1/tickets/count?${query}`, { token: tok });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.count;
};

describe('counts', () => {
  const tag = `cnt-${u()}`;
  const requester = { id: `cnt-req-${u()}`, email: `cnt-${u()}@example.com` };
  let tickets: TicketBody[] = [];

  beforeAll(async () => {
    // Five tickets with the tag: three of one requester, one of them taken (in progress).
    tickets = await Promise.all([
      createTicket({ tags: [tag], requester }),
      createTicket({ tags: [tag], requester }),
      createTicket({ tags: [tag], requester }),
      createTicket({ tags: [tag] }),
      createTicket({ tags: [tag] }),
    ]);
    const take = await api('POST', `/v1/tickets/${tickets[0]?.id}/take`, { token: token('agent', 'alice'), body: {} });
    expect(take.status, JSON.stringify(take.body)).toBe(200);
  }, 60_000);

  it('counts what the list holds through all its pages, filter by filter', async () => {
    const agent = token('agent', 'alice');
    for (const query of [
      `tag=${tag}`,
      `tag=${tag}&status=new`,
      `tag=${tag}&status=in_progress`,
      `tag=${tag}&status=new,in_progress`,
      `tag=${tag}&requester=${requester.id}`,
      `tag=${tag}&assignee=alice`,
      `tag=${tag}&deleted=true`,
    ]) {
      const listed = await listAll(query, agent);
      expect([query, await count(query, agent)]).toEqual([query, listed.length]);
    }
    // Not vacuous: the filters do select.
    expect(await count(`tag=${tag}`, agent)).toBe(5);
    expect(await count(`tag=${tag}&status=in_progress`, agent)).toBe(1);
    expect(await count(`tag=${tag}&requester=${requester.id}`, agent)).toBe(3);
  });

  it('counts for a requester only their own tickets, and refuses what the list refuses', async () => {
    const mine = token('requester', requester.id, requester.email);
    expect(await count(`tag=${tag}`, mine)).toBe(3);
    expect(await count(`tag=${tag}`, mine)).toBe((await listAll(`tag=${tag}`, mine)).length);
    const other = token('requester', `cnt-other-${u()}`);
    expect(await count(`tag=${tag}`, other)).toBe(0);
    expect((await api('GET', `/v1/tickets/count?requester=${requester.id}`, { token: other })).status).toBe(403);
    expect((await api('GET', '/v1/tickets/count?deleted=true', { token: mine })).status).toBe(403);
  });

  it('takes exactly the list filters: no page, no order, bad values named', async () => {
    const agent = token('agent', 'alice');
    for (const [query, field] of [
      ['limit=5', 'query'],
      ['cursor=abc', 'query'],
      ['sort=updated', 'query'],
      ['status=nonsense', 'query.status.0'],
      ['attention=maybe', 'query.attention'],
      ['q=printer&dueBefore=2030-01-01T00:00:00Z', 'query.q'],
    ] as const) {
      const res = await checked<Problem>('GET', `/v1/tickets/count?${query}`, { token: agent });
      expect([query, res.status, res.body.errors?.[0]?.field]).toEqual([query, 400, field]);
    }
  });

  it('counts a search as the list ranks it', async () => {
    const word = `zq${u().replace(/-/g, '')}`;
    await Promise.all([createTicket({ title: `Toner ${word}` }), createTicket({ description: `about ${word}` })]);
    const agent = token('agent', 'alice');
    expect(await count(`q=${word}`, agent)).toBe(2);
    expect(await count(`q=${word}`, agent)).toBe((await listAll(`q=${word}`, agent)).length);
  });
});

describe('saved views', () => {
  const group = `views-${u()}`;
  const owner = `view-owner-${u()}`;
  const member = `view-member-${u()}`;
  const outsider = `view-out-${u()}`;
  const as = (id: string) => token('agent', id);

  beforeAll(async () => {
    for (const id of [owner, member, outsider])
      await store().directory.createUser({ id, name: id, email: `${id}@agents.helpdesk.test`, role: 'agent' });
    await store().directory.createGroup({ name: group, members: [owner, member] });
  });

  const create = (tok: string, body: unknown) => checked<View & Problem>('POST', '/v1/views', { token: tok, body });
  const listFor = async (id: string) => {
    const res = await checked<{ items: View[] }>('GET', '/v1/views', { token: as(id) });
    expect(res.status).toBe(200);
    return res.body.items;
  };

  it('creates, lists, changes and deletes a personal view', async () => {
    const created = await create(as(owner), { name: 'My new ones', query: { status: 'new', assignee: owner } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'My new ones',
      query: { status: 'new', assignee: owner },
      ownerId: owner,
    });
    expect(created.body.sharedWithGroup).toBeUndefined();
    expect(Date.parse(created.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const id = created.body.id;

    expect((await listFor(owner)).map((v) => v.id)).toContain(id);
    // Not shared: nobody else sees it, not even a member of the owner's group.
    expect((await listFor(member)).map((v) => v.id)).not.toContain(id);

    const renamed = await checked<View>('PATCH', `/v1/views/${id}`, {
      token: as(owner),
      body: { name: 'Mine', query: { status: 'new,in_progress' } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'Mine', query: { status: 'new,in_progress' } });
    expect((await listFor(owner)).find((v) => v.id === id)?.name).toBe('Mine');

    expect((await checked('DELETE', `/v1/views/${id}`, { token: as(owner) })).status).toBe(204);
    expect((await listFor(owner)).map((v) => v.id)).not.toContain(id);
    expect((await checked('DELETE', `/v1/views/${id}`, { token: as(owner) })).status).toBe(404);
  });

  it('shares a view with a group: its members see it, others do not; only the owner or an admin changes it', async () => {
    const shared = await create(as(owner), {
      name: 'Team queue',
      query: { group, status: 'new' },
      sharedWithGroup: group,
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    const id = shared.body.id;
    expect(shared.body.sharedWithGroup).toBe(group);

    expect((await listFor(member)).find((v) => v.id === id)).toMatchObject({ ownerId: owner, sharedWithGroup: group });
    expect((await listFor(outsider)).map((v) => v.id)).not.toContain(id);

    // A member sees it but may not change or delete it.
    const byMember = await checked<Problem>('PATCH', `/v1/views/${id}`, {
      token: as(member),
      body: { name: 'Hijacked' },
    });
    expect(byMember.status).toBe(403);
    expect((await checked('DELETE', `/v1/views/${id}`, { token: as(member) })).status).toBe(403);
    expect((await listFor(owner)).find((v) => v.id === id)?.name).toBe('Team queue');

    // An admin may.
    const byAdmin = await checked<View>('PATCH', `/v1/views/${id}`, {
      token: token('admin', 'root'),
      body: { sharedWithGroup: null },
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.sharedWithGroup).toBeUndefined();
    expect((await listFor(member)).map((v) => v.id)).not.toContain(id);
    expect((await checked('DELETE', `/v1/views/${id}`, { token: token('admin', 'root') })).status).toBe(204);
  });

  it('refuses an unknown group, a query the list would refuse, and callers who are not staff', async () => {
    const unknown = await create(as(owner), { name: 'x', query: {}, sharedWithGroup: `nope-${u()}` });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.field).toBe('body.sharedWithGroup');

    const ok = await create(as(owner), { name: 'x', query: {} });
    expect(ok.status).toBe(201);
    const patchUnknown = await checked<Problem>('PATCH', `/v1/views/${ok.body.id}`, {
      token: as(owner),
      body: { sharedWithGroup: `nope-${u()}` },
    });
    expect(patchUnknown.status).toBe(400);

    for (const [query, field] of [
      [{ status: 'nonsense' }, 'body.query.status.0'],
      [{ cursor: 'abc' }, 'body.query'],
      [{ limit: '5' }, 'body.query'],
      [{ attention: true }, 'body.query.attention'],
      [{ q: 'printer', sort: 'due' }, 'body.query.q'],
    ] as const) {
      const res = await create(as(owner), { name: 'bad', query });
      expect([JSON.stringify(query), res.status, res.body.errors?.[0]?.field]).toEqual([
        JSON.stringify(query),
        400,
        field,
      ]);
    }
    expect((await create(token('requester', `rq-${u()}`), { name: 'x', query: {} })).status).toBe(403);
    expect((await checked('GET', '/v1/views', { token: token('requester', `rq-${u()}`) })).status).toBe(403);
    expect((await checked('GET', '/v1/views', { token: token('service', 'svc') })).status).toBe(403);
    expect(
      (await checked('PATCH', `/v1/views/v-${randomUUID()}`, { token: as(owner), body: { name: 'y' } })).status,
    ).toBe(404);
  });

  it("a view's query counts what its list holds", async () => {
    const tag = `vq-${u()}`;
    await Promise.all([createTicket({ tags: [tag] }), createTicket({ tags: [tag] })]);
    const view = await create(as(owner), { name: 'Tagged', query: { tag, status: 'new' } });
    expect(view.status).toBe(201);
    const params = new URLSearchParams(view.body.query).toString();
    const n = await count(params, as(owner));
    expect(n).toBe(2);
    expect(n).toBe((await listAll(params, as(owner))).length);
  });
});
