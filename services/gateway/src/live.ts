// The live feed behind GET /v1/live: ONE poller per gateway process reads what changed in the
// store and fans it out to every open stream of that process.
//
// Why polling, and why on `updatedAt`: change streams need a replica set, which SecantusDB and
// FerretDB v1 do not offer; a range read of the (updatedAt, _id) index works on every store the
// project supports (README "The store"). The poller runs only while at least one stream is open,
// every `pollMs`, so its cost is one ticket read and one presence read per tick whatever the number
// of clients. Presence lives in the store too (heartbeats may land on another gateway), so it is
// polled the same way, by `seenAt`; expiries need no read: the entries the poller knows carry
// their `expiresAt`.
//
// A change is stamped when it was received (the ticket's `updatedAt`; receipt time may be a few
// seconds before the write reaches the store), so every read looks back `lookbackMs` and drops
// what it has already seen (by revision, and for presence by heartbeat instant).
import { AsyncResource } from 'node:async_hooks';
import type { Response } from 'express';
import type { Actor, Organization } from '@helpdesk/contracts';
import type { Logger } from '@helpdesk/config';
import { isPresent, viewerOf } from '@helpdesk/persistence';
import type { PresenceEntry, Store, TicketChange, Viewer } from '@helpdesk/persistence';
import { mayView } from '@helpdesk/ticket-client';

export interface LiveOptions {
  /** How often the poller reads the store while streams are open. */
  pollMs: number;
  /** How far back each read looks (see above). */
  lookbackMs: number;
  /** A comment line this often keeps proxies and browsers from closing an idle stream. */
  heartbeatMs: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { pollMs: 300, lookbackMs: 10_000, heartbeatMs: 15_000 };

/** What the hub reports as it changes: open streams, and whether the poller runs. */
export interface LiveGauges {
  streams(n: number): void;
  polling(on: boolean): void;
}

/** A stream whose client reads slower than this much buffered output is closed (it reconnects). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Presence entries that stopped counting this long ago are deleted (a few reads, once a minute). */
const PRESENCE_PURGE_AFTER_MS = 10 * 60_000;
const PRESENCE_PURGE_EVERY_MS = 60_000;
/** Changes read per query; a busier window is read in several queries of one tick. */
const PAGE = 500;
const MAX_PAGES = 20;

export interface PresenceView {
  userId: string;
  name: string;
  typing: boolean;
  since: string;
}

export const presentViewers = (viewers: Viewer[]): PresenceView[] =>
  viewers.map((v) => ({ userId: v.userId, name: v.name, typing: v.typing, since: new Date(v.since).toISOString() }));

/** One open stream. */
export class LiveClient {
  private closed = false;

  constructor(
    readonly actor: Actor,
    /** A requester's organization that shares its tickets (read once, when the stream opens). */
    private readonly organization: Organization | undefined,
    private readonly res: Response,
    private readonly onClose: () => void,
  ) {}

  /** The ticket visibility rule of reads (Tickets.get with `shared`): own tickets, or the shared organization's. */
  maySee(change: TicketChange): boolean {
    if (this.actor.role !== 'requester') return true;
    // Requesters never see deleted tickets (lists refuse them; a read answers 404).
    if (change.deleted) return false;
    if (mayView({ requester: change.requesterId ? { id: change.requesterId } : undefined }, this.actor)) return true;
    return this.organization !== undefined && change.company === this.organization.name;
  }

