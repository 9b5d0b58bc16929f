// Timer-driven ticket behaviour in @temporalio/testing's time-skipping environment: the ticket
// worker as it ships (the built workflow bundle, the real activities) against a private store, on
// Temporal's Java test server (fetched with Maven, see packages/dev-stack/src/test-server.ts).
// Days of deadlines pass in seconds, and what the workflow records is checked in workflow time.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DateTime } from 'luxon';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  notificationsQueueFor,
  searchAttributes,
  stateQuery,
  ticketWorkflowId,
} from '@helpdesk/contracts';
import type {
  Actor,
  Notification,
  NotifierActivities,
  SendResult,
  TicketEvent,
  TicketWorkflowInput,
} from '@helpdesk/contracts';
import { findTestServer, freePort, privateDatabase } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';
import { Tickets } from '@helpdesk/ticket-client';
import { createTicketWorker } from '@helpdesk/worker';

const AGENT: Actor = { id: 'alice', role: 'agent', email: 'alice@example.com' };
const TICKET = { title: 'VPN down', description: 'Since 9am', requester: { id: 'bob', email: 'bob@example.com' } };
const MAIN_CLASS = 'io.temporal.testserver.TestServer';
const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');

// Errors only: the test server lacks capabilities a real server advertises (the SDK warns about
// each at worker start), and the mail worker polls no workflows (warned too), both as intended.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

let launcher: string;
let dataDir: string;
let runningStore: Awaited<ReturnType<typeof privateDatabase>> | undefined;
let store: Store;

beforeAll(async () => {
  // Fetched with Maven on first use (install-binaries does it ahead in CI).
  launcher = findTestServer();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-time-skipping-'));
  const database = `time-skipping-${randomUUID()}`;
  runningStore = await privateDatabase({ dataDir, database });
  store = await Store.connect(runningStore.url);
}, 600_000);

afterAll(async () => {
  await store?.close();
  await runningStore?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Processes still running the test server on `port` (the server itself or its launcher's watchdog). */
function serverProcesses(port: number): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    if ((args.includes(MAIN_CLASS) || args.some((a) => a === launcher)) && args.includes(String(port)))
      found.push(`${pid}: ${args.join(' ')}`);
  }
  return found;
}

interface Env {
  env: TestWorkflowEnvironment;
  tickets: Tickets;
  mail: Notification[];
  taskQueue: string;
  /** Workflow (server) time now. */
  now(): Promise<number>;
}

/** This test's server and workers, stopped after it whatever happened. */
let running: { env: TestWorkflowEnvironment; port: number; workers: Worker[]; done: Promise<unknown> } | undefined;

/**
 * One server per test: time skipping is global to a server, and a ticket's first instant comes
 * from the wall clock, which a fresh server shares.
 */
async function environment(): Promise<Env> {
  const port = await freePort();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { port, executable: { type: 'existing-path', path: launcher } },
  });
  const current: NonNullable<typeof running> = { env, port, workers: [], done: Promise.resolve() };
  running = current;
  const namespace = env.namespace ?? 'default';
  // Tickets start with their search attributes set, which a server refuses until they are defined.
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(Object.values(searchAttributes).map((key) => [key.name, keyword])),
  });
  const taskQueue = `time-skipping-${randomUUID()}`;
  current.workers.push(
    await createTicketWorker({ connection: env.nativeConnection, client: env.client, namespace, taskQueue, store }),
  );
  // The mail the tickets ask for, recorded instead of sent (the notifier is not under test here).
  const mail: Notification[] = [];
  const notifier: NotifierActivities = {
    async sendNotification(n: Notification): Promise<SendResult> {
      mail.push(n);
      return { id: n.id, messageId: `<${n.id}@test>`, sentNow: true };
    },
  };
  current.workers.push(
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: notificationsQueueFor(taskQueue),
      activities: notifier,
    }),
  );
  current.done = Promise.all(current.workers.map((w) => w.run()));
  return {
    env,
    tickets: new Tickets({ client: env.client, store, taskQueue }),
    mail,
    taskQueue,
    now: () => env.currentTimeMs(),
  };
}

