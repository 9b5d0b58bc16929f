// The directory over HTTP: users, groups and organizations with their roles; assignments checked
// against it (unknown, deactivated, requester: 400; outside the group: 409 unless the setting);
// deactivation returns open tickets to the queue and lists the rest; requesters made on first
// contact (API and mail) and merged by email, placed in organizations by domain; mail to the
// directory's addresses.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { api, command, createTicket, eventually, token, useStore } from '../support/api';
import type { TicketBody } from '../support/api';
import { sendMail, waitForMail } from '../support/mail';

const store = useStore();
const admin = () => token('admin', 'root');
const agent = () => token('agent', 'alice');
const u = () => randomUUID().slice(0, 8);

type User = { id: string; email: string; role: string; active: boolean; organizationId?: string; availability: string };
type Problem = { status: number; type: string; errors?: { field: string; message: string }[]; detail: string };

async function newUser(fields: Record<string, unknown> = {}): Promise<User> {
  const id = `dir-${u()}`;
  const res = await api<User>('POST', '/v1/users', {
    token: admin(),
    body: { id, name: `Agent ${id}`, email: `${id}@staff.example`, role: 'agent', ...fields },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function addToSupport(id: string): Promise<void> {
  const support = await api<{ members: string[] }>('GET', '/v1/groups/support', { token: agent() });
  const res = await api('PATCH', '/v1/groups/support', {
    token: admin(),
    body: { members: [...support.body.members, id] },
  });
  expect(res.status).toBe(200);
}

const settings = (body: Record<string, unknown>) => api('PUT', '/v1/settings', { token: admin(), body });

afterAll(async () => {
  await settings({ assignOutsideGroup: false, responseDelayHours: null });
});

describe('directory CRUD and roles', () => {
  it('admins create and change users; staff read them; users read and change a few fields of their own', async () => {
    const body = { name: 'Dora', email: `dora-${u()}@staff.example`, role: 'agent' };
    expect((await api('POST', '/v1/users', { token: agent(), body })).status).toBe(403);
    const created = await api<User>('POST', '/v1/users', {
      token: admin(),
      body: { ...body, timeZone: 'Europe/Paris' },
    });
    expect([created.status, created.body.role, created.body.active]).toEqual([201, 'agent', true]);
    const dora = created.body;
    // One address, one user (emails compare lower-cased).
    const again = await api<Problem>('POST', '/v1/users', {
      token: admin(),
      body: { ...body, email: body.email.toUpperCase() },
    });
    expect([again.status, again.body.type]).toEqual([409, 'urn:helpdesk:problem:conflict']);
    const bad = await api<Problem>('POST', '/v1/users', {
      token: admin(),
      body: { name: 'X', email: 'not-an-address', role: 'wizard', timeZone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['body.email', 'body.role', 'body.timeZone']);

    const listed = await api<{ items: User[] }>('GET', '/v1/users?role=agent&active=true', { token: agent() });
    expect(listed.body.items.map((x) => x.id)).toContain(dora.id);
    expect((await api('GET', '/v1/users', { token: token('requester', 'someone') })).status).toBe(403);

    const mine = token('agent', dora.id);
    expect((await api('GET', `/v1/users/${dora.id}`, { token: mine })).status).toBe(200);
    const renamed = await api<User & { name: string; locale: string }>('PATCH', `/v1/users/${dora.id}`, {
      token: mine,
      body: { name: 'Dora M.', locale: 'fr-FR' },
    });
    expect([renamed.status, renamed.body.name, renamed.body.locale]).toEqual([200, 'Dora M.', 'fr-FR']);
    const promote = await api<Problem>('PATCH', `/v1/users/${dora.id}`, { token: mine, body: { role: 'admin' } });
    expect(promote.status).toBe(400);
    expect((await api('PATCH', `/v1/users/alice`, { token: mine, body: { name: 'Bob' } })).status).toBe(403);

    const away = await api<User>('PUT', `/v1/users/${dora.id}/availability`, {
      token: mine,
      body: { availability: 'away' },
    });
    expect([away.status, away.body.availability]).toEqual([200, 'away']);
    expect(
      (await api('PUT', `/v1/users/${dora.id}/availability`, { token: agent(), body: { availability: 'online' } }))
        .status,
    ).toBe(403);
    expect(
      (await api('PUT', `/v1/users/${dora.id}/availability`, { token: admin(), body: { availability: 'busy' } }))
        .status,
    ).toBe(400);
    const silent = await api<Problem>('PATCH', `/v1/users/${dora.id}`, { token: admin(), body: { active: false } });
    expect([silent.status, silent.body.errors?.[0]?.field]).toEqual([400, 'body.active']);
  });

  it('groups: admins only, members must be active agents, and settings.groups follows the directory', async () => {
    const name = `dir-group-${u()}`;
    const member = await newUser();
    const requester = await newUser({ role: 'requester' });
    expect((await api('POST', '/v1/groups', { token: agent(), body: { name } })).status).toBe(403);
    const unknown = await api<Problem>('POST', '/v1/groups', {
      token: admin(),
      body: { name, members: [member.id, 'no-such-agent', requester.id] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { field: 'body.members.1', message: 'names no user of the directory: no-such-agent' },
      { field: 'body.members.2', message: `names a requester, who cannot be a member: ${requester.id}` },
    ]);
    const calendar = await api<Problem>('POST', '/v1/groups', {
      token: admin(),
      body: { name, calendar: 'no-such-calendar' },
    });
    expect([calendar.status, calendar.body.errors?.[0]?.field]).toEqual([400, 'body.calendar']);

    const created = await api<{ name: string; members: string[] }>('POST', '/v1/groups', {
      token: admin(),
      body: { name, members: [member.id], email: `${name}@staff.example` },
    });
    expect([created.status, created.body.members]).toEqual([201, [member.id]]);
    expect((await api('POST', '/v1/groups', { token: admin(), body: { name } })).status).toBe(409);
    const after = await api<{ groups: string[] }>('GET', '/v1/settings', { token: agent() });
    expect(after.body.groups).toEqual(expect.arrayContaining(['support', name]));
    // A ticket may now be filed in it; an unknown group is refused, the ticket never made.
    expect((await createTicket({ group: name })).group).toBe(name);
    const nowhere = await api<Problem>('POST', '/v1/tickets', {
      token: agent(),
      body: { title: 'x', description: 'y', requester: { id: 'r' }, group: 'no-such-group' },
    });
    expect([nowhere.status, nowhere.body.errors?.[0]?.field]).toEqual([400, 'body.group']);

    // Dropping a group through the settings is refused: the directory is its home.
    const dropped = await settings({ groups: ['support'] });
    expect(dropped.status).toBe(400);
    // Deleting it: refused while open tickets are in it.
    const inUse = await api<Problem>('DELETE', `/v1/groups/${name}`, { token: admin() });
    expect(inUse.status).toBe(409);
    const empty = `dir-group-${u()}`;
    expect((await api('POST', '/v1/groups', { token: admin(), body: { name: empty } })).status).toBe(201);
    expect((await api('DELETE', `/v1/groups/${empty}`, { token: admin() })).status).toBe(204);
    const gone = await api<{ groups: string[] }>('GET', '/v1/settings', { token: agent() });
    expect(gone.body.groups).not.toContain(empty);
    expect(gone.body.groups).toContain(name);
  });

  it('a group the settings name but the directory never held (stored before it) is found and changed', async () => {
    const name = `dir-legacy-${u()}`;
    const current = await store().currentSettings();
    await store().putSettings({ groups: [...current.groups, name] });
    const found = await api<{ name: string; members: string[] }>('GET', `/v1/groups/${name}`, { token: agent() });
    expect([found.status, found.body.name, found.body.members]).toEqual([200, name, []]);
    const changed = await api<{ members: string[] }>('PATCH', `/v1/groups/${name}`, {
      token: admin(),
      body: { members: ['alice'] },
    });
    expect([changed.status, changed.body.members]).toEqual([200, ['alice']]);
  });

  it('organizations: admins only, unique names and domains', async () => {
    const domain = `org-${u()}.example`;
    expect((await api('POST', '/v1/organizations', { token: agent(), body: { name: 'X' } })).status).toBe(403);
    const org = await api<{ id: string; domains: string[] }>('POST', '/v1/organizations', {
      token: admin(),
      body: { name: `Org ${domain}`, domains: [domain.toUpperCase()] },
    });
    expect([org.status, org.body.domains]).toEqual([201, [domain]]);
    const clash = await api<Problem>('POST', '/v1/organizations', {
      token: admin(),
      body: { name: `Other ${domain}`, domains: [domain] },
    });
    expect(clash.status).toBe(409);
    expect((await api('GET', `/v1/organizations/${org.body.id}`, { token: agent() })).status).toBe(200);
    expect((await api('DELETE', `/v1/organizations/${org.body.id}`, { token: admin() })).status).toBe(204);
    expect((await api('GET', `/v1/organizations/${org.body.id}`, { token: agent() })).status).toBe(404);
  });
});

describe('assignments checked against the directory', () => {
  it('an unknown, deactivated or requester assignee is a 400 naming it, and the ticket is unchanged', async () => {
    const t = await createTicket({ group: 'support' });
    const before = await store().getTicket(t.id);
    const unknown = await command<Problem>(t.id, 'assign', { assignee: 'no-such-agent' });
    expect([unknown.status, unknown.body.type]).toEqual([400, 'urn:helpdesk:problem:unknown_user']);
    expect(unknown.body.errors).toEqual([
      { field: 'body.assignee', message: 'names no user of the directory: no-such-agent' },
    ]);

    const leaver = await newUser();
    await addToSupport(leaver.id);
    expect((await api('POST', `/v1/users/${leaver.id}/deactivate`, { token: agent(), body: {} })).status).toBe(403);
    expect((await api('POST', `/v1/users/${leaver.id}/deactivate`, { token: admin(), body: {} })).status).toBe(200);
    const inactive = await command<Problem>(t.id, 'assign', { assignee: leaver.id });
    expect([inactive.status, inactive.body.type]).toEqual([400, 'urn:helpdesk:problem:inactive_user']);
    // Nor can they take it with a token they still hold.
    const took = await command<Problem>(t.id, 'take', {}, { token: token('agent', leaver.id) });
    expect(took.status).toBe(400);
    const requester = t.requester as { id: string };
    const toRequester = await command<Problem>(t.id, 'assign', { assignee: requester.id });
    expect([toRequester.status, toRequester.body.type]).toEqual([400, 'urn:helpdesk:problem:not_an_agent']);
    // Creation with such an assignee makes no ticket.
    const created = await api<Problem>('POST', '/v1/tickets', {
      token: agent(),
      body: { title: 'x', description: 'y', requester: { id: 'r' }, assignee: 'no-such-agent' },
    });
    expect([created.status, created.body.errors?.[0]?.field]).toEqual([400, 'body.assignee']);

    const after = await store().getTicket(t.id);
    expect(after?.revision).toBe(before?.revision);
    expect(after?.assignee).toBeUndefined();
    expect((await command(t.id, 'assign', { assignee: 'bob' })).status).toBe(200);
  });

  it("an agent outside the ticket's group is a 409 unless assignOutsideGroup", async () => {
    const outsider = await newUser();
    const t = await createTicket({ group: 'support' });
    const refused = await command<Problem>(t.id, 'assign', { assignee: outsider.id });
    expect([refused.status, refused.body.type]).toEqual([409, 'urn:helpdesk:problem:not_in_group']);
    expect((await store().getTicket(t.id))?.assignee).toBeUndefined();
    expect((await settings({ assignOutsideGroup: true })).status).toBe(200);
    try {
      const allowed = await command(t.id, 'assign', { assignee: outsider.id });
      expect([allowed.status, allowed.body.assignee]).toEqual([200, outsider.id]);
    } finally {
      await settings({ assignOutsideGroup: false });
    }
  });

  it('deactivating an agent returns their in-progress tickets to the queue and lists the others', async () => {
    const leaver = await newUser();
    await addToSupport(leaver.id);
    const working = await createTicket({ group: 'support' });
    const pending = await createTicket({ group: 'support' });
    expect((await command(working.id, 'take', {}, { token: token('agent', leaver.id) })).status).toBe(200);
    expect((await command(pending.id, 'assign', { assignee: leaver.id })).status).toBe(200);
    const res = await api<{
      user: User;
      returnedToQueue: { id: string; status: string }[];
      stillAssigned: { id: string; status: string }[];
    }>('POST', `/v1/users/${leaver.id}/deactivate`, { token: admin(), body: {} });
    expect(res.status).toBe(200);
    expect(res.body.user.active).toBe(false);
    expect(res.body.returnedToQueue).toEqual([{ id: working.id, reference: working.reference, status: 'new' }]);
    expect(res.body.stillAssigned).toEqual([{ id: pending.id, reference: pending.reference, status: 'new' }]);
    const back = await store().getTicket(working.id);
    expect([back?.status, back?.assignee]).toEqual(['new', undefined]);
    const events = await store().listEvents(working.id);
    expect(events.at(-1)).toMatchObject({ type: 'released', actor: { id: 'root' } });
  });
});

describe('requesters and organizations', () => {
  it('a requester is made on first contact by API and merged by email with a later mail', async () => {
    const id = `rq-${u()}`;
    const email = `${id}@customer.example`;
    await createTicket({ requester: { id, email, name: 'Rene' } });
    const made = await api<User>('GET', `/v1/users/${id}`, { token: admin() });
    expect([made.status, made.body.email, made.body.role]).toEqual([200, email, 'requester']);
    await sendMail({ from: `Rene <${email.toUpperCase()}>`, subject: `Again ${id}`, text: 'Still broken' });
    const mailed = await eventually(async () => {
      const page = await store().readModel.list({ requester: id }, { sort: 'created', order: 'asc', limit: 10 });
      return page.items.length === 2 ? page.items : undefined;
    });
    expect(mailed.map((t) => t.channel)).toEqual(['web', 'email']);
    expect((await store().directory.listUsers({ ids: [id] })).length).toBe(1);
  });

  it('mail from a new address makes one requester for two contacts', async () => {
    const email = `mail-${u()}@customer.example`;
    await sendMail({ from: email, subject: 'One', text: 'first' });
    await sendMail({ from: email, subject: 'Two', text: 'second' });
    const tickets = await eventually(async () => {
      const docs = (await store().readModel.list({ requester: email }, { sort: 'created', order: 'asc', limit: 10 }))
        .items;
      return docs.length === 2 ? docs : undefined;
    });
    const user = await store().directory.userByEmail(email);
    expect(user).toMatchObject({ id: email, role: 'requester' });
    expect(tickets.map((t) => t.requester?.id)).toEqual([email, email]);
  });

  it("an organization places requesters by domain, names their tickets' company, and shares them only when it says so", async () => {
    const domain = `acme-${u()}.example`;
    const org = await api<{ id: string; name: string }>('POST', '/v1/organizations', {
      token: admin(),
      body: { name: `Acme ${domain}`, domains: [domain] },
    });
    expect(org.status).toBe(201);
    const [p1, p2] = [`p1-${u()}`, `p2-${u()}`];
    const t1 = await createTicket({ requester: { id: p1, email: `${p1}@${domain}` }, company: 'free text' });
    const t2 = await createTicket({ requester: { id: p2, email: `${p2}@${domain}` } });
    expect([t1.company, t2.company]).toEqual([org.body.name, org.body.name]);
    const placed = await api<User>('GET', `/v1/users/${p1}`, { token: admin() });
    expect(placed.body.organizationId).toBe(org.body.id);

    const asP1 = token('requester', p1, `${p1}@${domain}`);
    const list = async () =>
      (await api<{ items: TicketBody[] }>('GET', '/v1/tickets', { token: asP1 })).body.items.map((t) => t.id).sort();
    expect(await list()).toEqual([t1.id]);
    expect((await api('GET', `/v1/tickets/${t2.id}`, { token: asP1 })).status).toBe(403);
    expect(
      (await api('PATCH', `/v1/organizations/${org.body.id}`, { token: admin(), body: { shareTickets: true } })).status,
    ).toBe(200);
    expect(await list()).toEqual([t1.id, t2.id].sort());
    expect((await api('GET', `/v1/tickets/${t2.id}`, { token: asP1 })).status).toBe(200);
    // Seeing is not acting: a reply to a colleague's ticket is still refused.
    expect((await api('POST', `/v1/tickets/${t2.id}/replies`, { token: asP1, body: { body: 'me too' } })).status).toBe(
      403,
    );
  });
});

describe("mail goes to the directory's addresses", () => {
  it("the assigned mail reaches the agent's directory email, a breach the group's", async () => {
    const assignee = await newUser();
    await addToSupport(assignee.id);
    const t = await createTicket({ group: 'support' });
    expect((await command(t.id, 'assign', { assignee: assignee.id })).status).toBe(200);
    await waitForMail(assignee.email, t.reference);

    const name = `dir-breach-${u()}`;
    const groupEmail = `${name}@staff.example`;
    expect(
      (await api('POST', '/v1/groups', { token: admin(), body: { name, email: groupEmail, members: [assignee.id] } }))
        .status,
    ).toBe(201);
    expect((await settings({ responseDelayHours: 2 / 3600 })).status).toBe(200);
    try {
      const late = await createTicket({ group: name });
      await waitForMail(groupEmail, late.reference);
    } finally {
      await settings({ responseDelayHours: null });
    }
  });
});
