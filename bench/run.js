#!/usr/bin/env node
// `npm run bench [-- --quick]`: every figure of the performance targets, in one run, on one stack.
//   creation     POST /v1/tickets vs raw workflow starts (same server, same concurrency)
//   command      POST …/replies vs a raw Update on a trivial workflow; projection lag
//   timers       open tickets with armed timers: worker RSS, timer lateness, cold-worker resume
//   settings     a change that moves no deadline: signals sent, history events added
//   lists        every documented filter and both sorts over a year of tickets, 10 at a time
//   search       text search over reference, title, description and messages
//   report       the lifecycle report for a month
// (`npm run bench -- --scale` runs the scale run of bench/scale.js instead.)
// Starts its own stack (the default store unless STORE says otherwise; MONGO_URL: a running one;
// the Temporal dev server unless TEMPORAL=postgres, see bench/temporal.js). BENCH_OUT: the JSON file.
// targets, writes JSON under bench/results/. Not part of npm test; nothing here asserts.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client, Connection } = require('@temporalio/client');
const { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } = require('@temporalio/worker');
const { startStack } = require('@helpdesk/dev-stack');
const { signToken } = require('@helpdesk/gateway');
const { Store } = require('@helpdesk/persistence');
const {
  cpuMs,
  gatewayClient,
  measure,
  measureEach,
  percentile,
  printTable,
  procRssMb,
  round,
  treeCpuMs,
} = require('./lib');
const { seedTickets } = require('./seed');

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const num = (name, full, quick) => Number(process.env[name] || (QUICK ? quick : full));
const N = num('BENCH_N', 300, 100);
const CONCURRENCY = num('BENCH_CONCURRENCY', 10, 10);
const TIMER_TICKETS = num('BENCH_TIMER_TICKETS', 10_000, 500);
const TIMER_RATE = num('BENCH_TIMER_RATE', 50, 50);
const LIST_TICKETS = num('BENCH_LIST_TICKETS', 100_000, 10_000);
const LIST_QUERIES = num('BENCH_LIST_QUERIES', 40, 20);
const LIST_CONCURRENCY = num('BENCH_LIST_CONCURRENCY', 10, 10);
// --only=commands,timers,reads runs some sections (commands: creation and commands).
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (section) => !ONLY || ONLY.includes(section);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

/** Resident memory of a process in MB, rounded for the tables. */
const rssMb = (pid) => round(procRssMb(pid));

/** Until every process has used under 5% of a core for 3 s in a row: the work in flight has passed. */
async function quiet(pids, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  let last = pids.map(cpuMs);
  while (calm < 3 && Date.now() < deadline) {
    await sleep(1000);
    const now = pids.map(cpuMs);
    calm = now.every((ms, i) => !(ms - last[i] >= 50)) ? calm + 1 : 0;
    last = now;
  }
}