  /** Presence is the console's: agents and admins only. */
  get followsPresence(): boolean {
    return this.actor.role === 'agent' || this.actor.role === 'admin';
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.res.write(chunk);
    // A client that does not read must not make this process hold its backlog for ever.
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.res.end();
  }
}

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private running = false;
  private starting: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private ticking = false;
  /** Tickets seen within the look-back: id → revision, and when it was stamped (to forget it). */
  private readonly seenTickets = new Map<string, { revision: number; updatedAt: number }>();
  /** Presence entries known to count, by ticket then user. */
  private readonly presence = new Map<string, Map<string, PresenceEntry>>();
  /** The viewers last announced per ticket (as sent), to announce only changes. */
  private readonly announced = new Map<string, string>();
  private lastPurge = 0;
  /**
   * Timers are created in the context the hub was built in (at app start), not in the context of
   * the request that happened to open the first stream: its request id, its Temporal deadline and
   * anything else kept in async-local storage must not leak into the poller.
   */
  private readonly schedule: (fn: () => void, ms: number) => NodeJS.Timeout;
  private readonly scheduleOnce: (fn: () => void, ms: number) => NodeJS.Timeout;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Each start begins a new poll loop; a loop of an earlier start (stopped meanwhile) ends. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly opts: LiveOptions = DEFAULT_LIVE_OPTIONS,
    private readonly gauges?: LiveGauges,
  ) {
    this.schedule = AsyncResource.bind((fn: () => void, ms: number) => setInterval(fn, ms));
    this.scheduleOnce = AsyncResource.bind((fn: () => void, ms: number) => setTimeout(fn, ms));
  }

  /** Streams open now (for tests and metrics). */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Register a stream. Resolves once the poller has read the present state, so what the client
   * loads after its `ready` event is never older than the first change it will be sent.
   */
  async add(client: LiveClient): Promise<void> {
    this.clients.add(client);
    this.gauges?.streams(this.clients.size);
    if (!this.running) {
      this.starting ??= this.start().finally(() => (this.starting = undefined));
      await this.starting;
    }
  }

  remove(client: LiveClient): void {
    this.clients.delete(client);
    this.gauges?.streams(this.clients.size);
    if (this.clients.size === 0) this.stop();
  }

  /** End every stream (the process is stopping: an open stream would hold server.close() for ever). */
  closeAll(): void {
    for (const client of [...this.clients]) client.close();
    this.stop();
  }

  private async start(): Promise<void> {
    const now = Date.now();
    this.seenTickets.clear();
    this.presence.clear();
    this.announced.clear();
    // What happened before the first stream is not news: read it as seen, without sending it.
    try {
      for (const change of await this.readTickets(now)) this.remember(change);
      for (const entry of await this.store.presence.current(now)) this.know(entry);
      for (const [ticketId] of this.presence) this.announced.set(ticketId, JSON.stringify(this.viewersOf(ticketId)));
    } catch (err) {
      // The store is down: start anyway; the ticks retry and the clients get what comes after.
      this.logger.warn('live feed: first read failed', { error: err instanceof Error ? err.message : String(err) });
    }
    if (this.clients.size === 0 || this.running) return;
    this.running = true;
    this.gauges?.polling(true);
    const generation = ++this.generation;
    this.pollTimer = this.scheduleOnce(() => void this.poll(generation), this.opts.pollMs);
    this.timers = [
      this.schedule(() => {
        for (const client of this.clients) client.comment('heartbeat');
      }, this.opts.heartbeatMs),
    ];
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.gauges?.polling(false);
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /**
   * Tick, then wait before the next: `pollMs`, or twice as long as the tick took if that is more,
   * so a slow store (FerretDB v1 scans a range: hundreds of ms on a large read model) is never read
   * back to back, and spends at most a third of its time on this feed.
   */
  private async poll(generation: number): Promise<void> {
    const started = Date.now();
    await this.tick();
    if (!this.running || generation !== this.generation) return;
    const pause = Math.max(this.opts.pollMs, 2 * (Date.now() - started));
    this.pollTimer = this.scheduleOnce(() => void this.poll(generation), pause);
  }

  /** One poll: changed tickets, then presence. (A stop and restart during a tick: the new loop's tick waits its turn.) */
  private async tick(): Promise<void> {
    if (this.ticking || !this.running) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const changes = await this.readTickets(now);
      for (const change of changes) {
        if (!this.remember(change)) continue;
        const data = {
          id: change.id,
          reference: change.reference,
          status: change.status,
          updatedAt: iso(change.updatedAt),
        };
        for (const client of this.clients) if (client.maySee(change)) client.send('ticket', data);
      }
      await this.pollPresence(now);
      if (now - this.lastPurge > PRESENCE_PURGE_EVERY_MS) {
        this.lastPurge = now;
        await this.store.presence.purgeBefore(now - PRESENCE_PURGE_AFTER_MS);
      }
    } catch (err) {
      this.logger.warn('live feed: poll failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.ticking = false;
    }
  }

  /** The tickets changed within the look-back, a page at a time (a busy window needs several). */
  private async readTickets(now: number): Promise<TicketChange[]> {
    const all: TicketChange[] = [];
    let since = now - this.opts.lookbackMs;
    for (let page = 0; page < MAX_PAGES; page++) {
      const changes = await this.store.readModel.changedSince(since, PAGE);
      all.push(...changes);
      const last = changes[changes.length - 1];
      if (changes.length < PAGE || !last) break;
      // Ties on the last instant are read again next page and dropped as seen.
      since = last.updatedAt - 1;
    }
    // Forget what has left the look-back: it will not be read again.
    for (const [id, seen] of this.seenTickets)
      if (seen.updatedAt < now - 2 * this.opts.lookbackMs) this.seenTickets.delete(id);
    return all;
  }

  /** Whether the change is news (a revision not seen yet); records it either way. */
  private remember(change: TicketChange): boolean {
    const seen = this.seenTickets.get(change.id);
    if (seen && seen.revision >= change.revision) return false;
    this.seenTickets.set(change.id, { revision: change.revision, updatedAt: change.updatedAt });
    return true;
  }

  private async pollPresence(now: number): Promise<void> {
    const dirty = new Set<string>();
    for (const entry of await this.store.presence.changedSince(now - this.opts.lookbackMs)) {
      const known = this.presence.get(entry.ticketId)?.get(entry.userId);
      if (known && known.seenAt >= entry.seenAt) continue;
      this.know(entry);
      dirty.add(entry.ticketId);
    }
    // Expiry is a matter of time, not of a write: checked on what is known.
    for (const [ticketId, byUser] of this.presence) {
      for (const [userId, entry] of byUser) {
        if (isPresent(entry, now)) continue;
        byUser.delete(userId);
        dirty.add(ticketId);
      }
    }
    for (const ticketId of dirty) {
      const viewers = this.viewersOf(ticketId, now);
      if (viewers.length === 0) this.presence.delete(ticketId);
      const text = JSON.stringify(viewers);
      if ((this.announced.get(ticketId) ?? '[]') === text) continue;
      if (viewers.length === 0) this.announced.delete(ticketId);
      else this.announced.set(ticketId, text);
      const data = { ticketId, viewers };
      for (const client of this.clients) if (client.followsPresence) client.send('presence', data);
    }
  }

  /** Record an entry (a departure or an expired one is kept until the expiry pass drops it). */
  private know(entry: PresenceEntry): void {
    let byUser = this.presence.get(entry.ticketId);
    if (!byUser) this.presence.set(entry.ticketId, (byUser = new Map()));
    byUser.set(entry.userId, entry);
  }

  private viewersOf(ticketId: string, now = Date.now()): PresenceView[] {
    const entries = [...(this.presence.get(ticketId)?.values() ?? [])].filter((e) => isPresent(e, now));
    entries.sort((a, b) => a.since - b.since || (a.userId < b.userId ? -1 : 1));
    return presentViewers(entries.map(viewerOf));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
