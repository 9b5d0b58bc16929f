#!/usr/bin/env node
// `npm run bench`: the gateway against raw Temporal on the same server and concurrency.
//   1. ticket creation (POST /v1/tickets) vs raw workflow starts through @temporalio/client
//   2. a command (a public reply) vs a raw Update on a trivial workflow
//   3. list queries (GET /v1/tickets with filters) with BENCH_LIST_TICKETS tickets in the store
// Starts its own stack unless GATEWAY_URL, TEMPORAL_ADDRESS, MONGO_URL and AUTH_JWT_SECRET are
// given. Prints a table and writes JSON under bench/results/. Not part of npm test.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client, Connection } = require('@temporalio/client');
const { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } = require('@temporalio/worker');
const { startStack } = require('@helpdesk/dev-stack');
const { signToken } = require('@helpdesk/gateway');
const { Store } = require('@helpdesk/persistence');
const { measure, printTable } = require('./lib');
const { seedTickets } = require('./seed');

const ROOT = path.resolve(__dirname, '..');
const N = Number(process.env.BENCH_N || 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 10);
const LIST_TICKETS = Number(process.env.BENCH_LIST_TICKETS || 100_000);
const LIST_QUERIES = Number(process.env.BENCH_LIST_QUERIES || 12);
// One at a time: on FerretDB v1 (SQLite) a sorted list is a full scan, and queued queries would
// measure the queue. On MongoDB raise it with BENCH_LIST_CONCURRENCY.
const LIST_CONCURRENCY = Number(process.env.BENCH_LIST_CONCURRENCY || 1);

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let stack;
  let dataDir;
  let { GATEWAY_URL: gateway, TEMPORAL_ADDRESS: temporalAddress, AUTH_JWT_SECRET: secret, MONGO_URL: mongoUrl } = process.env;
  if (!gateway || !temporalAddress || !secret || !mongoUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
    secret = 'bench-secret-at-least-16-chars';
    console.log('Starting a stack for the benchmark...');
    stack = await startStack({
      dataDir,
      persistent: false,
      env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' },
      services: ['worker', 'notifier', 'gateway'].map((name) => ({ name, entry: path.join(ROOT, 'services', name, 'dist', 'main.js') })),
    });
    ({ gateway, temporal: temporalAddress, mongo: mongoUrl } = stack.urls);
  }
  const token = signToken({ sub: 'bench', role: 'agent' }, secret);
  const http = (method, url, body) =>
    fetch(`${gateway}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (res) => {
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 200)}`);
      return text ? JSON.parse(text) : undefined;
    });
  const createTicket = (i) => http('POST', '/v1/tickets', { title: `Bench ticket ${i}`, description: 'Created by the benchmark', requester: { id: `bench-${i % 50}` } });

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const queue = `bench-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: queue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: new DefaultLogger('WARN') }),
  });
  const running = worker.run();
  const rows = [];
  const ratios = {};

  try {
    // 1. Creation. Warm both paths first so connection set-up is not measured.
    await createTicket(-1);
    await client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-warm-${randomUUID()}` });
    console.log(`Creation: ${N} at concurrency ${CONCURRENCY}...`);
    const rawStart = await measure(N, CONCURRENCY, (i) => client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-${i}-${randomUUID()}` }));
    const gatewayCreate = await measure(N, CONCURRENCY, createTicket);
    rows.push({ name: 'raw workflow start', ...rawStart }, { name: 'gateway POST /v1/tickets', ...gatewayCreate });
    ratios.creationThroughput = round(gatewayCreate.throughputPerSec / rawStart.throughputPerSec);
    printTable(rows.slice(-2));

    // 2. A command: a public reply through the gateway vs a raw Update, round-robin over a pool.
    const POOL = 50;
    console.log(`Commands: ${N} at concurrency ${CONCURRENCY} over ${POOL} tickets / workflows...`);
    const tickets = [];
    for (let i = 0; i < POOL; i++) {
      const t = await createTicket(i);
      await http('POST', `/v1/tickets/${t.id}/take`, {});
      tickets.push(t.id);
    }
    const echoes = [];
    for (let i = 0; i < POOL; i++) echoes.push(await client.workflow.start('benchEcho', { taskQueue: queue, workflowId: `bench-echo-${randomUUID()}` }));
    await Promise.all(echoes.map((h) => h.executeUpdate('ping')));
    const rawUpdate = await measure(N, CONCURRENCY, (i) => echoes[i % POOL].executeUpdate('ping'));
    const gatewayReply = await measure(N, CONCURRENCY, (i) => http('POST', `/v1/tickets/${tickets[i % POOL]}/replies`, { body: `Reply ${i}` }));
    rows.push({ name: 'raw workflow update', ...rawUpdate }, { name: 'gateway POST …/replies', ...gatewayReply });
    ratios.commandP99 = round(gatewayReply.p99 / rawUpdate.p99);
    printTable(rows.slice(-2));
    await Promise.all(echoes.map((h) => h.signal('stop')));

    // 3. Lists over a large read model.
    const store = await Store.connect(mongoUrl);
    try {
      console.log(`Seeding ${LIST_TICKETS} tickets into the read model...`);
      const seeded = await seedTickets(store, LIST_TICKETS);
      console.log(`  seeded in ${(seeded.ms / 1000).toFixed(1)}s; measuring ${LIST_QUERIES} list queries...`);
      const queries = [
        '/v1/tickets?limit=25',
        '/v1/tickets?status=in_progress&limit=25',
        '/v1/tickets?assignee=agent-3&limit=25',
        '/v1/tickets?tag=tag-7&sort=updated&limit=25',
        '/v1/tickets?group=group-2&status=new&limit=25',
        '/v1/tickets?q=printer&limit=25',
      ];
      const list = await measure(LIST_QUERIES, LIST_CONCURRENCY, (i) => http('GET', queries[i % queries.length]));
      rows.push({ name: `gateway GET /v1/tickets (${LIST_TICKETS} tickets, concurrency ${LIST_CONCURRENCY})`, ...list });
      ratios.listP99Ms = list.p99;
    } finally {
      await store.close();
    }

    console.log('');
    printTable(rows);
    console.log(`\ncreation throughput, gateway/raw: ${ratios.creationThroughput}   (target ≥ 0.7)`);
    console.log(`command p99, gateway/raw:          ${ratios.commandP99}   (target ≤ 1.5)`);
    console.log(`list p99 at ${LIST_TICKETS} tickets:     ${ratios.listP99Ms} ms   (target < 50 ms)`);
    const result = {
      benchmark: 'gateway-vs-raw',
      at: new Date().toISOString(),
      n: N,
      concurrency: CONCURRENCY,
      listTickets: LIST_TICKETS,
      rows,
      ratios,
      machine: { cpus: os.cpus().length, node: process.version, store: stack ? 'embedded' : mongoUrl.replace(/\/\/[^@]*@/, '//') },
    };
    const file = path.join(__dirname, 'results', `bench-${result.at.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`written ${path.relative(process.cwd(), file)}`);
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await stack?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (x) => Math.round(x * 1000) / 1000;

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
