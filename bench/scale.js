#!/usr/bin/env node
// `npm run bench -- --scale` (bench/run.js hands over to this file): the scale run of issue 13.
// BENCH_SCALE_TICKETS open tickets (default 100,000), each with armed timers, across
// BENCH_SCALE_WORKERS ticket worker processes (default 3), on one stack of its own:
//   creation     the tickets through the gateway at a steady BENCH_SCALE_RATE a second: throughput, p99
//   commands     public replies over a pool of tickets once all are open: throughput, p99
//   timers       every ticket's response deadline comes due after the last one is open: lateness
//   memory       the workers' RSS summed, at its peak, per open ticket
//   cold resume  every worker down while the action deadlines pass, then all started again: the
//                time until every overdue ticket has acted
//   long life    a few tickets driven through BENCH_SCALE_LONG_LIFE_COMMANDS replies and notes
//                each: history events and bytes per run, and how many runs continue-as-new made
// Honours TEMPORAL (dev or postgres, TEMPORAL_SHARDS) and STORE / MONGO_URL as bench/run.js does.
// Writes JSON to bench/results/scale-*.json (BENCH_OUT: another file). Nothing here asserts.
// A full run takes hours (the timeline below is set by the creation time); a small one:
//   BENCH_SCALE_TICKETS=200 BENCH_SCALE_RATE=50 BENCH_SCALE_LONG_LIFE_COMMANDS=50 npm run bench -- --scale
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, Connection } = require('@temporalio/client');
const { startStack } = require('@helpdesk/dev-stack');
const { signToken } = require('@helpdesk/gateway');
const { Store } = require('@helpdesk/persistence');
const { cpuMs, gatewayClient, percentile, procRssMb, round } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const num = (name, fallback) => Number(process.env[name] || fallback);
const TICKETS = num('BENCH_SCALE_TICKETS', 100_000);
const RATE = num('BENCH_SCALE_RATE', 50);
const WORKERS = num('BENCH_SCALE_WORKERS', 3);
// Creations in flight at most: the pacing sets the rate, this only bounds a slow gateway.
const CREATE_CONCURRENCY = num('BENCH_SCALE_CREATE_CONCURRENCY', 20);
const POOL = num('BENCH_SCALE_POOL', 50);
const COMMANDS = num('BENCH_SCALE_COMMANDS', 300);
const CONCURRENCY = num('BENCH_SCALE_CONCURRENCY', 10);
// Seconds between the last creation and the first response deadline: the commands run in it, so
// they meet a full load of open tickets but not the deadlines coming due.
const SLACK_SECS = num('BENCH_SCALE_SLACK_SECS', 60);
// How long past the last deadline the bench waits for stragglers before it reports them missing.
const WAIT_SECS = num('BENCH_SCALE_WAIT_SECS', 900);
const LONG_LIFE_TICKETS = Math.min(num('BENCH_SCALE_LONG_LIFE_TICKETS', 5), POOL);
// A reply or a note adds ~6 history events (measured here): 2,000 pass the settings' 10,000-event
// threshold, so a full run sees continue-as-new happen rather than assume it.
const LONG_LIFE_COMMANDS = num('BENCH_SCALE_LONG_LIFE_COMMANDS', 2000);
// Unset: the settings' own threshold (10,000 events) and the server's suggestion decide when a
// ticket continues as new; a small run may set it low (at least 50) to see the chain form.
const CONTINUE_AFTER = process.env.BENCH_SCALE_CONTINUE_AFTER_EVENTS
  ? Number(process.env.BENCH_SCALE_CONTINUE_AFTER_EVENTS)
  : undefined;
// Counting breaches reads every bench ticket: at 100,000 that is a scan, so it is done less often
// the more tickets there are (1 s for a small run, 5 s at full size; the resume time is that exact).
const POLL_MS = num('BENCH_SCALE_POLL_MS', Math.min(5000, Math.max(1000, TICKETS / 20)));

// Temporal's default limits on one run's history (the server fails a run past the error limits).
const LIMITS = { warnEvents: 10_240, errorEvents: 51_200, warnBytes: 10 * 2 ** 20, errorBytes: 50 * 2 ** 20 };

const TAG = 'bench-scale';
const POOL_TAG = 'bench-scale-pool';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => round(ms / 1000);

const rssMb = procRssMb;

