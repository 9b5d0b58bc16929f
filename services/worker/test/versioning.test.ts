// A deploy of new workflow code meets tickets started by the old one (docs/upgrade-runbook.md). On the
// Temporal dev server (temporal CLI, which serves Worker Deployment Versions; TEMPORAL=postgres: the
// Temporal server on PostgreSQL), with the production worker wiring (createTicketWorker) and a
// private store:
//   version N   = the workflow bundle the build wrote, in a worker versioned `<deployment>.n`;
//   version N+1 = that same code plus one change guarded by patched() (test/versioning/), in a
//                 worker versioned `<deployment>.n-plus-1`, made Current while tickets are open;
// then N's worker stops. Tickets started on N (one waiting on people, one with its feedback-window
// timer armed) finish on N+1's worker on N's path; a ticket started on N+1 takes the new path.
// Replays then show what the guard is for: without it, N+1 cannot replay a ticket started on N,
// and N cannot replay a ticket started on N+1 (why a rollback is a roll forward, see the runbook).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { notificationsQueueFor, searchAttributes, stateQuery, ticketWorkflowId } from '@helpdesk/contracts';
import type { Actor, NotifierActivities, SendResult, TicketState } from '@helpdesk/contracts';
import { findTemporalCli, freePort, privateDatabase, selectedTemporalKind } from '@helpdesk/dev-stack';
import type { ManagedProcess } from '@helpdesk/dev-stack';
import { startPostgres, startTemporalServer, temporalServerPorts } from '@helpdesk/dev-stack/dist/temporal-server';
import { Store } from '@helpdesk/persistence';
import { Tickets } from '@helpdesk/ticket-client';
import { createTicketWorker } from '@helpdesk/worker';
import { bundleTicketWorkflows } from '../src/bundle';
import { replayCheck, runningOn } from '../src/replay-check';
import type { WorkerDeploymentVersion } from '@helpdesk/worker';
import { INTAKE_PATCH, INTAKE_TIMER_SUMMARY } from './versioning/intake-patch';

type History = temporal.api.history.v1.IHistory;

const AGENT: Actor = { id: 'alice', role: 'agent', email: 'alice@example.com' };
const TICKET = { title: 'VPN down', description: 'Since 9am', requester: { id: 'bob', email: 'bob@example.com' } };
const BUNDLE_N = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');
const DEPLOYMENT = 'helpdesk-tickets';
const VERSION_N: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: 'n' };
const VERSION_NEXT: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: 'n-plus-1' };
// Short enough to wait for in real time, long enough that a timer armed on N is still pending when
// N+1 takes over (the deploy below takes a few seconds at most).
const FEEDBACK_WINDOW_S = 12;
const GRACE_S = 1;

Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

let dataDir: string;
let runningStore: Awaited<ReturnType<typeof privateDatabase>> | undefined;
let store: Store;
let env: TestWorkflowEnvironment;
/** TEMPORAL=postgres: the Temporal server on PostgreSQL, started here (and stopped after). */
let serverOnPostgres: { postgres: ManagedProcess; server: { stop(): Promise<void> } | undefined } | undefined;
let bundleNext: string;
let bundleUnguarded: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-versioning-'));
  const database = `versioning-${randomUUID()}`;
  runningStore = await privateDatabase({ dataDir, database });
  store = await Store.connect(runningStore.url);
  await store.putSettings({
    feedbackWindowHours: FEEDBACK_WINDOW_S / 3600,
    receiptGraceSeconds: GRACE_S,
    responseDelayHours: null,
    actionDelayHours: null,
  });
  // Version N+1's code, and the same change without its guard (bundled once each, like a build).
  const bundle = async (file: string) =>
    bundleTicketWorkflows({ workflowsPath: path.join(__dirname, 'versioning', file), logger: quiet });
  [bundleNext, bundleUnguarded] = await Promise.all([
    bundle('workflows-next.ts'),
    bundle('workflows-next-unguarded.ts'),
  ]);
  if (selectedTemporalKind() === 'postgres') {
    // The server a cluster runs (packages/dev-stack/src/temporal-server.ts), one history shard.
    const pgPort = await freePort();
    const port = await freePort();
    serverOnPostgres = {
      postgres: await startPostgres({
        port: pgPort,
        dataDir: path.join(dataDir, 'postgres'),
        logDir: dataDir,
        durable: false,
      }),
      server: undefined,
    };
    const server = await startTemporalServer(
      { port, pgPort, dataDir: path.join(dataDir, 'temporal-server'), logDir: dataDir, shards: 1 },
      await temporalServerPorts(port),
    );
    serverOnPostgres.server = server;
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
  } else {
    const cli = findTemporalCli();
    if (!cli) throw new Error('the temporal CLI is missing: node scripts/install-binaries.js builds it');
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cli },
        ip: '127.0.0.1',
        port: await freePort(),
        ui: false,
        searchAttributes: Object.values(searchAttributes),
      },
    });
  }
}, 600_000);

