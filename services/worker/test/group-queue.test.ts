// The group queue workflow as it ships (the built bundle) in the time-skipping environment, with
// its two activities played by an in-memory directory and tickets: hundreds of tickets through
// several continue-as-new runs (none lost, none offered twice, round robin exact), and an offer
// nobody takes going to the next agent when its timeout passes (in workflow time).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import {
  GROUP_QUEUE_WORKFLOW_TYPE,
  groupQueueQuery,
  groupQueueWorkflowId,
  ticketWaitingSignal,
} from '@helpdesk/contracts';
import type { GroupQueueInput, GroupRouting, OfferOutcome, RoutingSnapshot } from '@helpdesk/contracts';
import { findTestServer, freePort } from '@helpdesk/dev-stack';
import type { RoutingActivities } from '../src/activities/routing';

const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');

Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

let launcher: string;
beforeAll(() => {
  launcher = findTestServer();
}, 600_000);

interface FakeTicket {
  status: 'new' | 'in_progress';
  assignee?: string | undefined;
}

/** The directory and tickets the queue's activities see, in memory. */
class World {
  readonly tickets = new Map<string, FakeTicket>();
  /** Assignments made, per ticket, in order. */
  readonly assignments = new Map<string, string[]>();
  readonly offerIds = new Set<string>();
  constructor(
    readonly routing: GroupRouting,
    readonly agents: string[],
  ) {}

  activities(): RoutingActivities {
    return {
      routingSnapshot: async (_group: string, ids: string[]): Promise<RoutingSnapshot> => {
        const open: Record<string, number> = {};
        for (const t of this.tickets.values()) if (t.assignee) open[t.assignee] = (open[t.assignee] ?? 0) + 1;
        return {
          routing: this.routing,
          agents: this.agents.map((id) => ({ id, available: true, openTickets: open[id] ?? 0, skills: [] })),
          tickets: ids.map((id) => {
            const t = this.tickets.get(id);
            return t
              ? { id, status: t.status, assignee: t.assignee, group: 'g', deleted: false }
              : { id, status: 'missing' as const, deleted: false };
          }),
        };
      },
      offerTicket: async (id: string, agent: string, offerId: string, previous?: string): Promise<OfferOutcome> => {
        const t = this.tickets.get(id);
        // As Temporal does for an Update id it has seen: the first result again.
        if (this.offerIds.has(offerId)) return 'offered';
        if (!t || t.status !== 'new') return 'gone';
        if (t.assignee === agent) return 'offered';
        if (t.assignee && t.assignee !== previous) return 'gone';
        this.offerIds.add(offerId);
        t.assignee = agent;
        this.assignments.set(id, [...(this.assignments.get(id) ?? []), agent]);
        return 'offered';
      },
    };
  }
}

let running: { env: TestWorkflowEnvironment; worker: Worker; done: Promise<void> } | undefined;

async function start(world: World, input: Omit<GroupQueueInput, 'group'> = {}) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { port: await freePort(), executable: { type: 'existing-path', path: launcher } },
  });
  const taskQueue = `group-queue-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH },
    activities: world.activities(),
  });
  running = { env, worker, done: worker.run() };
  const group = 'g';
  const workflowId = groupQueueWorkflowId(group);
  return {
    env,
    handle: env.client.workflow.getHandle(workflowId),
    /** A ticket waiting, as the projection announces it. */
    async waiting(ticketId: string) {
      world.tickets.set(ticketId, world.tickets.get(ticketId) ?? { status: 'new' });
      await env.client.workflow.signalWithStart(GROUP_QUEUE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [{ group, ...input }],
        signal: ticketWaitingSignal,
        signalArgs: [{ ticketId }],
      });
    },
  };
}

afterEach(async () => {
  if (!running) return;
  const { env, worker, done } = running;
  running = undefined;
  try {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
  } finally {
    await env.teardown();
  }
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('group queue workflow', () => {
  it('routes 300 tickets round robin across continue-as-new runs: each offered once, 100/100/100', async () => {
    const world = new World({ rule: 'round_robin', offerTimeoutMinutes: 60 }, ['a', 'b', 'c']);
    const q = await start(world, { maxHistoryEvents: 200 });
    await q.waiting('t0');
    const { runId: firstRun } = await q.handle.describe();
    const ids = Array.from({ length: 300 }, (_, i) => `t${i}`);
    for (let i = 1; i < ids.length; i += 25) await Promise.all(ids.slice(i, i + 25).map((id) => q.waiting(id)));
    await until(() => world.assignments.size === 300, '300 assignments');
    // Signals for tickets it holds change nothing.
    await Promise.all(ids.slice(0, 20).map((id) => q.waiting(id)));
    await until(async () => (await q.handle.query(groupQueueQuery)).seq === 300, 'the last offers recorded');
    const state = await q.handle.query(groupQueueQuery);
    expect(state.waiting).toEqual([]);
    expect(Object.keys(state.offers)).toHaveLength(300);
    expect((await q.handle.describe()).runId).not.toBe(firstRun);
    expect([...world.assignments.values()].every((a) => a.length === 1)).toBe(true);
    const tally: Record<string, number> = {};
    for (const [a] of world.assignments.values()) if (a) tally[a] = (tally[a] ?? 0) + 1;
    expect(tally).toEqual({ a: 100, b: 100, c: 100 });
  }, 180_000);

  it('re-offers an untaken ticket to the next agent when the offer times out, and not once it is taken', async () => {
    const world = new World({ rule: 'round_robin', offerTimeoutMinutes: 15 }, ['a', 'b', 'c']);
    const q = await start(world);
    await q.waiting('x');
    await until(() => world.assignments.get('x')?.length === 1, 'the first offer');
    expect(world.assignments.get('x')).toEqual(['a']);
    await q.env.sleep(16 * 60_000);
    await until(() => world.assignments.get('x')?.length === 2, 'the re-offer');
    expect(world.assignments.get('x')).toEqual(['a', 'b']);
    // b takes it: the next timeout drops it from the queue.
    world.tickets.set('x', { status: 'in_progress', assignee: 'b' });
    await q.env.sleep(16 * 60_000);
    await until(async () => Object.keys((await q.handle.query(groupQueueQuery)).offers).length === 0, 'the drop');
    const state = await q.handle.query(groupQueueQuery);
    expect(state.tried).toEqual({});
    expect(world.assignments.get('x')).toEqual(['a', 'b']);
  }, 120_000);
});
