// The event feed over HTTP: a consumer pages through GET /v1/events with a cursor while tickets are
// being changed concurrently, "crashes" (a page read but never committed), and a new reader from
// the saved cursor goes on: every event of those tickets arrives exactly once, each ticket's in
// order, and the feed does not stall on a new ticket's double projection (its void numbers).
import { describe, expect, it } from 'vitest';
import { api, command, createTicket, eventually, token, useStore } from '../support/api';
import { checked } from '../support/openapi';

const store = useStore();
const admin = token('admin', 'root');

interface FeedEvent {
  id: string;
  cursor: string;
  type: string;
  ticketId: string;
  seq: number;
}
interface FeedPage {
  items: FeedEvent[];
  next: string;
}

const page = async (after: string, limit: number, tok = admin) => {
  const res = await checked<FeedPage>('GET', `/v1/events?after=${after}&limit=${limit}`, { token: tok });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** Read to the end of what is committed now: the cursor a new consumer would start from. */
async function headCursor(): Promise<string> {
  let cursor = '0';
  for (;;) {
    const p = await page(cursor, 500);
    if (p.items.length === 0) return p.next;
    cursor = p.next;
  }
}

describe('event feed', () => {
  it('resumes from a saved cursor with no gap and no duplicate while tickets change concurrently', async () => {
    const start = await headCursor();

    // The consumer: what it processed and the cursor it committed with it, as one unit.
    const seen: FeedEvent[] = [];
    let committed = start;
    let crashed = false;
    let writersDone = false;
    const consume = async () => {
      // Small pages, so a run crosses many of them and the concurrent writes land between reads.
      for (;;) {
        const p = await page(committed, 3);
        if (!crashed && seen.length >= 6 && p.items.length > 0) {
          // Crash: this page was read but neither processed nor committed. A new reader goes on
          // from the saved cursor below.
          crashed = true;
          continue;
        }
        seen.push(...p.items);
        committed = p.next;
        if (p.items.length === 0) {
          if (writersDone) return;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };

    // Writers: six tickets, each created and changed a few times, all at once.
    const writers = async () => {
      const tickets = await Promise.all(Array.from({ length: 6 }, (_, i) => createTicket({ title: `Feed ${i}` })));
      await Promise.all(
        tickets.map(async (t, i) => {
          expect((await command(t.id, 'take')).status).toBe(200);
          expect((await command(t.id, 'replies', { body: `Answer ${i}` })).status).toBe(200);
          expect((await command(t.id, 'notes', { body: `Note ${i}` })).status).toBe(200);
        }),
      );
      return tickets.map((t) => t.id);
    };

    const reading = consume();
    const ids = await writers();
    // Every timeline event of those tickets, as the ticket's own timeline has them.
    const expected = new Map<string, string[]>();
    for (const id of ids)
      expected.set(
        id,
        (await store().listEvents(id)).map((e) => `${id}:${e.seq}`),
      );
    const wanted = [...expected.values()].flat();

    // Well within the feed's 30 s gap bound: a stall on a void number would show here.
    const began = Date.now();
    await eventually(
      async () => {
        const got = new Set(seen.map((e) => e.id));
        return wanted.every((id) => got.has(id)) ? true : undefined;
      },
      15_000,
      "every event of the test's tickets in the feed",
    );
    writersDone = true;
    await reading;
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(crashed).toBe(true);

    // No duplicate anywhere, cursors strictly ascending, each ticket's events in their order.
    const all = seen.map((e) => e.id);
    expect(new Set(all).size).toBe(all.length);
    const cursors = seen.map((e) => Number(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(cursors[0]).toBeGreaterThan(Number(start));
    for (const [id, events] of expected) {
      expect(
        seen.filter((e) => e.ticketId === id).map((e) => e.id),
        `ticket ${id}`,
      ).toEqual(events);
    }
    // The "crash" replayed a page: re-reading from a saved cursor gives the same events again.
    const again = await page(start, 5);
    expect(again.items.map((e) => e.id)).toEqual(seen.slice(0, again.items.length).map((e) => e.id));
  });

  it('holds back at a gap a projection may still fill, and passes it once it has lapsed', async () => {
    // A projection that drew a number and died before writing (its retry draws new ones).
    const before = await headCursor();
    const lost = await store().feed.allocate(1);
    const ticket = await createTicket({ title: 'After a lost number' });
    await eventually(async () => ((await store().listEvents(ticket.id)).length > 0 ? true : undefined));
    const now = Date.now();
    const held = await store().feed.read(Number(before), 100, now);
    expect(held.next).toBeLessThan(lost);
    expect(held.items.some((i) => i.event.ticketId === ticket.id)).toBe(false);
    // 30 s later (the bound), the number is known to be lost for good.
    const passed = await store().feed.read(Number(before), 100, now + 31_000);
    expect(passed.next).toBeGreaterThan(lost);
    expect(passed.items.some((i) => i.event.ticketId === ticket.id)).toBe(true);
  });

  it('answers 400 to a cursor it did not hand out, and 403 to agents and requesters', async () => {
    for (const bad of ['abc', '-1', '1.5', '01', '99999999999999', 'x'.repeat(40)]) {
      const res = await api<{ errors: { field: string }[] }>('GET', `/v1/events?after=${encodeURIComponent(bad)}`, {
        token: admin,
      });
      expect(res.status, bad).toBe(400);
      expect(res.body.errors[0]?.field, bad).toBe('query.after');
    }
    for (const bad of ['0', '501', 'ten']) {
      const res = await api('GET', `/v1/events?limit=${bad}`, { token: admin });
      expect(res.status, bad).toBe(400);
    }
    expect((await api('GET', '/v1/events?after=0&extra=1', { token: admin })).status).toBe(400);
    expect((await api('GET', '/v1/events', { token: token('agent', 'alice') })).status).toBe(403);
    expect((await api('GET', '/v1/events', { token: token('requester', 'rita') })).status).toBe(403);
    expect((await api('GET', '/v1/events?limit=1', { token: token('service', 'exporter') })).status).toBe(200);
  });
});