afterEach(async () => {
  if (!running) return;
  const { env, workers, done, port } = running;
  running = undefined;
  try {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await done;
  } finally {
    await env.teardown();
  }
  // The SDK kills the server; the launcher's watchdog goes within its one-second poll.
  const deadline = Date.now() + 5_000;
  while (serverProcesses(port).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(serverProcesses(port)).toEqual([]);
}, 30_000);

/** Polls `read` until `done` holds or 10 s pass (projections and mail run in the workers, after the timer's task). */
async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The read model's event of `type`, once projected. */
async function projected(ticketId: string, type: TicketEvent['type']): Promise<TicketEvent | undefined> {
  const events = await eventually(
    () => store.listEvents(ticketId),
    (list) => list.some((e) => e.type === type),
  );
  return events.find((e) => e.type === type);
}

/**
 * A deadline acts late by the length of the workflow task that armed its timer: a timer runs from
 * when the server records it (the task's end, after its local-activity projection), and the
 * workflow computes its duration from the task's start. 40–350 ms here; the bound leaves room for
 * a loaded machine and still tells a timer from a sweep.
 */
const LATENESS_BOUND_MS = 5_000;
function expectActedAt(actual: number | undefined, due: number): void {
  expect(actual).toBeGreaterThanOrEqual(due);
  expect((actual ?? Infinity) - due).toBeLessThan(LATENESS_BOUND_MS);
}

/** When the ticket's timers rang, by the server: each TimerStarted's time plus its duration. */
async function timersRang(handle: WorkflowHandle): Promise<number[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((e) =>
    e.timerStartedEventAttributes
      ? [tsToMs(e.eventTime) + tsToMs(e.timerStartedEventAttributes.startToFireTimeout)]
      : [],
  );
}

describe('ticket timers in skipped time (Java test server)', () => {
  it('closes a resolved ticket when the default 168-hour feedback window lapses', async () => {
    const { env, tickets, mail } = await environment();
    expect((await store.getSettings()).feedbackWindowHours).toBe(168);
    const started = Date.now();
    const created = await tickets.create(TICKET, AGENT, 'api');
    const resolved = await tickets.command(created.id, { type: 'resolve', method: 'customer_communication' }, AGENT);
    expect(resolved.status).toBe('resolved');
    const resolvedAt = resolved.resolution?.at ?? NaN;

    // Awaiting the result lets the server skip to each timer the workflow sets.
    const final = await env.client.workflow.getHandle(ticketWorkflowId(created.id)).result();
    expect(final.status).toBe('closed');
    const closed = await projected(created.id, 'closed');
    // The close waits out the receipt grace (3 s by default) after the window.
    expectActedAt(closed?.at, resolvedAt + 168 * HOUR_MS + 3_000);
    expect((await store.getTicket(created.id))?.status).toBe('closed');
    expect(mail.filter((n) => n.kind === 'closed').map((n) => n.to)).toEqual([['bob@example.com']]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('resumes a ticket waiting until a date three days ahead, when that date comes', async () => {
    const { env, tickets, now } = await environment();
    const created = await tickets.create(TICKET, AGENT, 'api');
    const until = (await now()) + 3 * DAY_MS;
    const waiting = await tickets.command(created.id, { type: 'wait', waitType: 'until', until }, AGENT);
    expect(waiting.status).toBe('waiting');
    const handle = env.client.workflow.getHandle(ticketWorkflowId(created.id));

    await env.sleep(3 * DAY_MS - HOUR_MS);
    expect((await handle.query(stateQuery)).status).toBe('waiting');
    await env.sleep(2 * HOUR_MS);
    const resumed = await projected(created.id, 'resumed');
    expect(resumed?.data).toMatchObject({ reason: 'wait_over' });
    expectActedAt(resumed?.at, until);
    expect(await store.getTicket(created.id)).toMatchObject({ status: 'in_progress', attention: true });
  }, 60_000);

  it('records a response-delay breach when its timer rings, 8 hours after submission', async () => {
    const { env, tickets, mail } = await environment();
    expect((await store.getSettings()).responseDelayHours).toBe(8);
    const created = await tickets.create({ ...TICKET, group: 'support' }, AGENT, 'api');
    const dueAt = (created.submittedAt ?? NaN) + 8 * HOUR_MS;
    const handle = env.client.workflow.getHandle(ticketWorkflowId(created.id));

    await env.sleep(8 * HOUR_MS - 60_000);
    expect((await handle.query(stateQuery)).breaches).toEqual([]);
    await env.sleep(2 * 60_000);
    const breached = await projected(created.id, 'breached');
    expect(breached?.data).toEqual({ kind: 'response', dueAt });
    const breach = (await handle.query(stateQuery)).breaches;
    expect(breach).toEqual([{ kind: 'response', dueAt, at: breached?.at }]);
    expectActedAt(breached?.at, dueAt);
    // The lateness is the timer's: the breach is recorded in the task its ringing started.
    const rang = (await timersRang(handle)).find((t) => t >= dueAt && t - dueAt < LATENESS_BOUND_MS);
    expect(rang).toBeDefined();
    expect(breached?.at).toBeGreaterThanOrEqual(rang ?? Infinity);
    expect((breached?.at ?? Infinity) - (rang ?? 0)).toBeLessThan(LATENESS_BOUND_MS);
    // The group is told (the ticket has no assignee).
    const told = await eventually(
      () => mail.filter((n) => n.kind === 'breach'),
      (list) => list.length > 0,
    );
    expect(told.map((n) => n.to)).toEqual([['support@groups.helpdesk.local']]);
  }, 60_000);

  // What is exact: the breach names its due instant to the millisecond, and it acts when the
  // receipt grace after that instant is over (an answer received before the deadline and still in
  // flight then prevents it), never earlier, and within the timer's lateness after.
  it('records the breach with exactly its dueAt, once the receipt grace after it has passed', async () => {
    const { env, tickets } = await environment();
    const created = await tickets.create(TICKET, AGENT, 'api');
    const dueAt = (created.submittedAt ?? NaN) + 8 * HOUR_MS;
    const handle = env.client.workflow.getHandle(ticketWorkflowId(created.id));
    const grace = ((await store.getSettings()).receiptGraceSeconds ?? 3) * 1_000;
    await env.sleep(dueAt + grace - (await env.currentTimeMs()) - 1_000);
    expect((await handle.query(stateQuery)).breaches).toEqual([]);
    await env.sleep(60_000);
    const { breaches } = await handle.query(stateQuery);
    expect(breaches).toEqual([{ kind: 'response', dueAt, at: breaches[0]?.at }]);
    expectActedAt(breaches[0]?.at, dueAt + grace);
  }, 60_000);

  it('a ticket submitted Friday 17:55 in a 9–18 Mon–Fri Paris calendar with a 1-hour first response is due Monday 09:55 local, warned before and breached then', async () => {
    const { env, mail, now, taskQueue } = await environment();
    const zone = 'Europe/Paris';
    const nineToSix = [{ from: '09:00', to: '18:00' }];
    const settings = await store.putSettings({
      businessCalendars: {
        paris: {
          timeZone: zone,
          weeklyHours: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix },
        },
      },
      groupCalendars: { 'paris-desk': 'paris' },
      slaPolicies: [
        { name: 'paris-standard', groups: ['paris-desk'], firstResponseMinutes: 60, warnBeforeMinutes: 15 },
      ],
    });
    const local = (ms: number | null | undefined) =>
      ms == null ? String(ms) : DateTime.fromMillis(ms, { zone }).toFormat('ccc HH:mm');
    try {
      // Skip to the coming Friday, 17:55 in Paris.
      const start = await now();
      let friday = DateTime.fromMillis(start, { zone }).set({
        weekday: 5,
        hour: 17,
        minute: 55,
        second: 0,
        millisecond: 0,
      });
      if (friday.toMillis() <= start + MINUTE_MS) friday = friday.plus({ weeks: 1 });
      await env.sleep(friday.toMillis() - start);
      // Started bare, so the workflow computes the first state at workflow time (Tickets.create
      // stamps the wall clock, which the skip left behind).
      const ticketId = randomUUID();
      const input: TicketWorkflowInput = {
        ticketId,
        reference: `TK-PARIS-${ticketId.slice(0, 8)}`,
        actor: AGENT,
        channel: 'api',
        draft: false,
        fields: { ...TICKET, group: 'paris-desk' },
        assignee: 'alice',
        settings,
      };
      const handle = await env.client.workflow.start('ticketWorkflow', {
        workflowId: ticketWorkflowId(ticketId),
        taskQueue,
        args: [input],
      });
      const first = await handle.query(stateQuery);
      const submittedAt = first.submittedAt ?? NaN;
      expect(local(submittedAt)).toBe('Fri 17:55');
      const dueAt = first.sla?.firstResponse?.dueAt ?? NaN;
      expect(local(dueAt)).toBe('Mon 09:55');
      // Five minutes on Friday, 55 on Monday: 64 hours of wall time later.
      expect(dueAt - submittedAt).toBe(64 * HOUR_MS);
      expect(first.slaDueAt).toBe(dueAt);
      const warnAt = first.sla?.firstResponse?.warnAt ?? NaN;
      expect(local(warnAt)).toBe('Mon 09:40');

      // The weekend passes in skipped time: nothing until the warning.
      await env.sleep(warnAt - (await now()) - MINUTE_MS);
      expect((await handle.query(stateQuery)).slaClock?.warned ?? []).toEqual([]);
      await env.sleep(2 * MINUTE_MS);
      const warning = await projected(ticketId, 'sla_warning');
      expect(warning?.data).toEqual({ kind: 'firstResponse', dueAt, warnAt });
      expectActedAt(warning?.at, warnAt);

      // The breach: recorded with its dueAt, acting once the receipt grace after it is over.
      const grace = (settings.receiptGraceSeconds ?? 3) * 1_000;
      await env.sleep(dueAt + grace - (await now()) - 1_000);
      expect((await handle.query(stateQuery)).breaches).toEqual([]);
      await env.sleep(MINUTE_MS);
      const breached = await projected(ticketId, 'breached');
      expect(breached?.data).toEqual({ kind: 'firstResponse', dueAt });
      expectActedAt(breached?.at, dueAt + grace);
      const after = await handle.query(stateQuery);
      expect(after.breaches).toEqual([{ kind: 'firstResponse', dueAt, at: breached?.at }]);
      expect(after.sla?.firstResponse).toMatchObject({ dueAt, breachedAt: breached?.at });
      const read = await eventually(
        () => store.getTicket(ticketId),
        (t) => t?.sla?.firstResponse?.breachedAt !== undefined,
      );
      expect(read?.slaDueAt).toBe(dueAt);
      // The group and the assignee hear of both, as directory references.
      const told = await eventually(
        () => mail.filter((n) => n.kind === 'sla_warning' || n.kind === 'breach'),
        (list) => list.length >= 2,
      );
      expect(told.map((n) => [n.kind, n.to])).toEqual([
        ['sla_warning', ['group:paris-desk', 'user:alice']],
        ['breach', ['group:paris-desk', 'user:alice']],
      ]);
      // The run replays against the bundle it ran (calendar arithmetic included): deterministic.
      const history = await handle.fetchHistory();
      // RECORD_SLA_HISTORY=<file> keeps it (histories/sla-policies/friday-paris.json was recorded so).
      if (process.env.RECORD_SLA_HISTORY) fs.writeFileSync(process.env.RECORD_SLA_HISTORY, historyToJSON(history));
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH }, replayName: 'friday-paris' },
        history,
        ticketWorkflowId(ticketId),
      );
    } finally {
      await store.putSettings({ businessCalendars: {}, groupCalendars: {}, slaPolicies: [] });
    }
  }, 60_000);

  it('a time rule acts exactly 48 hours after a ticket went on hold: one reminder, marked with the rule and its settings version', async () => {
    const { env, tickets, mail } = await environment();
    const settings = await store.putSettings({
      timeRules: [
        {
          id: 'remind-on-hold',
          name: 'Remind after 48 h on hold',
          anchor: 'status_changed',
          hours: 48,
          conditions: { all: [{ field: 'status', op: 'is', value: 'waiting' }] },
          actions: [
            { type: 'send_mail', to: ['requester'], subject: 'Still waiting on {{ticket.reference}}', body: 'Hello' },
          ],
          active: true,
        },
      ],
    });
    try {
      const created = await tickets.create(TICKET, AGENT, 'api');
      const waiting = await tickets.command(created.id, { type: 'wait', waitType: 'more_info', days: 5 }, AGENT);
      const anchorAt = waiting.statusChangedAt ?? NaN;
      const due = anchorAt + 48 * HOUR_MS;
      const handle = env.client.workflow.getHandle(ticketWorkflowId(created.id));

      await env.sleep(due - (await env.currentTimeMs()) - 60_000);
      expect((await handle.query(stateQuery)).timeRulesFired).toBeUndefined();
      await env.sleep(2 * 60_000);
      const acted = await projected(created.id, 'automation_acted');
      expectActedAt(acted?.at, due);
      expect(acted?.data).toMatchObject({
        automation: { kind: 'time_rule', id: 'remind-on-hold', version: settings.version },
        anchorAt,
      });
      const reminders = await eventually(
        () => mail.filter((n) => n.kind === 'automation'),
        (list) => list.length > 0,
      );
      expect(reminders.map((n) => [n.to, n.subject])).toEqual([
        [['bob@example.com'], `Still waiting on ${created.reference}`],
      ]);
      // Once per anchor: two more days on hold bring no second reminder.
      await env.sleep(2 * DAY_MS);
      expect(mail.filter((n) => n.kind === 'automation')).toHaveLength(1);
      expect((await handle.query(stateQuery)).status).toBe('waiting');
    } finally {
      await store.putSettings({ timeRules: [] });
    }
  }, 60_000);
});
