// Routing over HTTP: a ticket submitted to a group is offered to its members by the group's rule
// (round robin, least open with capacity, skills), only to online agents, again to the next agent
// when the offer is not taken in time; and a worker killed while 30 tickets are being routed
// leaves each of them assigned exactly once.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { api, eventually, token, useStore } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const store = useStore();
const admin = token('admin', 'admin');

interface AgentSpec {
  id: string;
  skills?: string[];
  capacity?: number | null;
  availability?: 'online' | 'away' | 'offline';
}

interface Routing {
  rule: 'manual' | 'round_robin' | 'least_open' | 'skills';
  offerTimeoutMinutes: number;
  skillsByType?: Record<string, string[]>;
}

/** Agents (ids prefixed to be unique to the run) and a group of them with this routing, over HTTP. */
async function groupOf(
  routing: Routing,
  agents: AgentSpec[],
  base?: string,
): Promise<{ group: string; ids: Record<string, string> }> {
  const run = randomUUID().slice(0, 8);
  const ids: Record<string, string> = {};
  for (const a of agents) {
    const id = `${a.id}-${run}`;
    ids[a.id] = id;
    const res = await api('POST', '/v1/users', {
      ...(base ? { base } : {}),
      token: admin,
      body: {
        id,
        name: id,
        email: `${id}@agents.routing.test`,
        role: 'agent',
        skills: a.skills ?? [],
        ...(a.capacity !== undefined ? { capacity: a.capacity } : {}),
        availability: a.availability ?? 'online',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const group = `routing-${routing.rule}-${run}`;
  const res = await api('POST', '/v1/groups', {
    ...(base ? { base } : {}),
    token: admin,
    body: { name: group, members: Object.values(ids), routing },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { group, ids };
}

async function newTicket(fields: Record<string, unknown>, base?: string): Promise<string> {
  const unique = randomUUID().slice(0, 8);
  const res = await api<{ id: string }>('POST', '/v1/tickets', {
    ...(base ? { base } : {}),
    token: admin,
    body: {
      title: `Routing ${unique}`,
      description: 'Needs an agent',
      requester: { id: `req-${unique}`, email: `req-${unique}@example.com` },
      ...fields,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const assigneeOf = async (id: string) => (await store().getTicket(id))?.assignee;

/** Waits until every ticket has an assignee; answers them in the tickets' order. */
async function assigned(ids: string[], timeoutMs = 45_000): Promise<string[]> {
  return eventually(
    async () => {
      const all = await Promise.all(ids.map(assigneeOf));
      return all.every((a) => a !== undefined) ? (all as string[]) : undefined;
    },
    timeoutMs,
    `${ids.length} tickets to be assigned`,
  );
}

const tally = (names: string[]) => names.reduce<Record<string, number>>((t, n) => ({ ...t, [n]: (t[n] ?? 0) + 1 }), {});

/** The `assigned` events on a ticket's timeline, over HTTP. */
async function assignedEvents(
  id: string,
  base?: string,
): Promise<{ actor: { id: string }; after?: { assignee?: string } }[]> {
  const res = await api<{ items: { type: string; actor: { id: string }; after?: { assignee?: string } }[] }>(
    'GET',
    `/v1/tickets/${id}/events`,
    { ...(base ? { base } : {}), token: admin },
  );
  expect(res.status).toBe(200);
  return res.body.items.filter((e) => e.type === 'assigned');
}

/** Set an agent's availability over HTTP (going online wakes the queues of their groups). */
async function setAvailability(id: string, availability: 'online' | 'away' | 'offline') {
  const res = await api('PUT', `/v1/users/${id}/availability`, { token: admin, body: { availability } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('routing', () => {
  it('round robin: in member order, then 30 tickets spread 10/10/10, each assigned once by routing', async () => {
    const { group, ids } = await groupOf({ rule: 'round_robin', offerTimeoutMinutes: 60 }, [
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ]);
    // One at a time: the ring's order.
    const first: string[] = [];
    for (let i = 0; i < 3; i++) first.push(...(await assigned([await newTicket({ group })])));
    expect(first).toEqual([ids.a, ids.b, ids.c]);
    // The rest at once.
    const rest = await Promise.all(Array.from({ length: 27 }, () => newTicket({ group })));
    const all = [...first, ...(await assigned(rest))];
    expect(tally(all)).toEqual({ [ids.a as string]: 10, [ids.b as string]: 10, [ids.c as string]: 10 });
    const ticket = rest[0] as string;
    const events = await assignedEvents(ticket);
    expect(events).toHaveLength(1);
    expect(events[0]?.actor.id).toBe('routing');
    const t = await store().getTicket(ticket);
    expect(t?.status).toBe('new');
  });

  it('least open: evens out prior load and offers nobody past their capacity', async () => {
    const { group, ids } = await groupOf({ rule: 'least_open', offerTimeoutMinutes: 60 }, [
      { id: 'a' },
      { id: 'b' },
      { id: 'c', capacity: 8 },
    ]);
    // Prior load outside the group: a holds 6 open tickets, b 3, c none.
    await Promise.all([
      ...Array.from({ length: 6 }, () => newTicket({ assignee: ids.a })),
      ...Array.from({ length: 3 }, () => newTicket({ assignee: ids.b })),
    ]);
    // The first goes to the least loaded.
    const [firstId] = [await newTicket({ group })];
    expect(await assigned([firstId as string])).toEqual([ids.c]);
    const rest = await Promise.all(Array.from({ length: 29 }, () => newTicket({ group })));
    const got = tally([ids.c as string, ...(await assigned(rest))]);
    // c fills to its capacity (8); a and b end within one of each other: 6 + x and 3 + y, x + y = 22.
    expect(got[ids.c as string]).toBe(8);
    const a = 6 + (got[ids.a as string] ?? 0);
    const b = 3 + (got[ids.b as string] ?? 0);
    expect(a + b).toBe(31);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
    const open = await store().readModel.openCountsByAssignee([ids.a as string, ids.b as string, ids.c as string]);
    expect(open).toEqual({ [ids.a as string]: a, [ids.b as string]: b, [ids.c as string]: 8 });
  });

  it('skills: a ticket whose type needs a skill goes only to agents who have it, least open first', async () => {
    const { group, ids } = await groupOf(
      { rule: 'skills', offerTimeoutMinutes: 60, skillsByType: { network: ['vpn'] } },
      [{ id: 'a', skills: ['vpn'] }, { id: 'b' }, { id: 'c', skills: ['vpn', 'linux'] }],
    );
    const network = await Promise.all(Array.from({ length: 6 }, () => newTicket({ group, type: 'network' })));
    expect(tally(await assigned(network))).toEqual({ [ids.a as string]: 3, [ids.c as string]: 3 });
    // No skill needed: the least loaded of everyone, b, until it catches up.
    const billing = await Promise.all(Array.from({ length: 3 }, () => newTicket({ group, type: 'billing' })));
    expect(tally(await assigned(billing))).toEqual({ [ids.b as string]: 3 });
  });

  it('skips agents who are away or offline; a ticket nobody can take waits until an agent comes online', async () => {
    const { group, ids } = await groupOf({ rule: 'round_robin', offerTimeoutMinutes: 60 }, [
      { id: 'a' },
      { id: 'b', availability: 'away' },
      { id: 'c', availability: 'offline' },
    ]);
    const some = await Promise.all(Array.from({ length: 4 }, () => newTicket({ group })));
    expect(tally(await assigned(some))).toEqual({ [ids.a as string]: 4 });
    await setAvailability(ids.a as string, 'away');
    const waiting = await newTicket({ group });
    await sleep(3_000);
    expect(await assigneeOf(waiting)).toBeUndefined();
    await setAvailability(ids.c as string, 'online');
    expect(await assigned([waiting], 15_000)).toEqual([ids.c]);
  });

  it('a ticket nobody can take goes to a member added to the group', async () => {
    const { group, ids } = await groupOf({ rule: 'least_open', offerTimeoutMinutes: 60 }, [
      { id: 'a', availability: 'offline' },
    ]);
    const waiting = await newTicket({ group });
    await sleep(2_000);
    expect(await assigneeOf(waiting)).toBeUndefined();
    const d = `d-${group}`;
    const created = await api('POST', '/v1/users', {
      token: admin,
      body: { id: d, name: d, email: `${d}@agents.routing.test`, role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await api('PATCH', `/v1/groups/${group}`, { token: admin, body: { members: [ids.a, d] } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(await assigned([waiting], 15_000)).toEqual([d]);
  });

  it('a group switched from manual to a rule routes the tickets already waiting in it', async () => {
    const { group, ids } = await groupOf({ rule: 'manual', offerTimeoutMinutes: 60 }, [{ id: 'a' }, { id: 'b' }]);
    const waiting = [await newTicket({ group }), await newTicket({ group })];
    await sleep(2_000);
    expect(await Promise.all(waiting.map(assigneeOf))).toEqual([undefined, undefined]);
    const patched = await api('PATCH', `/v1/groups/${group}`, {
      token: admin,
      body: { routing: { rule: 'round_robin', offerTimeoutMinutes: 60 } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(await assigned(waiting, 15_000)).toEqual([ids.a, ids.b]);
  });

  it('re-offers to the next agent when the offer is not taken in time, and stops once it is', async () => {
    // 0.05 minutes: 3 seconds.
    const { group, ids } = await groupOf({ rule: 'round_robin', offerTimeoutMinutes: 0.05 }, [
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ]);
    const id = await newTicket({ group });
    expect(await assigned([id])).toEqual([ids.a]);
    await eventually(async () => ((await assigneeOf(id)) === ids.b ? true : undefined), 20_000, 're-offer to b');
    const taken = await api<{ status: string; assignee: string }>('POST', `/v1/tickets/${id}/take`, {
      token: token('agent', ids.b as string),
      body: {},
    });
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body.status).toBe('in_progress');
    await sleep(5_000);
    const t = await store().getTicket(id);
    expect(t?.assignee).toBe(ids.b);
    expect(t?.status).toBe('in_progress');
    expect((await assignedEvents(id)).map((e) => e.after?.assignee)).toEqual([ids.a, ids.b]);
  });
});

describe('routing through a worker kill', () => {
  let svc: PrivateServices | undefined;
  afterAll(async () => {
    await svc?.stop();
  });

  it('30 tickets routed round robin while the worker is killed: 10/10/10, each assigned exactly once', async () => {
    svc = await startPrivateServices(['worker', 'gateway']);
    const base = svc.gateway;
    const { group, ids } = await groupOf(
      { rule: 'round_robin', offerTimeoutMinutes: 60 },
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      base,
    );
    const tickets = await Promise.all(Array.from({ length: 15 }, () => newTicket({ group }, base)));
    // Kill the worker once routing is under way...
    await eventually(
      async () => ((await Promise.all(tickets.map(assigneeOf))).some(Boolean) ? true : undefined),
      30_000,
      'routing to start',
    );
    await svc.kill('worker');
    const before = (await Promise.all(tickets.map(assigneeOf))).filter(Boolean).length;
    // ...and not done: half the tickets arrive while no worker runs (creation does not need one).
    tickets.push(...(await Promise.all(Array.from({ length: 15 }, () => newTicket({ group }, base)))));
    await svc.start('worker');
    const all = await assigned(tickets, 90_000);
    expect(tally(all)).toEqual({ [ids.a as string]: 10, [ids.b as string]: 10, [ids.c as string]: 10 });
    const counts = await Promise.all(tickets.map(async (t) => (await assignedEvents(t, base)).length));
    expect(counts).toEqual(tickets.map(() => 1));
    expect(before).toBeGreaterThan(0);
  }, 180_000);
});
