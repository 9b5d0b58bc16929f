#!/usr/bin/env node
// `npm start`: the whole helpdesk on this machine. Temporal dev server + Web UI (or, with
// TEMPORAL=postgres — `npm run start:prod-like` — the Temporal server on PostgreSQL), the store, the
// SMTP sink and the three services, with data kept in ./.data so tickets survive a restart.
// Whatever dies on its own is started again with backoff (logged), as a supervisor would.
// Ctrl-C stops everything. The console shows progress and the services' own logs (pretty at a
// terminal or with LOG_FORMAT=pretty); Temporal's, the store's and the mail sink's output stay in
// their files under the log folder.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { prettyLine } = require('@helpdesk/config');
const { startStack, StackError, webAppDirs } = require('@helpdesk/dev-stack');

const ROOT = path.resolve(__dirname, '..');
const env = process.env;
const port = (name, fallback) => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`${name}=${value} is not a valid port (1-65535).`);
    process.exit(1);
  }
  return n;
};

const SERVICES = ['worker', 'notifier', 'gateway'];
/** The variables of `names` that are set (and not empty) in `from`. */
const pick = (from, ...names) => Object.fromEntries(names.filter((n) => from[n]).map((n) => [n, from[n]]));
const began = Date.now();
const elapsed = (ms = Date.now() - began) => `${(ms / 1000).toFixed(1)} s`;
const say = (m) => console.log(`[start +${elapsed()}] ${m}`);

/** Build what is missing (turbo skips what is up to date), unless `npm start` just did. */
async function build() {
  if ((env.npm_lifecycle_script || '').includes('turbo run build')) return;
  say('building…');
  const t = Date.now();
  const ticker = setInterval(() => say(`still building… (${elapsed(Date.now() - t)})`), 10_000);
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('turbo/bin/turbo'), 'run', 'build', '--output-logs=errors-only'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.once('exit', resolve);
    child.once('error', () => resolve(1));
  });
  clearInterval(ticker);
  if (code !== 0) {
    console.error('The build failed (see above).');
    process.exit(1);
  }
  say(`built in ${elapsed(Date.now() - t)}`);
}

/**
 * Print what the services log, as it is written. Their files hold JSON (the stack's readiness
 * check and operators read them); a person at a terminal gets it pretty.
 */
function followServiceLogs(logDir) {
  const pretty =
    env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT !== 'json' && process.stdout.isTTY) ? prettyLine() : undefined;
  const files = SERVICES.map((name) => {
    const file = path.join(logDir, `${name}.log`);
    // From the end: only what this run logs.
    return { file, offset: fs.existsSync(file) ? fs.statSync(file).size : 0, rest: '' };
  });
  const timer = setInterval(() => {
    for (const f of files) {
      let size;
      try {
        size = fs.statSync(f.file).size;
      } catch {
        continue;
      }
      if (size < f.offset) f.offset = 0; // truncated or replaced
      if (size === f.offset) continue;
      const fd = fs.openSync(f.file, 'r');
      const buf = Buffer.alloc(size - f.offset);
      fs.readSync(fd, buf, 0, buf.length, f.offset);
      fs.closeSync(fd);
      f.offset = size;
      const lines = (f.rest + buf.toString('utf8')).split('\n');
      f.rest = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) process.stdout.write(pretty ? pretty(line) : `${line}\n`);
    }
  }, 200);
  return () => clearInterval(timer);
}

const LABELS = {
  temporal: 'Temporal',
  postgres: "PostgreSQL (Temporal's database)",
  store: 'store',
  mail: 'mail sink',
};

/**
 * On the first start of an empty store: demo accounts and tickets (the gateway's seedDemoData,
 * which makes the accounts as `npm run admin` does), clearly marked as demo. Answers what to print.
 * A failure here is reported, never fatal: the helpdesk itself is up.
 */