async function main() {
  // `--scale`: the scale run (issue 13) instead of the sections below; bench/scale.js owns it.
  if (process.argv.includes('--scale')) return require('./scale').main();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
  const secret = 'bench-secret-at-least-16-chars';
  console.log(`Starting a stack for the benchmark${QUICK ? ' (quick sizes)' : ''}...`);
  const stack = await startStack({
    dataDir,
    persistent: false,
    ...(process.env.MONGO_URL ? { mongoUrl: process.env.MONGO_URL } : {}),
    env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' },
    services: ['worker', 'notifier', 'gateway'].map((name) => ({
      name,
      entry: path.join(ROOT, 'services', name, 'dist', 'main.js'),
    })),
  });
  const { gateway, temporal: temporalAddress, mongo: mongoUrl } = stack.urls;
  const token = signToken({ sub: 'bench', role: 'agent' }, secret);
  const adminToken = signToken({ sub: 'bench-admin', role: 'admin' }, secret);
  const http = gatewayClient(gateway, token);
  const createTicket = (i, extra = {}) =>
    http('POST', '/v1/tickets', {
      title: `Bench ticket ${i}`,
      description: 'Created by the benchmark',
      requester: { id: `bench-${i % 50}` },
      ...extra,
    });

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const queue = `bench-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: queue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./noop-workflow'),
      logger: new DefaultLogger('WARN'),
    }),
  });
  const running = worker.run();
  const store = await Store.connect(mongoUrl);
  // Assignments are checked against the directory: the agent the bench acts as must be in it.
  await store.directory.createUser({
    id: 'bench',
    name: 'Bench agent',
    email: 'bench@agents.helpdesk.test',
    role: 'agent',
  });
  await store.directory.createGroup({ name: 'support', members: ['bench'] });
  const rows = [];
  const targets = [];
  const target = (name, value, goal, unit, met) => targets.push({ name, value, goal, unit, met });
  const historyLength = async (ticketId) => {
    const d = await client.workflow.getHandle(`ticket-${ticketId}`).describe();
    return d.historyLength;
  };

  try {
    let timerTickets = [];
    if (want('commands')) {
      // Creation. Warm both paths first so connection set-up is not measured.
      await createTicket(-1);
      await client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-warm-${randomUUID()}` });
      console.log(`Creation: ${N} at concurrency ${CONCURRENCY}...`);
      const rawStart = await measure(N, CONCURRENCY, (i) =>
        client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-${i}-${randomUUID()}` }),
      );
      // What a created ticket costs Temporal (and its database, when it has one), in CPU.
      const temporalCpu = () =>
        treeCpuMs(stack.pid('temporal')) + (stack.temporal.kind === 'postgres' ? treeCpuMs(stack.pid('postgres')) : 0);
      const cpuBefore = temporalCpu();
      const gatewayCreate = await measure(N, CONCURRENCY, (i) => createTicket(i));
      const temporalCpuPerTicket = round((temporalCpu() - cpuBefore) / N);
      rows.push({ name: 'raw workflow start', ...rawStart }, { name: 'gateway POST /v1/tickets', ...gatewayCreate });
      rows.push({
        name: `Temporal${stack.temporal.kind === 'postgres' ? ' + PostgreSQL' : ''} CPU ms per created ticket`,
        count: N,
        failures: 0,
        throughputPerSec: '',
        p50: temporalCpuPerTicket,
        p95: '',
        p99: '',
      });
      const creationRatio = round(gatewayCreate.throughputPerSec / rawStart.throughputPerSec);
      target('creation throughput, gateway / raw start', creationRatio, '≥ 0.35', '×', creationRatio >= 0.35);
      const creationP99 = round(gatewayCreate.p99 / rawStart.p99);
      target('creation p99, gateway / raw start', creationP99, '≤ 4', '×', creationP99 <= 4);
      printTable(rows.slice(-3));

      // A command: a public reply vs a raw Update, round-robin over a pool of tickets/workflows.
      const POOL = 50;
      console.log(`Commands: ${N} at concurrency ${CONCURRENCY} over ${POOL} tickets / workflows...`);
      const pool = [];
      for (let i = 0; i < POOL; i++) {
        const t = await createTicket(i);
        await http('POST', `/v1/tickets/${t.id}/take`, {});
        pool.push(t.id);
      }
      const echoes = [];
      for (let i = 0; i < POOL; i++)
        echoes.push(
          await client.workflow.start('benchEcho', { taskQueue: queue, workflowId: `bench-echo-${randomUUID()}` }),
        );
      await Promise.all(echoes.map((h) => h.executeUpdate('ping')));
      const rawUpdate = await measure(N, CONCURRENCY, (i) => echoes[i % POOL].executeUpdate('ping'));
      const gatewayReply = await measure(N, CONCURRENCY, (i) =>
        http('POST', `/v1/tickets/${pool[i % POOL]}/replies`, { body: `Reply ${i}` }),
      );
      rows.push({ name: 'raw workflow update', ...rawUpdate }, { name: 'gateway POST …/replies', ...gatewayReply });
      const commandRatio = round(gatewayReply.p99 / rawUpdate.p99);
      target('command p99, gateway reply / raw Update', commandRatio, '≤ 2', '×', commandRatio <= 2);
      printTable(rows.slice(-2));
      await Promise.all(echoes.map((h) => h.signal('stop')));

      // Projection lag: from the workflow accepting a command (the event's time) to its event being
      // written to the read model (stamped by the projection), for every event of the pool.
      const lags = (await store.projectionLags(pool)).sort((a, b) => a - b);
      const lagP99 = percentile(lags, 99);
      rows.push({
        name: 'projection lag (accepted → in the read model)',
        count: lags.length,
        failures: 0,
        throughputPerSec: '',
        p50: percentile(lags, 50),
        p95: percentile(lags, 95),
        p99: lagP99,
      });
      target('projection lag p99', lagP99, '< 250', 'ms', lagP99 < 250);
    }

    // Timers: TIMER_TICKETS open tickets, each with a response deadline while the worker runs
    // (lateness, RSS) and an action deadline that passes while the worker is down (cold resume).
    if (want('timers')) {
      console.log(`Timers: creating ${TIMER_TICKETS} tickets with armed timers, ${TIMER_RATE} a second...`);
      // Created at a steady TIMER_RATE, so deadlines come due at that rate too (as a helpdesk's do,
      // spread out), not all within one burst; each ticket's response deadline follows its creation.
      // Their response deadlines come due after the last one is open: 10,000 open tickets with
      // armed timers, due at TIMER_RATE a second (creation's own load is measured above).
      const creationSecs = TIMER_TICKETS / TIMER_RATE;
      const responseSecs = creationSecs + 30;
      const actionSecs = responseSecs + creationSecs + 30;
      await http(
        'PUT',
        '/v1/settings',
        { responseDelayHours: responseSecs / 3600, actionDelayHours: actionSecs / 3600 },
        adminToken,
      );
      await sleep(1500); // settings are cached a second per process
      const timerStart = Date.now();
      const timerCreate = await measure(TIMER_TICKETS, 20, async (i) => {
        const due = timerStart + (i / TIMER_RATE) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const t = await http('POST', '/v1/tickets', {
          title: `Timer ticket ${i}`,
          description: 'Waits for its deadlines',
          tags: ['bench-timers'],
          requester: { id: `timer-${i % 200}` },
        });
        timerTickets.push(t.id);
      });
      console.log(`  created in ${round((Date.now() - timerStart) / 1000)}s (${timerCreate.throughputPerSec}/s)`);
      const workerPid = () => stack.services.get('worker')?.child.pid;
      let peakRss = rssMb(workerPid());
      // Measurement-only reads: the benchmark may reach the models (Store.modelsForTestsOnly).
      const { Ticket } = Store.modelsForTestsOnly(store);
      const breachedCount = async (kind) => Ticket.countDocuments({ tags: 'bench-timers', 'breaches.kind': kind });
      const waitFor = async (kind, deadline, onTick) => {
        for (;;) {
          const n = await breachedCount(kind);
          onTick?.();
          if (n >= timerTickets.length || Date.now() > deadline) return n;
          await sleep(500);
        }
      };
      const responseDone = await waitFor(
        'response',
        timerStart + (responseSecs + creationSecs + 120) * 1000,
        () => (peakRss = Math.max(peakRss, rssMb(workerPid()))),
      );
      // A breach acts once the receipt grace after its deadline is over (an answer received in time
      // may still be in flight): lateness counts from then.
      const graceMs = ((await http('GET', '/v1/settings', undefined, adminToken)).receiptGraceSeconds ?? 0) * 1000;
      const lateness = [];
      for await (const doc of Ticket.find({ tags: 'bench-timers' }, { breaches: 1 }).lean().cursor()) {
        const b = (doc.breaches ?? []).find((x) => x.kind === 'response');
        if (b) lateness.push(b.at - b.dueAt - graceMs);
      }
      lateness.sort((a, b) => a - b);
      const latenessP99 = percentile(lateness, 99);
      rows.push({
        name: `timer lateness (${responseDone}/${timerTickets.length} fired, worker up)`,
        count: lateness.length,
        failures: timerTickets.length - responseDone,
        throughputPerSec: '',
        p50: percentile(lateness, 50),
        p95: percentile(lateness, 95),
        p99: latenessP99,
      });
      target(`worker RSS with ${TIMER_TICKETS} open tickets`, peakRss, '< 1536', 'MB', peakRss < 1536);
      target(
        'timer lateness p99',
        latenessP99,
        '< 1000',
        'ms',
        latenessP99 < 1000 && responseDone === timerTickets.length,
      );

      // Settings: a change that moves no open ticket's deadline (the feedback window, while none of
      // these is resolved) must record nothing in their histories.
      const sample = timerTickets.slice(0, 20);
      const before = await Promise.all(sample.map(historyLength));
      const changed = await http('PUT', '/v1/settings', { feedbackWindowHours: 100 }, adminToken);
      const broadcast = client.workflow.getHandle(`settings-broadcast-${changed.version}`);
      const signalled = await broadcast.result();
      const after = await Promise.all(sample.map(historyLength));
      const added = after.reduce((s, n, i) => s + (n - before[i]), 0);
      rows.push({
        name: `settings change: tickets signalled (of ${timerTickets.length} timer tickets and others open)`,
        count: signalled,
        failures: 0,
        throughputPerSec: '',
        p50: '',
        p95: '',
        p99: '',
      });
      target(
        'history events added by a change that moves no deadline (20 tickets)',
        added,
        '= 0',
        'events',
        added === 0,
      );

      // Cold resume: the worker is down while every action deadline passes, then starts again.
      console.log('Timers: stopping the worker until every action deadline has passed...');
      await stack.stopService('worker', 'kill');
      await sleep(Math.max(0, timerStart + (actionSecs + creationSecs + 10) * 1000 - Date.now()));
      const restartedAt = Date.now();
      await stack.startService('worker');
      const actionDone = await waitFor(
        'action',
        Date.now() + 600_000,
        () => (peakRss = Math.max(peakRss, rssMb(workerPid()))),
      );
      const resumeSecs = round((Date.now() - restartedAt) / 1000);
      rows.push({
        name: `cold worker resumes ${actionDone}/${timerTickets.length} overdue tickets (s)`,
        count: actionDone,
        failures: timerTickets.length - actionDone,
        throughputPerSec: round(actionDone / resumeSecs),
        p50: '',
        p95: '',
        p99: resumeSecs * 1000,
      });
      // Back to everyday delays: this moves every timer ticket's deadline, so 10,000 signals and
      // re-armed timers follow. The reads are measured after that work has passed, not during it.
      const restored = await http('PUT', '/v1/settings', { responseDelayHours: 8, actionDelayHours: 72 }, adminToken);
      await client.workflow.getHandle(`settings-broadcast-${restored.version}`).result();
      console.log('Timers: waiting for the worker to finish re-arming them...');
      await quiet([workerPid()]);
    }

    if (want('reads')) {
      // Lists, search and the report over a year of tickets written straight into the read model.
      console.log(`Seeding ${LIST_TICKETS} tickets over a year into the read model...`);
      const seeded = await seedTickets(store, LIST_TICKETS);
      // The oldest sort values, which ascending lists start from, are found once (as a worker would).
      await store.readModel.primeListAnchors();
      console.log(`  seeded in ${(seeded.ms / 1000).toFixed(1)}s`);
      const shapes = [
        'limit=25',
        'sort=created&order=asc&limit=25',
        'sort=updated&limit=25',
        'sort=updated&order=asc&limit=25',
        'status=new&limit=25',
        'status=in_progress,waiting&sort=updated&limit=25',
        'assignee=agent-3&limit=25',
        'assignee=agent-3&status=in_progress&sort=updated&limit=25',
        'group=group-2&status=new&limit=25',
        'requester=requester-5&limit=25',
        'company=company-3&limit=25',
        'tag=tag-7&sort=updated&limit=25',
        'type=incident&limit=25',
        'severity=high&limit=25',
        'channel=email&limit=25',
        'attention=true&limit=25',
        'breached=true&limit=25',
        'deleted=true&limit=25',
        `followUpOf=${seeded.followUpOf}&limit=25`,
      ];
      // The list code of a gateway that has served lists before (compiled, its connections open),
      // with a shape not measured below: each measured shape still starts knowing nothing of itself.
      await measure(LIST_QUERIES, LIST_CONCURRENCY, () =>
        http('GET', '/v1/tickets?severity=low&channel=phone&limit=25'),
      );
      console.log(`Lists: ${shapes.length} shapes × ${LIST_QUERIES} queries at concurrency ${LIST_CONCURRENCY}...`);
      const listRows = [];
      let nonEmpty = 0;
      for (const shape of shapes) {
        // One sample per GET: every other query also follows the first page's cursor (deeper pages
        // count too), a request of its own.
        const r = await measureEach(LIST_QUERIES, LIST_CONCURRENCY, async (i, timed) => {
          const first = await timed(() => http('GET', `/v1/tickets?${shape}`));
          if (i === 0 && first.items.length > 0) nonEmpty++;
          if (i % 2 === 1 && first.nextCursor)
            await timed(() => http('GET', `/v1/tickets?${shape}&cursor=${first.nextCursor}`));
        });
        listRows.push({ name: `GET /v1/tickets?${shape}`, ...r });
      }
      rows.push(...listRows);
      const listP99 = Math.max(...listRows.map((r) => r.p99));
      target(
        `list p99 at ${LIST_TICKETS} tickets, worst of ${shapes.length} shapes (${nonEmpty} non-empty)`,
        listP99,
        '< 50',
        'ms',
        listP99 < 50,
      );

      const searches = [
        'printer',
        'toner cartridge',
        seeded.sampleReference,
        'imprimante',
        'caducado',
        'password reset',
      ];
      const search = await measure(LIST_QUERIES * 2, LIST_CONCURRENCY, (i) =>
        http('GET', `/v1/tickets?q=${encodeURIComponent(searches[i % searches.length])}&limit=25`),
      );
      rows.push({ name: `search q= (${searches.length} terms incl. message words and a reference)`, ...search });
      target(`text search p99 at ${LIST_TICKETS} tickets`, search.p99, '< 150', 'ms', search.p99 < 150);

      const month = { from: new Date(Date.now() - 30 * 24 * HOUR).toISOString(), to: new Date().toISOString() };
      const report = await measure(5, 1, () => http('GET', `/v1/reports/lifecycle?from=${month.from}&to=${month.to}`));
      rows.push({ name: 'GET /v1/reports/lifecycle (a month)', ...report });
      target(
        `lifecycle report for a month of ${LIST_TICKETS} tickets, p99`,
        report.p99,
        '< 500',
        'ms',
        report.p99 < 500,
      );
    }

    console.log('');
    printTable(rows);
    console.log('');
    for (const t of targets)
      console.log(`${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value} ${t.unit} (target ${t.goal})`);
    const result = {
      benchmark: 'helpdesk',
      at: new Date().toISOString(),
      quick: QUICK,
      sizes: {
        n: N,
        concurrency: CONCURRENCY,
        timerTickets: TIMER_TICKETS,
        listTickets: LIST_TICKETS,
        listQueries: LIST_QUERIES,
        listConcurrency: LIST_CONCURRENCY,
      },
      rows,
      targets,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memGb: round(os.totalmem() / 2 ** 30),
        node: process.version,
        store: stack.store?.kind ?? (process.env.MONGO_URL ? 'MONGO_URL' : 'default'),
        temporal: stack.temporal,
      },
    };
    const file =
      process.env.BENCH_OUT ||
      path.join(__dirname, 'results', `bench-${result.at.replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`written ${path.relative(process.cwd(), file)}`);
  } finally {
    worker.shutdown();
    await running;
    await store.close();
    await nativeConnection.close();
    await connection.close();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
