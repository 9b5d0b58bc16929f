#!/usr/bin/env node
// `npm run bench`: ticket creation through the gateway against a raw baseline on the same
// Temporal server (the same number of trivial workflow starts through @temporalio/client, at the
// same concurrency). Starts its own stack unless GATEWAY_URL, TEMPORAL_ADDRESS and AUTH_JWT_SECRET
// are given. Prints a table and writes JSON under bench/results/.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client, Connection } = require('@temporalio/client');
const { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } = require('@temporalio/worker');
const { startStack } = require('@helpdesk/dev-stack');
const { signToken } = require('@helpdesk/gateway');
const { measure, printTable } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const N = Number(process.env.BENCH_N || 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 10);

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let stack;
  let dataDir;
  let gateway = process.env.GATEWAY_URL;
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let secret = process.env.AUTH_JWT_SECRET;
  if (!gateway || !temporalAddress || !secret) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-'));
    secret = 'bench-secret-at-least-16-chars';
    console.log('Starting a stack for the benchmark...');
    stack = await startStack({
      dataDir,
      persistent: false,
      env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn' },
      services: ['worker', 'notifier', 'gateway'].map((name) => ({ name, entry: path.join(ROOT, 'services', name, 'dist', 'main.js') })),
    });
    gateway = stack.urls.gateway;
    temporalAddress = stack.urls.temporal;
  }
  const token = signToken({ sub: 'bench', role: 'agent' }, secret);

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const queue = `bench-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: queue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: quietLogger() }),
  });
  const running = worker.run();

  try {
    // Warm both paths so connection set-up is not measured.
    await createTicket(gateway, token, -1);
    await client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-warm-${randomUUID()}` });

    console.log(`Measuring ${N} operations at concurrency ${CONCURRENCY}...`);
    const raw = await measure(N, CONCURRENCY, (i) =>
      client.workflow.start('benchNoop', { taskQueue: queue, workflowId: `bench-${i}-${randomUUID()}` }),
    );
    const viaGateway = await measure(N, CONCURRENCY, (i) => createTicket(gateway, token, i));
    const rows = [
      { name: 'raw workflow start', ...raw },
      { name: 'gateway POST /v1/tickets', ...viaGateway },
    ];
    printTable(rows);
    const ratio = Math.round((viaGateway.throughputPerSec / raw.throughputPerSec) * 1000) / 1000;
    console.log(`\ngateway/raw throughput ratio: ${ratio}`);
    const result = { benchmark: 'ticket-creation', at: new Date().toISOString(), n: N, concurrency: CONCURRENCY, rows, ratio, machine: { cpus: os.cpus().length, node: process.version } };
    const file = path.join(__dirname, 'results', `create-${result.at.replace(/[:.]/g, '-')}.json`);
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

async function createTicket(gateway, token, i) {
  const res = await fetch(`${gateway}/v1/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: `Bench ticket ${i}`, description: 'Created by the benchmark', requester: { id: `bench-${i % 50}` } }),
  });
  if (res.status !== 201) throw new Error(`gateway answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