afterAll(async () => {
  await env?.teardown();
  await serverOnPostgres?.server?.stop();
  await serverOnPostgres?.postgres.stop();
  await store?.close();
  await runningStore?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const quiet = new DefaultLogger('ERROR');

/** A ticket worker of one version (undefined: unversioned), with the production wiring, running until shut down. */
async function startVersion(
  taskQueue: string,
  deploymentVersion: WorkerDeploymentVersion | undefined,
  workflowBundle: { codePath: string } | { code: string },
) {
  const worker = await createTicketWorker({
    connection: env.nativeConnection,
    client: env.client,
    namespace: 'default',
    taskQueue,
    store,
    ...(deploymentVersion ? { deploymentVersion } : {}),
    workflowBundle,
  });
  return { worker, done: worker.run() };
}

/** The mail the tickets ask for, recorded instead of sent, by an unversioned worker of its own queue. */
async function startMailWorker(taskQueue: string) {
  const mail: string[] = [];
  const notifier: NotifierActivities = {
    async sendNotification(n): Promise<SendResult> {
      mail.push(`${n.kind}:${n.ticketId}`);
      return { id: n.id, messageId: `<${n.id}@test>`, sentNow: true };
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: notificationsQueueFor(taskQueue),
    activities: notifier,
  });
  return { mail, worker, done: worker.run() };
}

/**
 * Makes a version Current (`temporal worker deployment set-current-version`), once its worker has
 * polled: the server knows a version only from its pollers.
 */
async function makeCurrent(version: WorkerDeploymentVersion): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await env.client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: 'default',
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: 'versioning-test',
      });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The build ids that completed the ticket's workflow tasks, in order ('unversioned': a worker without one). */
const buildIds = (history: History): string[] =>
  (history.events ?? []).flatMap((e) =>
    e.workflowTaskCompletedEventAttributes
      ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId || 'unversioned']
      : [],
  );

/** The versioning behaviours the ticket's workflow tasks were completed with (the worker's default). */
const behaviours = (history: History): Set<temporal.api.enums.v1.VersioningBehavior | null | undefined> =>
  new Set(
    (history.events ?? []).flatMap((e) =>
      e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.versioningBehavior] : [],
    ),
  );

/** The patches the history recorded a marker for. */
const patchesIn = (history: History): string[] =>
  (history.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    const payload = m?.markerName === 'core_patch' ? m.details?.['patch-data']?.payloads?.[0] : undefined;
    return payload ? [defaultPayloadConverter.fromPayload<{ id: string }>(payload).id] : [];
  });

/** The summaries of the timers the history started, and how many of them fired. */
function timers(history: History): { summaries: string[]; fired: number } {
  const events = history.events ?? [];
  return {
    summaries: events.flatMap((e) =>
      e.timerStartedEventAttributes && e.userMetadata?.summary
        ? [defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary)]
        : [],
    ),
    fired: events.filter((e) => e.timerFiredEventAttributes).length,
  };
}

/** Workflow tasks that failed: a non-determinism error shows as one (and the ticket stalls). */
const failedTasks = (history: History) => (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);