async function seedDemo(urls, dataDir) {
  let store;
  try {
    // Required here, not at the top: the build above may just have produced them.
    const { Store } = require('@helpdesk/persistence');
    const { seedDemoData } = require('@helpdesk/gateway');
    store = await Store.connect(urls.mongo);
    const outcome = await seedDemoData({ store, gateway: urls.gateway, dataDir, env });
    if (!outcome.seeded) return '';
    const width = Math.max(...outcome.accounts.map((a) => a.email.length));
    const lines = outcome.accounts.map((a) =>
      a.password
        ? `    ${a.role.padEnd(9)} ${a.email.padEnd(width)}  password ${a.password}`
        : `    ${a.role.padEnd(9)} ${a.email.padEnd(width)}  (magic link from the portal; the mail arrives in the Mail UI)`,
    );
    return `
  DEMO DATA (first start on an empty store; DEMO_DATA=0 turns it off): ${outcome.tickets} tickets tagged "demo"
  and these accounts, also written to ${path.relative(process.cwd(), outcome.credentialsFile)}:
${lines.join('\n')}
  Sign in at ${urls.gateway}/console/ (agents) and ${urls.gateway}/portal/ (requesters).
${outcome.problem ? `  Some demo tickets could not be made: ${outcome.problem}\n` : ''}`;
  } catch (err) {
    return `\n  Demo data could not be made: ${err instanceof Error ? err.message : String(err)}\n`;
  } finally {
    await store?.close();
  }
}

async function main() {
  const dataDir = path.resolve(env.DATA_DIR || path.join(ROOT, '.data'));
  console.log(`Starting the helpdesk (data in ${path.relative(process.cwd(), dataDir) || '.'}) ...`);
  await build();
  // The stack keeps its logs in <data>/logs (RunningStack.logDir), known only once it is up.
  const stopFollowing = followServiceLogs(path.join(dataDir, 'logs'));
  const stack = await startStack({
    dataDir,
    persistent: true,
    ports: {
      gateway: port('PORT', 3000),
      temporal: port('TEMPORAL_PORT', 7233),
      temporalUi: port('TEMPORAL_UI_PORT', 8233),
      mongo: port('MONGO_PORT', 27017),
      smtp: port('MAIL_SMTP_PORT', 1025),
      mailUi: port('MAIL_UI_PORT', 1080),
      inboundSmtp: port('INBOUND_SMTP_PORT', 2525),
      inboundHttp: port('INBOUND_HTTP_PORT', 3025),
    },
    ...(env.MONGO_URL ? { mongoUrl: env.MONGO_URL } : {}),
    services: SERVICES.map((name) => ({
      name,
      entry: path.join(ROOT, 'services', name, 'dist', 'main.js'),
      // The gateway serves the web apps built by the build above (unless CONSOLE_DIR / PORTAL_DIR say otherwise).
      ...(name === 'gateway' ? { env: { ...webAppDirs(ROOT), ...pick(env, 'CONSOLE_DIR', 'PORTAL_DIR') } } : {}),
    })),
    log: (m) => console.log(m),
    progress: (name, state, ms) =>
      say(
        state === 'starting' ? `starting ${LABELS[name] || name}…` : `${LABELS[name] || name} ready (${elapsed(ms)})`,
      ),
    supervise: true,
  });
  const { urls } = stack;
  const demo = await seedDemo(urls, dataDir);
  console.log(`
  Helpdesk is up (${elapsed()}).
    Agent console   ${urls.gateway}/console/
    Portal          ${urls.gateway}/portal/
    Gateway API     ${urls.gateway}        (GET /healthz)
    Temporal UI     ${urls.temporalUi ? `${urls.temporalUi}     (find a ticket: TicketStatus = "in_progress")` : '(none: the Temporal server has no UI of its own; TEMPORAL=dev has one)'}
    Temporal gRPC   ${urls.temporal}     (${stack.temporal.kind === 'dev' ? 'the dev server' : `the Temporal server on PostgreSQL, ${stack.temporal.shards} shards`})
    Mail UI         ${urls.mailUi}         (every mail the helpdesk sends)
    Mail in (SMTP)  ${urls.inboundSmtp}      (send mail to support@helpdesk.local here)
    Mail in (HTTP)  ${urls.inboundHttp}
    Store           ${urls.mongo}     (${stack.store ? stack.store.kind : 'MONGO_URL'})
    Logs            ${path.relative(process.cwd(), stack.logDir)}/

  Get an API token:   npm run token -- --role agent --sub alice
  Crashes:            restarted with backoff, logged here as [supervisor]
  Stop:               Ctrl-C
${demo}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    await stack.stop();
    stopFollowing();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof StackError ? err.message : err);
  process.exit(1);
});
