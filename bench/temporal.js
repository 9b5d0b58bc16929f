#!/usr/bin/env node
// `npm run bench:temporal [-- --quick]`: the command path (creation, commands, projection lag) on
// each Temporal, one after the other on this machine, side by side: the CLI's dev server (SQLite in
// memory, 1 history shard) and the Temporal server on PostgreSQL with 1 and with 4 history shards.
// Each run is bench/run.js --only=commands with its own stack; the ratios against raw Temporal are
// taken on the same server, so they compare across servers where the absolute rates (CPU-bound on
// 2 cores) do not.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { round } = require('./lib');

const RUNS = [
  { label: 'dev server (1 shard)', env: { TEMPORAL: 'dev' } },
  { label: 'server on PostgreSQL, 1 shard', env: { TEMPORAL: 'postgres', TEMPORAL_SHARDS: '1' } },
  { label: 'server on PostgreSQL, 4 shards', env: { TEMPORAL: 'postgres', TEMPORAL_SHARDS: '4' } },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-bench-temporal-'));
const results = [];
for (const [i, run] of RUNS.entries()) {
  console.log(`\n== ${run.label}`);
  const out = path.join(dir, `${i}.json`);
  const child = spawnSync(
    process.execPath,
    [path.join(__dirname, 'run.js'), '--only=commands', ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, ...run.env, BENCH_OUT: out } },
  );
  if (child.status !== 0 || !fs.existsSync(out)) {
    console.error(`The run on the ${run.label} failed.`);
    process.exit(1);
  }
  results.push({ ...run, result: JSON.parse(fs.readFileSync(out, 'utf8')) });
}

const row = (r, name) => r.result.rows.find((x) => x.name.startsWith(name)) ?? {};
const figures = results.map((r) => {
  const rawStart = row(r, 'raw workflow start');
  const create = row(r, 'gateway POST /v1/tickets');
  const rawUpdate = row(r, 'raw workflow update');
  const reply = row(r, 'gateway POST …/replies');
  const lag = row(r, 'projection lag');
  const cpu = row(r, 'Temporal');
  return {
    Temporal: r.label,
    'raw starts/s': rawStart.throughputPerSec,
    'tickets/s': create.throughputPerSec,
    'creation ratio': round(create.throughputPerSec / rawStart.throughputPerSec),
    'creation p99 ms': create.p99,
    'raw Update p99 ms': rawUpdate.p99,
    'reply p99 ms': reply.p99,
    'reply/Update p99': round(reply.p99 / rawUpdate.p99),
    'lag p99 ms': lag.p99,
    'Temporal CPU ms/ticket': cpu.p50,
  };
});

const cols = Object.keys(figures[0]);
console.log(`\n| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const f of figures) console.log(`| ${cols.map((c) => f[c]).join(' | ')} |`);
const file = path.join(__dirname, 'results', `temporal-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), figures, runs: results }, null, 2));
console.log(`written ${path.relative(process.cwd(), file)}`);
fs.rmSync(dir, { recursive: true, force: true });