/** The ticket's result, or a failure naming it after `ms` (a stalled ticket never returns). */
async function finished(handle: WorkflowHandle, ms = 60_000): Promise<TicketState> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${handle.workflowId} did not finish in ${ms} ms`)), ms);
  });
  try {
    return (await Promise.race([handle.result(), stalled])) as TicketState;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `done` holds (10 s at most, then fails). */
async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const replay = (workflowBundle: { codePath: string } | { code: string }, history: History, name: string) =>
  Worker.runReplayHistory({ workflowBundle, replayName: name }, history, name);

describe('a deploy of new workflow code (Worker Deployment Versions, patched)', () => {
  it('finishes tickets started on N on the worker of N+1, on their old path; new tickets take the new path', async () => {
    const taskQueue = `versioning-${randomUUID()}`;
    const mailer = await startMailWorker(taskQueue);
    const n = await startVersion(taskQueue, VERSION_N, { codePath: BUNDLE_N });
    let next: Awaited<ReturnType<typeof startVersion>> | undefined;
    try {
      await makeCurrent(VERSION_N);
      const tickets = new Tickets({ client: env.client, store, taskQueue });
      const handle = (id: string) => env.client.workflow.getHandle(ticketWorkflowId(id));

      // Version N: one ticket waits on people, one has its feedback-window timer armed.
      const waiting = await tickets.create(TICKET, AGENT, 'api');
      await tickets.command(waiting.id, { type: 'reply', body: 'Looking into it', visibility: 'public' }, AGENT);
      const resolving = await tickets.create(TICKET, AGENT, 'api');
      const resolved = await tickets.command(
        resolving.id,
        { type: 'resolve', method: 'customer_communication' },
        AGENT,
      );
      expect(resolved.status).toBe('resolved');

      // Before the deploy, the runbook's replay check of the running tickets against the new build:
      // N+1 passes; the same change without its guard is caught, each ticket named. It lists the
      // tickets through visibility, which the server updates a moment after a start.
      await until(async () => (await env.client.workflow.count(runningOn(taskQueue))).count === 2);
      const check = (workflowBundle: { code: string }) =>
        replayCheck({ client: env.client, taskQueue, workflowBundle });
      expect(await check({ code: bundleNext })).toEqual({ replayed: 2, failures: [] });
      const caught = await check({ code: bundleUnguarded });
      expect(caught.replayed).toBe(2);
      expect(caught.failures.map((f) => f.workflowId).sort()).toEqual(
        [waiting, resolving].map((t) => ticketWorkflowId(t.id)).sort(),
      );
      for (const f of caught.failures) expect(f.error).toMatch(/[Nn]ondetermin/);

      // Deploy N+1: its workers start, it becomes Current, N's worker stops.
      next = await startVersion(taskQueue, VERSION_NEXT, { code: bundleNext });
      await makeCurrent(VERSION_NEXT);
      n.worker.shutdown();
      await n.done;
      // The timer armed on N has not rung yet: it will ring on N+1's worker.
      expect((await handle(resolving.id).query(stateQuery)).status).toBe('resolved');

      // Version N+1: the waiting ticket goes on, and a new ticket starts.
      await tickets.command(waiting.id, { type: 'resolve', method: 'customer_communication' }, AGENT);
      const fresh = await tickets.create(TICKET, AGENT, 'api');
      await tickets.command(fresh.id, { type: 'resolve', method: 'customer_communication' }, AGENT);

      const results = await Promise.all([waiting, resolving, fresh].map((t) => finished(handle(t.id))));
      expect(results.map((s) => s.status)).toEqual(['closed', 'closed', 'closed']);
      for (const t of [waiting, resolving, fresh]) expect((await store.getTicket(t.id))?.status).toBe('closed');
      expect(mailer.mail.filter((m) => m.startsWith('closed:')).sort()).toEqual(
        [waiting, resolving, fresh].map((t) => `closed:${t.id}`).sort(),
      );

      const [oldWaiting, oldTimer, newTicket] = await Promise.all([
        handle(waiting.id).fetchHistory(),
        handle(resolving.id).fetchHistory(),
        handle(fresh.id).fetchHistory(),
      ]);
      for (const h of [oldWaiting, oldTimer, newTicket]) {
        expect(failedTasks(h)).toEqual([]);
        // The policy (createTicketWorker): every ticket follows the Current Version.
        expect(behaviours(h)).toEqual(
          new Set([temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE]),
        );
      }
      // Started on N, finished on N+1's worker (N's stopped before they went on).
      for (const h of [oldWaiting, oldTimer]) {
        const ids = buildIds(h);
        expect(ids[0]).toBe(VERSION_N.buildId);
        expect(ids.at(-1)).toBe(VERSION_NEXT.buildId);
        // N's path: no marker for the new patch, no intake timer; the feedback window closed them.
        expect(patchesIn(h)).not.toContain(INTAKE_PATCH);
        expect(timers(h).summaries).not.toContain(INTAKE_TIMER_SUMMARY);
        expect(timers(h).summaries.some((s) => s.startsWith('feedback window'))).toBe(true);
      }
      // The timer armed on N rang on N+1: its close was completed by N+1's worker.
      expect(new Set(buildIds(oldTimer))).toEqual(new Set([VERSION_N.buildId, VERSION_NEXT.buildId]));
      // The new path: the patch marker and the intake timer, which fired.
      expect(new Set(buildIds(newTicket))).toEqual(new Set([VERSION_NEXT.buildId]));
      expect(patchesIn(newTicket)).toContain(INTAKE_PATCH);
      expect(timers(newTicket).summaries).toContain(INTAKE_TIMER_SUMMARY);
      expect(timers(newTicket).fired).toBe(timers(newTicket).summaries.length);

      // Replays: old tickets' whole histories are N's path, so N's code replays them too.
      await expect(replay({ codePath: BUNDLE_N }, oldWaiting, 'old-on-n')).resolves.toBeUndefined();
      await expect(replay({ code: bundleNext }, oldTimer, 'old-on-next')).resolves.toBeUndefined();
      await expect(replay({ code: bundleNext }, newTicket, 'new-on-next')).resolves.toBeUndefined();
      // Without the guard, N+1 breaks every ticket started on N ...
      await expect(replay({ code: bundleUnguarded }, oldWaiting, 'old-on-unguarded')).rejects.toThrow(/[Nn]ondetermin/);
      // ... and N cannot run a ticket that took N+1's path: rolling back is deploying forward.
      await expect(replay({ codePath: BUNDLE_N }, newTicket, 'new-on-n')).rejects.toThrow(/[Nn]ondetermin/);
    } finally {
      for (const w of [n.worker, next?.worker, mailer.worker]) if (w?.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled([n.done, next?.done, mailer.done]);
    }
  }, 180_000);

  it('switching versioning on: tickets started on unversioned workers finish on the first versioned build', async () => {
    const taskQueue = `versioning-on-${randomUUID()}`;
    const first: WorkerDeploymentVersion = { deploymentName: 'helpdesk-switch-on', buildId: 'first' };
    const mailer = await startMailWorker(taskQueue);
    const unversioned = await startVersion(taskQueue, undefined, { codePath: BUNDLE_N });
    let versioned: Awaited<ReturnType<typeof startVersion>> | undefined;
    try {
      const tickets = new Tickets({ client: env.client, store, taskQueue });
      const handle = (id: string) => env.client.workflow.getHandle(ticketWorkflowId(id));
      const waiting = await tickets.create(TICKET, AGENT, 'api');
      const resolving = await tickets.create(TICKET, AGENT, 'api');
      await tickets.command(resolving.id, { type: 'resolve', method: 'customer_communication' }, AGENT);

      // The same code, now with WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID: made Current, then the
      // unversioned worker stops.
      versioned = await startVersion(taskQueue, first, { codePath: BUNDLE_N });
      await makeCurrent(first);
      unversioned.worker.shutdown();
      await unversioned.done;
      expect((await handle(resolving.id).query(stateQuery)).status).toBe('resolved');
      await tickets.command(waiting.id, { type: 'resolve', method: 'customer_communication' }, AGENT);

      const results = await Promise.all([waiting, resolving].map((t) => finished(handle(t.id))));
      expect(results.map((s) => s.status)).toEqual(['closed', 'closed']);
      for (const t of [waiting, resolving]) {
        const h = await handle(t.id).fetchHistory();
        expect(failedTasks(h)).toEqual([]);
        const ids = buildIds(h);
        expect(ids[0]).toBe('unversioned');
        expect(ids.at(-1)).toBe(first.buildId);
      }
      expect(mailer.mail.filter((m) => m.startsWith('closed:')).sort()).toEqual(
        [waiting, resolving].map((t) => `closed:${t.id}`).sort(),
      );
    } finally {
      for (const w of [unversioned.worker, versioned?.worker, mailer.worker])
        if (w?.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled([unversioned.done, versioned?.done, mailer.done]);
    }
  }, 180_000);
});
