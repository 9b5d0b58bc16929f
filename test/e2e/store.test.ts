// The store against the real MongoDB-compatible server of the run (SecantusDB by default, FerretDB
// with STORE=ferretdb, mongod where there is one): the idempotent writes activities rely on.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import type { TicketEvent, TicketState } from '@helpdesk/contracts';
import type { TicketFilter } from '@helpdesk/persistence';
import { stack, useStore } from '../support/api';

const store = useStore();

function state(id: string, revision: number, status: TicketState['status']): TicketState {
  return {
    id,
    reference: `REF-${id}`,
    status,
    channel: 'web',
    ccs: [],
    tags: ['a'],
    notifyThirdParty: false,
    read: false,
    awaiting: 'agent',
    attention: false,
    deleted: false,
    links: { followUps: [], children: [] },
    breaches: [],
    createdAt: 1,
    createdBy: 'alice',
    updatedAt: revision,
    lastActionAt: 1,
    reopenCount: 0,
    revision,
    eventSeq: revision,
  };
}

const event = (ticketId: string, seq: number): TicketEvent => ({
  ticketId,
  seq,
  type: 'modified',
  at: seq,
  actor: { id: 'alice', role: 'agent' },
  channel: 'web',
});

describe('store', () => {
  it('projects idempotently: a replayed projection duplicates nothing, an older one overwrites nothing', async () => {
    const id = randomUUID();
    await store().projectTicket(state(id, 1, 'new'), [event(id, 1)]);
    await store().projectTicket(state(id, 2, 'in_progress'), [event(id, 2)]);
    await store().projectTicket(state(id, 2, 'in_progress'), [event(id, 2)]);
    await store().projectTicket(state(id, 1, 'new'), [event(id, 1)]);
    expect((await store().getTicket(id))?.status).toBe('in_progress');
    expect((await store().listEvents(id)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("a new ticket's first state: the workflow's copy after its starter's is one read, and without it all is written", async () => {
    const url = new URL(stack().mongo);
    url.searchParams.set('monitorCommands', 'true');
    const watched = await Store.connect(url.toString());
    const commands: string[] = [];
    watched.connection.getClient().on('commandStarted', (e) => commands.push(e.commandName));
    try {
      const id = randomUUID();
      const first = [event(id, 1), event(id, 2)];
      await store().projectTicket(state(id, 2, 'new'), first, 'starter');
      await watched.projectTicket(state(id, 2, 'new'), first, 'workflow');
      expect(commands).toEqual(['find']);
      // A starter that stopped before writing: the workflow writes the ticket and its events.
      const lost = randomUUID();
      commands.length = 0;
      await watched.projectTicket(state(lost, 2, 'new'), [event(lost, 1), event(lost, 2)], 'workflow');
      expect(commands).toContain('update');
      expect((await store().getTicket(lost))?.revision).toBe(2);
      expect((await store().listEvents(lost)).map((e) => e.seq)).toEqual([1, 2]);
      // A first state the starter did not see (a trigger acted, an update came with the start): written.
      await watched.projectTicket(state(id, 3, 'in_progress'), [...first, event(id, 3)], 'workflow');
      expect((await store().getTicket(id))?.status).toBe('in_progress');
      expect((await store().listEvents(id)).map((e) => e.seq)).toEqual([1, 2, 3]);
    } finally {
      await watched.close();
    }
  });

  it('allocates unique references under concurrency, and the same one on retry', async () => {
    const mask = `T${Date.now()}-{0000}`;
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const refs = await Promise.all(ids.map((id) => store().allocateReference(id, mask)));
    expect(new Set(refs).size).toBe(ids.length);
    const again = await Promise.all(ids.map((id) => store().allocateReference(id, mask)));
    expect(again).toEqual(refs);
  });

  it('keeps settings with defaults for what was never set', async () => {
    const before = await store().getSettings();
    expect(before.numberingMask).toBeTruthy();
    expect(typeof before.feedbackWindowHours).toBe('number');
  });

  it("keeps each ticket's list keys as it changes: a status with another filter, and a breach, find it", async () => {
    // Every ticket of the shared store has its keys once the backfill has marked it (idempotent).
    await store().readModel.backfillListKeys();
    const id = randomUUID();
    const assignee = `keys-${id}`;
    const now = Date.now();
    const at = (revision: number, patch: Partial<TicketState>): TicketState => ({
      ...state(id, revision, 'new'),
      createdAt: now,
      updatedAt: now + revision,
      assignee,
      ...patch,
    });
    const listed = async (filter: TicketFilter) =>
      (await store().readModel.list(filter, { sort: 'updated', order: 'desc', limit: 5 })).items.map((t) => t.id);
    await store().projectTicket(at(1, {}), [event(id, 1)]);
    expect(await listed({ assignee, status: ['new'] })).toEqual([id]);
    expect(await listed({ tag: 'a', status: ['new'], assignee })).toEqual([id]);
    await store().projectTicket(at(2, { status: 'in_progress' }), [event(id, 2)]);
    expect(await listed({ assignee, status: ['new'] })).toEqual([]);
    expect(await listed({ assignee, status: ['waiting', 'in_progress'] })).toEqual([id]);
    const breach = { kind: 'response' as const, dueAt: now, at: now };
    await store().projectTicket(at(3, { status: 'in_progress', breaches: [breach] }), [event(id, 3)]);
    // Breached tickets newest first: this one was just updated; its key is what finds it.
    const breached = await store().readModel.list({ breached: true }, { sort: 'updated', order: 'desc', limit: 50 });
    expect(breached.items.map((t) => t.id)).toContain(id);
    await store().projectTicket(at(4, { status: 'in_progress', assignee: `${assignee}-2` }), [event(id, 4)]);
    expect(await listed({ assignee, status: ['in_progress'] })).toEqual([]);
    expect(await listed({ assignee: `${assignee}-2`, status: ['in_progress'] })).toEqual([id]);
  });

  it('purges a ticket with its history', async () => {
    const id = randomUUID();
    await store().projectTicket(state(id, 1, 'new'), [event(id, 1)]);
    await store().purgeTicket(id);
    expect(await store().getTicket(id)).toBeUndefined();
    expect(await store().listEvents(id)).toEqual([]);
  });
});