/** p50/p95/p99 and the count of an unsorted list of ms. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-scale-'));
  const secret = 'bench-secret-at-least-16-chars';
  const workerNames = Array.from({ length: WORKERS }, (_, i) => `worker-${i + 1}`);
  console.log(
    `Scale run: ${TICKETS} tickets at ${RATE}/s across ${WORKERS} ticket workers; starting a stack in ${dataDir}...`,
  );
  const startedAt = Date.now();
  const stack = await startStack({
    dataDir,
    persistent: false,
    ...(process.env.MONGO_URL ? { mongoUrl: process.env.MONGO_URL } : {}),
    env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' },
    // Several ticket workers: the same entry under different names, all polling the one task queue.
    services: [
      ...workerNames.map((name) => ({ name, entry: path.join(ROOT, 'services', 'worker', 'dist', 'main.js') })),
      ...['notifier', 'gateway'].map((name) => ({ name, entry: path.join(ROOT, 'services', name, 'dist', 'main.js') })),
    ],
  });
  // A stopped run (Ctrl-C in an hours-long one) still stops the stack it started.
  let stopping;
  const stopStack = () =>
    (stopping ??= stack.stop().finally(() => fs.rmSync(dataDir, { recursive: true, force: true })));
  const onSignal = () => void stopStack().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const { gateway, temporal: temporalAddress, mongo: mongoUrl } = stack.urls;
  const token = signToken({ sub: 'bench', role: 'agent' }, secret);
  const adminToken = signToken({ sub: 'bench-admin', role: 'admin' }, secret);
  const http = gatewayClient(gateway, token);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const store = await Store.connect(mongoUrl);
  // Measurement-only reads: the benchmark may reach the models (Store.modelsForTestsOnly).
  const { Ticket } = Store.modelsForTestsOnly(store);

  // The workers' memory, sampled throughout: the peak of their sum, and the sum once all are open.
  const workerPids = () => workerNames.map((n) => stack.pid(n)).filter(Boolean);
  const rss = { peakSumMb: 0, peakSumAt: '', peakOneMb: 0, phase: 'start' };
  const sampleRss = () => {
    const each = workerPids()
      .map(rssMb)
      .filter((x) => !Number.isNaN(x));
    const sum = each.reduce((s, x) => s + x, 0);
    if (sum > rss.peakSumMb) Object.assign(rss, { peakSumMb: sum, peakSumAt: rss.phase });
    rss.peakOneMb = Math.max(rss.peakOneMb, ...each);
    return sum;
  };
  const sampler = setInterval(sampleRss, 2000);
  // Before any ticket: what the workers cost by themselves (the code, the SDK, the caches' floor).
  const rssBaselineMb = sampleRss();

  const rows = [];
  const row = (name, value, detail = '') => {
    rows.push({ name, value, detail });
    console.log(`  ${name}: ${value}${detail ? ` (${detail})` : ''}`);
  };
  const warnings = [];
  const warn = (m) => {
    warnings.push(m);
    console.warn(`  warning: ${m}`);
  };
  const result = {
    benchmark: 'helpdesk-scale',
    at: new Date().toISOString(),
    sizes: {
      tickets: TICKETS,
      rate: RATE,
      workers: WORKERS,
      createConcurrency: CREATE_CONCURRENCY,
      pool: POOL,
      commands: COMMANDS,
      concurrency: CONCURRENCY,
      slackSecs: SLACK_SECS,
      longLifeTickets: LONG_LIFE_TICKETS,
      longLifeCommands: LONG_LIFE_COMMANDS,
      continueAsNewAfterEvents: CONTINUE_AFTER ?? 'settings default',
      pollMs: POLL_MS,
    },
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGb: round(os.totalmem() / 2 ** 30),
      loadAverageAtStart: os.loadavg().map(round),
      node: process.version,
      store: stack.store?.kind ?? (process.env.MONGO_URL ? 'MONGO_URL' : 'default'),
      temporal: stack.temporal,
    },
    rows,
    warnings,
  };

  try {
    // The bench's agent must be in the directory: taking a ticket assigns it to them.
    await store.directory.createUser({
      id: 'bench',
      name: 'Bench agent',
      email: 'bench@agents.helpdesk.test',
      role: 'agent',
    });
    await store.directory.createGroup({ name: 'support', members: ['bench'] });

    // The timeline, from the first creation (t = 0), C = TICKETS / RATE seconds of creation:
    //   [0, C]                  creation at RATE a second (ticket i at i / RATE)
    //   [C, C + S]              the commands, against every ticket open and no deadline due yet
    //   [C + S, 2C + S]         response deadlines come due at RATE a second (workers up): lateness
    //   then                    every worker stopped
    //   [2C + 2S, 3C + 2S]      action deadlines pass, at RATE a second, with no worker running
    //   3C + 2S + 10 s          every worker started again: the cold resume, until all have acted
    const creationSecs = TICKETS / RATE;
    const responseSecs = creationSecs + SLACK_SECS;
    const actionSecs = responseSecs + creationSecs + SLACK_SECS;
    const settings = { responseDelayHours: responseSecs / 3600, actionDelayHours: actionSecs / 3600 };
    if (CONTINUE_AFTER !== undefined) settings.continueAsNewAfterEvents = CONTINUE_AFTER;
    const applied = await http('PUT', '/v1/settings', settings, adminToken);
    result.settings = { ...settings, receiptGraceSeconds: applied.receiptGraceSeconds ?? 0 };
    const graceMs = (applied.receiptGraceSeconds ?? 0) * 1000;
    await sleep(1500); // settings are cached a second per process
    console.log(
      `Timeline: creation ${secs(creationSecs * 1000)} s, response deadlines ${responseSecs} s after each ticket, ` +
        `action deadlines ${actionSecs} s after; a full run ≈ ${Math.ceil((3 * creationSecs + 2 * SLACK_SECS) / 60)} min ` +
        'before the cold resume and the long life.',
    );

    // Creation: ticket i is sent at t0 + i / RATE (spread, as a helpdesk's tickets are, so their
    // deadlines come due at that rate too); latency is the request alone, not the wait for its slot.
    console.log(`Creating ${TICKETS} tickets at ${RATE}/s...`);
    rss.phase = 'creation';
    const tickets = [];
    const createLatencies = [];
    let createFailures = 0;
    let behindMs = 0; // how far the sends fell behind the schedule, at most
    let lastCreatedAt = 0;
    let next = 0;
    const t0 = Date.now();
    const progress = setInterval(
      () => console.log(`  ${tickets.length}/${TICKETS} open, ${round(sampleRss())} MB worker RSS`),
      60_000,
    );
    const lane = async () => {
      while (next < TICKETS) {
        const i = next++;
        const due = t0 + (i / RATE) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        behindMs = Math.max(behindMs, Date.now() - due);
        const sent = process.hrtime.bigint();
        try {
          const t = await http('POST', '/v1/tickets', {
            title: `Scale ticket ${i}`,
            description: 'Waits for its deadlines',
            tags: [TAG],
            requester: { id: `scale-${i % 500}` },
          });
          tickets.push(t.id);
          lastCreatedAt = Date.now();
        } catch (err) {
          if (++createFailures <= 3) console.error(`creation ${i} failed:`, err instanceof Error ? err.message : err);
        }
        createLatencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, lane));
    clearInterval(progress);
    const createWallMs = Date.now() - t0;
    const creation = spread(createLatencies);
    result.creation = {
      ...creation,
      failures: createFailures,
      wallMs: createWallMs,
      throughputPerSec: round((tickets.length / createWallMs) * 1000),
      behindScheduleMs: round(behindMs),
    };
    row(
      `creation, POST /v1/tickets at ${RATE}/s offered`,
      `${result.creation.throughputPerSec}/s, p50 ${creation.p50} ms, p99 ${creation.p99} ms`,
      `${tickets.length} created, ${createFailures} failed, at most ${secs(behindMs)} s behind schedule`,
    );
    if (behindMs > SLACK_SECS * 1000)
      warn(`creation fell ${secs(behindMs)} s behind its schedule: later tickets' deadlines overlap creation`);

    // Commands at scale: replies over a pool of taken tickets (their own tag: replies move their
    // deadlines, so they stay out of the timer figures), with every ticket above open.
    console.log(`Commands: ${COMMANDS} replies at concurrency ${CONCURRENCY} over ${POOL} tickets...`);
    rss.phase = 'commands';
    const pool = [];
    for (let i = 0; i < POOL; i++) {
      const t = await http('POST', '/v1/tickets', {
        title: `Scale pool ticket ${i}`,
        description: 'Takes commands',
        tags: [POOL_TAG],
        requester: { id: `scale-pool-${i}` },
      });
      await http('POST', `/v1/tickets/${t.id}/take`, {});
      pool.push(t.id);
    }
    const openTickets = tickets.length + pool.length;
    const rssAllOpenMb = sampleRss();
    const replyLatencies = [];
    let replyFailures = 0;
    let nextReply = 0;
    const replyStart = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextReply < COMMANDS) {
          const i = nextReply++;
          const sent = process.hrtime.bigint();
          try {
            await http('POST', `/v1/tickets/${pool[i % POOL]}/replies`, { body: `Reply ${i}` });
          } catch (err) {
            if (++replyFailures <= 3) console.error(`reply ${i} failed:`, err instanceof Error ? err.message : err);
          }
          replyLatencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        }
      }),
    );
    const replyWallMs = Date.now() - replyStart;
    const replies = spread(replyLatencies);
    result.commands = {
      ...replies,
      failures: replyFailures,
      wallMs: replyWallMs,
      throughputPerSec: round((COMMANDS / replyWallMs) * 1000),
      openTickets,
    };
    row(
      `command, POST …/replies with ${openTickets} open`,
      `${result.commands.throughputPerSec}/s, p50 ${replies.p50} ms, p99 ${replies.p99} ms`,
      `${COMMANDS} replies at concurrency ${CONCURRENCY}, ${replyFailures} failed`,
    );
    const firstResponseDue = t0 + responseSecs * 1000 + graceMs;
    if (Date.now() > firstResponseDue)
      warn('the commands ran past the first response deadline: raise BENCH_SCALE_SLACK_SECS');

    // Response deadlines, workers up: lateness = breach time − (deadline + receipt grace), as run.js.
    const breachedCount = (kind) => Ticket.countDocuments({ tags: TAG, 'breaches.kind': kind });
    const waitFor = async (kind, until) => {
      for (;;) {
        const n = await breachedCount(kind);
        if (n >= tickets.length || Date.now() > until) return n;
        await sleep(POLL_MS);
      }
    };
    const lastResponseDue = lastCreatedAt + responseSecs * 1000 + graceMs;
    console.log(
      `Timers: ${tickets.length} response deadlines come due from ${secs(firstResponseDue - Date.now())} s ` +
        `to ${secs(lastResponseDue - Date.now())} s from now...`,
    );
    rss.phase = 'response deadlines';
    await sleep(Math.max(0, firstResponseDue - Date.now()));
    const cpuBefore = workerPids().reduce((s, p) => s + cpuMs(p), 0);
    const responseDone = await waitFor('response', lastResponseDue + WAIT_SECS * 1000);
    const workerCpuMs = workerPids().reduce((s, p) => s + cpuMs(p), 0) - cpuBefore;
    const lateness = [];
    for await (const doc of Ticket.find({ tags: TAG }, { breaches: 1 }).lean().cursor()) {
      const b = (doc.breaches ?? []).find((x) => x.kind === 'response');
      if (b) lateness.push(b.at - b.dueAt - graceMs);
    }
    result.timers = {
      ...spread(lateness),
      fired: responseDone,
      missing: tickets.length - responseDone,
      workerCpuMsPerDeadline: round(workerCpuMs / Math.max(1, responseDone)),
    };
    row(
      `timer lateness, ${tickets.length} response deadlines at ${RATE}/s, ${WORKERS} workers`,
      `p50 ${result.timers.p50} ms, p99 ${result.timers.p99} ms`,
      `${responseDone} fired, ${result.timers.missing} missing; worker CPU ${result.timers.workerCpuMsPerDeadline} ms per deadline`,
    );

    sampleRss();
    result.memory = {
      openTickets,
      allOpenSumMb: round(rssAllOpenMb),
      peakSumMb: round(rss.peakSumMb),
      peakSumDuring: rss.peakSumAt,
      peakOneWorkerMb: round(rss.peakOneMb),
      baselineSumMb: round(rssBaselineMb),
      peakKbPerOpenTicket: round((rss.peakSumMb * 1024) / openTickets),
      // Above the workers' own baseline: what the tickets add (bounded by WORKER_MAX_CACHED_WORKFLOWS).
      peakKbPerOpenTicketAboveBaseline: round(((rss.peakSumMb - rssBaselineMb) * 1024) / openTickets),
    };
    row(
      `worker RSS, ${WORKERS} workers, ${openTickets} open tickets`,
      `${Math.round(result.memory.peakKbPerOpenTicket)} KB per open ticket at the peak ` +
        `(${Math.round(result.memory.peakKbPerOpenTicketAboveBaseline)} KB above the workers' baseline)`,
      `sum ${Math.round(result.memory.peakSumMb)} MB at the peak (during ${rss.peakSumAt}), ` +
        `${Math.round(result.memory.allOpenSumMb)} MB once all were open, ${Math.round(rssBaselineMb)} MB before any ` +
        `ticket; one worker at most ${Math.round(result.memory.peakOneWorkerMb)} MB`,
    );

    // Cold resume: every worker down (killed, as a crash or a full redeploy) while every action
    // deadline passes, then all started at once; timed until every overdue ticket has acted.
    console.log(`Cold resume: stopping all ${WORKERS} workers until every action deadline has passed...`);
    rss.phase = 'workers down';
    await Promise.all(workerNames.map((n) => stack.stopService(n, 'kill')));
    const actedEarly = await breachedCount('action');
    if (actedEarly > 0)
      warn(`${actedEarly} action deadlines fired before the workers stopped: raise BENCH_SCALE_SLACK_SECS`);
    const lastActionDue = lastCreatedAt + actionSecs * 1000 + graceMs;
    console.log(`  the last action deadline passes in ${secs(lastActionDue - Date.now())} s`);
    await sleep(Math.max(0, lastActionDue + 10_000 - Date.now()));
    rss.phase = 'cold resume';
    const restartedAt = Date.now();
    await Promise.all(workerNames.map((n) => stack.startService(n)));
    const workersReadyMs = Date.now() - restartedAt;
    const actionDone = await waitFor('action', Date.now() + Math.max(WAIT_SECS * 1000, (tickets.length / 5) * 1000));
    const resumeMs = Date.now() - restartedAt;
    sampleRss();
    result.coldResume = {
      overdue: tickets.length,
      acted: actionDone,
      actedBeforeStop: actedEarly,
      workersReadyMs,
      resumeMs,
      perSec: round((actionDone / resumeMs) * 1000),
    };
    row(
      `cold resume, ${WORKERS} workers restarted, ${tickets.length} overdue tickets`,
      `${secs(resumeMs)} s (${result.coldResume.perSec}/s)`,
      `${actionDone} acted; workers ready after ${secs(workersReadyMs)} s`,
    );

    // History of an idle ticket after its two deadlines (created, breached twice), over a sample.
    const idleSample = tickets.slice(0, 20);
    const idle = await Promise.all(idleSample.map((id) => client.workflow.getHandle(`ticket-${id}`).describe()));
    result.idleHistory = {
      sample: idle.length,
      eventsAvg: round(idle.reduce((s, d) => s + d.historyLength, 0) / idle.length),
      bytesAvg: round(idle.reduce((s, d) => s + (d.historySize ?? 0), 0) / idle.length),
    };
    row(
      'history of a ticket after creation and 2 deadlines',
      `${result.idleHistory.eventsAvg} events, ${Math.round(result.idleHistory.bytesAvg)} bytes`,
      `average of ${idle.length}`,
    );

    // Long life: LONG_LIFE_TICKETS tickets through LONG_LIFE_COMMANDS commands each (public replies
    // and private notes in turn), one at a time per ticket, the tickets side by side.
    console.log(`Long life: ${LONG_LIFE_TICKETS} tickets × ${LONG_LIFE_COMMANDS} replies and notes...`);
    rss.phase = 'long life';
    const longLife = pool.slice(0, LONG_LIFE_TICKETS);
    /** Every run of a ticket, oldest first: continue-as-new closes a run and starts the next under its id. */
    const chainOf = async (id) => {
      const workflowId = `ticket-${id}`;
      const runIds = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.push(w.runId);
      const runs = await Promise.all(runIds.map((runId) => client.workflow.getHandle(workflowId, runId).describe()));
      runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
      return runs.map((d) => ({ status: d.status.name, events: d.historyLength, bytes: d.historySize ?? 0 }));
    };
    const total = (runs, key) => runs.reduce((s, r) => s + r[key], 0);
    // What the sample had before (creation, take, their share of the replies above): not counted per command.
    const before = (await Promise.all(longLife.map(chainOf))).flat();
    const lifeLatencies = [];
    let lifeFailures = 0;
    const lifeStart = Date.now();
    await Promise.all(
      longLife.map(async (id) => {
        for (let k = 0; k < LONG_LIFE_COMMANDS; k++) {
          const sent = process.hrtime.bigint();
          try {
            if (k % 2 === 0) await http('POST', `/v1/tickets/${id}/replies`, { body: `Long-life reply ${k}` });
            else await http('POST', `/v1/tickets/${id}/notes`, { body: `Long-life note ${k}` });
          } catch (err) {
            if (++lifeFailures <= 3) console.error(`command ${k} failed:`, err instanceof Error ? err.message : err);
          }
          lifeLatencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        }
      }),
    );
    const lifeWallMs = Date.now() - lifeStart;
    await sleep(2000); // visibility lags the runs a little
    const chains = await Promise.all(longLife.map(chainOf));
    const allRuns = chains.flat();
    const maxEvents = Math.max(...allRuns.map((r) => r.events));
    const maxBytes = Math.max(...allRuns.map((r) => r.bytes));
    const totalEvents = total(allRuns, 'events');
    const totalBytes = total(allRuns, 'bytes');
    const commandsDone = longLife.length * LONG_LIFE_COMMANDS - lifeFailures;
    result.longLife = {
      tickets: longLife.length,
      commandsPerTicket: LONG_LIFE_COMMANDS,
      failures: lifeFailures,
      ...spread(lifeLatencies),
      throughputPerSec: round((lifeLatencies.length / lifeWallMs) * 1000),
      runsPerTicket: chains.map((c) => c.length),
      continuedAsNew: allRuns.filter((r) => r.status === 'CONTINUED_AS_NEW').length,
      eventsPerTicket: round(totalEvents / longLife.length),
      bytesPerTicket: round(totalBytes / longLife.length),
      eventsPerCommand: round((totalEvents - total(before, 'events')) / Math.max(1, commandsDone)),
      bytesPerCommand: round((totalBytes - total(before, 'bytes')) / Math.max(1, commandsDone)),
      maxRunEvents: maxEvents,
      maxRunBytes: maxBytes,
      limits: LIMITS,
      underWarnLimits: maxEvents < LIMITS.warnEvents && maxBytes < LIMITS.warnBytes,
      underErrorLimits: maxEvents < LIMITS.errorEvents && maxBytes < LIMITS.errorBytes,
      chains,
    };
    row(
      `long life, ${longLife.length} tickets × ${LONG_LIFE_COMMANDS} replies and notes`,
      `${result.longLife.throughputPerSec}/s, p50 ${result.longLife.p50} ms, p99 ${result.longLife.p99} ms`,
      `${lifeFailures} failed`,
    );
    row(
      'history per long-lived ticket (all runs)',
      `${Math.round(result.longLife.eventsPerTicket)} events, ${Math.round(result.longLife.bytesPerTicket / 1024)} KB`,
      `${result.longLife.eventsPerCommand} events and ${Math.round(result.longLife.bytesPerCommand)} bytes per command`,
    );
    row(
      'continue-as-new',
      `${result.longLife.continuedAsNew} runs continued as new; runs per ticket ${result.longLife.runsPerTicket.join(', ')}`,
      `longest run ${maxEvents} events, ${Math.round(maxBytes / 1024)} KB: ${
        result.longLife.underWarnLimits
          ? 'under'
          : result.longLife.underErrorLimits
            ? 'past the warning but under'
            : 'PAST'
      } Temporal's limits (warn ${LIMITS.warnEvents} events / 10 MB, error ${LIMITS.errorEvents} / 50 MB)`,
    );

    result.totalMs = Date.now() - startedAt;
    console.log('');
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.value}${r.detail ? `  (${r.detail})` : ''}`);
    console.log(
      `\n${result.machine.cpus} cores (${result.machine.model}), ${result.machine.memGb} GiB, Node ${process.version}; ` +
        `store ${result.machine.store}; Temporal ${stack.temporal.kind} (${stack.temporal.shards} shards); ` +
        `${secs(result.totalMs)} s in all`,
    );
    for (const w of warnings) console.log(`warning: ${w}`);
    const file =
      process.env.BENCH_OUT || path.join(__dirname, 'results', `scale-${result.at.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`written ${path.relative(process.cwd(), file)}`);
  } finally {
    clearInterval(sampler);
    await store.close();
    await connection.close();
    await stopStack();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

module.exports = { main };

if (require.main === module)
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
