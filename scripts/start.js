#!/usr/bin/env node
// `npm start`: the whole helpdesk on this machine. Temporal dev server + Web UI, the store, the
// SMTP sink and the three services, with data kept in ./.data so tickets survive a restart.
// Whatever dies on its own is started again with backoff (logged), as a supervisor would.
// Ctrl-C stops everything.
const path = require('node:path');
const { startStack, StackError } = require('@helpdesk/dev-stack');

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

async function main() {
  const dataDir = path.resolve(env.DATA_DIR || path.join(ROOT, '.data'));
  console.log(`Starting the helpdesk (data in ${path.relative(process.cwd(), dataDir) || '.'}) ...`);
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
    services: ['worker', 'notifier', 'gateway'].map((name) => ({ name, entry: path.join(ROOT, 'services', name, 'dist', 'main.js') })),
    log: (m) => console.log(m),
    supervise: true,
  });
  const { urls } = stack;
  console.log(`
  Helpdesk is up.
    Gateway API     ${urls.gateway}        (GET /healthz)
    Temporal UI     ${urls.temporalUi}     (find a ticket: TicketStatus = "in_progress")
    Temporal gRPC   ${urls.temporal}
    Mail UI         ${urls.mailUi}         (every mail the helpdesk sends)
    Mail in (SMTP)  ${urls.inboundSmtp}      (send mail to support@helpdesk.local here)
    Mail in (HTTP)  ${urls.inboundHttp}
    Store           ${urls.mongo}     (${stack.store ? stack.store.kind : 'MONGO_URL'})
    Logs            ${path.relative(process.cwd(), stack.logDir)}/

  Get an API token:   npm run token -- --role agent --sub alice
  Crashes:            restarted with backoff, logged here as [supervisor]
  Stop:               Ctrl-C
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof StackError ? err.message : err);
  process.exit(1);
});
