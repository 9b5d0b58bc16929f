// The live feed's fan-out, against a store double that answers what changed: one poller for all
// streams, each change sent once (the look-back reads it again and again), to those who may see
// it; presence announced when it changes and when it expires, not on every heartbeat; the poller
// stops with the last stream; a client that does not read is dropped.
import { afterEach, describe, expect, it } from 'vitest';
import type { Response } from 'express';
import type { Actor, Organization } from '@helpdesk/contracts';
import { createLogger } from '@helpdesk/config';
import type { PresenceEntry, Store, TicketChange } from '@helpdesk/persistence';
import { LiveClient, LiveHub } from '../src/live';

/** What the hub reads: tickets and presence entries, as a store would answer the poll. */
class FakeStore {
  tickets: TicketChange[] = [];
  entries: PresenceEntry[] = [];
  ticketReads = 0;

  asStore(): Store {
    const readModel = {
      changedSince: async (since: number) => {
        this.ticketReads++;
        return this.tickets.filter((t) => t.updatedAt > since);
      },
    };
    const presence = {
      // Copies, as a store's reads are: the test changes its entries in place.
      changedSince: async (since: number) => this.entries.filter((e) => e.seenAt > since).map((e) => ({ ...e })),
      current: async (now: number) => this.entries.filter((e) => !e.left && e.expiresAt > now).map((e) => ({ ...e })),
      purgeBefore: async () => 0,
    };
    return { readModel, presence } as unknown as Store;
  }
}

/** A response that keeps what is written. */
class FakeResponse {
  chunks: string[] = [];
  ended = false;
  writableLength = 0;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  events(name: string): unknown[] {
    return this.chunks
      .filter((c) => c.startsWith(`event: ${name}\n`))
      .map((c) => JSON.parse(c.split('\n')[1]?.slice('data: '.length) ?? 'null') as unknown);
  }
}

const logger = createLogger('live-test', { level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hubs: LiveHub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.closeAll();
});

function setUp() {
  const store = new FakeStore();
  const hub = new LiveHub(store.asStore(), logger, { pollMs: 10, lookbackMs: 60_000, heartbeatMs: 60_000 });
  hubs.push(hub);
  const connect = async (actor: Actor, organization?: Organization) => {
    const res = new FakeResponse();
    const client: LiveClient = new LiveClient(actor, organization, res as unknown as Response, () =>
      hub.remove(client),
    );
    await hub.add(client);
    return { res, client };
  };
  return { store, hub, connect };
}

const change = (id: string, revision: number, fields: Partial<TicketChange> = {}): TicketChange => ({
  id,
  reference: `TK-${id}`,
  status: 'new',
  updatedAt: Date.now(),
  revision,
  deleted: false,
  ...fields,
});

describe('live hub', () => {
  it('sends each new revision once, and nothing of what was there before the first stream', async () => {
    const { store, connect } = setUp();
    store.tickets.push(change('old', 1));
    const { res } = await connect({ id: 'alice', role: 'agent' });
    store.tickets.push(change('t1', 1));
    await sleep(100);
    store.tickets.push(change('t1', 2, { status: 'in_progress' }));
    await sleep(100);
    // Read some twenty times within the look-back: still one event per revision.
    expect(res.events('ticket')).toEqual([
      expect.objectContaining({ id: 't1', status: 'new' }),
      expect.objectContaining({ id: 't1', status: 'in_progress' }),
    ]);
  });

  it('tells a requester about their own and their sharing organization’s tickets, never deleted or others’', async () => {
    const { store, connect } = setUp();
    const org = { id: 'o1', name: 'Acme', domains: [], shareTickets: true } as unknown as Organization;
    const { res: rita } = await connect({ id: 'rita', role: 'requester' }, org);
    const { res: sam } = await connect({ id: 'sam', role: 'requester' });
    const { res: staff } = await connect({ id: 'alice', role: 'agent' });
    store.tickets.push(
      change('own', 1, { requesterId: 'rita' }),
      change('colleague', 1, { requesterId: 'bob', company: 'Acme' }),
      change('stranger', 1, { requesterId: 'zed', company: 'Other' }),
      change('gone', 1, { requesterId: 'rita', deleted: true }),
    );
    await sleep(100);
    const ids = (r: FakeResponse) => r.events('ticket').map((e) => (e as { id: string }).id);
    expect(ids(rita).sort()).toEqual(['colleague', 'own']);
    expect(ids(sam)).toEqual([]);
    expect(ids(staff).sort()).toEqual(['colleague', 'gone', 'own', 'stranger']);
  });

  it('announces presence when it changes and when it expires, not on every heartbeat; only to staff', async () => {
    const { store, connect } = setUp();
    const { res: staff } = await connect({ id: 'bob', role: 'agent' });
    const { res: requester } = await connect({ id: 'rita', role: 'requester' });
    const now = Date.now();
    const entry: PresenceEntry = {
      ticketId: 't1',
      userId: 'alice',
      name: 'Alice',
      typing: false,
      since: now,
      seenAt: now,
      expiresAt: now + 1_000,
      left: false,
    };
    store.entries.push(entry);
    await sleep(150);
    // A heartbeat that changes nothing: no announcement.
    Object.assign(entry, { seenAt: now + 20, expiresAt: now + 1_020 });
    await sleep(150);
    // Typing: announced.
    Object.assign(entry, { typing: true, seenAt: now + 40, expiresAt: now + 1_040 });
    await sleep(1_200); // past its expiry
    const presence = staff.events('presence') as { ticketId: string; viewers: { typing: boolean }[] }[];
    expect(presence.map((p) => p.viewers.map((v) => v.typing))).toEqual([[false], [true], []]);
    expect(requester.events('presence')).toEqual([]);
  });

  it('polls only while a stream is open, once for all of them', async () => {
    const { store, hub, connect } = setUp();
    const streams = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => connect({ id, role: 'agent' })));
    const before = store.ticketReads;
    await sleep(110);
    const reads = store.ticketReads - before;
    // At most one read per 10 ms tick for all five streams (a poller per stream would read ~55 times).
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(13);
    for (const s of streams) s.client.close();
    expect(hub.size).toBe(0);
    const stopped = store.ticketReads;
    await sleep(60);
    expect(store.ticketReads).toBe(stopped);
  });

  it('drops a client that does not read', async () => {
    const { store, hub, connect } = setUp();
    const { res } = await connect({ id: 'alice', role: 'agent' });
    res.writableLength = 2 << 20;
    store.tickets.push(change('t1', 1));
    await sleep(200);
    expect(res.ended).toBe(true);
    expect(hub.size).toBe(0);
  });
});
