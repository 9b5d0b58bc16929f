#!/usr/bin/env node
// `npm run faults [-- --quick]`: the fault suite. On a stack of its own (persistent, supervised as
// `npm start` is), one phase per fault: a bounded burst of creates and agent replies, sent as a
// careful client sends them (an Idempotency-Key each, retried on 5xx or a dropped connection after
// Retry-After), while the suite kill -9s the worker, the notifier, the gateway, the Temporal server,
// then the store; the supervisor starts each again. After each phase, once things settle, it checks:
//   every 2xx action is in the timeline exactly once (lost: missing, duplicated: more than once),
//   every mail went out exactly once (the SMTP sink, by the reply's text / the acknowledgement),
//   the read model's state is the workflow's own `state` query (status, revision, events).
// Prints a table and writes JSON under bench/results/. Not part of npm test; nothing here asserts.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Client, Connection } = require('@temporalio/client');
const { startStack, listSinkMail } = require('@helpdesk/dev-stack');
const { signToken } = require('@helpdesk/gateway');
const { Store } = require('@helpdesk/persistence');
const { stateQuery, ticketWorkflowId } = require('@helpdesk/contracts');
const { round } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const FAULTS = ['worker', 'notifier', 'gateway', 'temporal', 'store'];
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const num = (name, full, quick) => Number(process.env[name] || (QUICK ? quick : full));
/** Clients sending at once; each works through its tickets one action at a time. */
const LANES = num('FAULTS_LANES', 6, 4);
/** Replies per ticket after its creation. */
const REPLIES = num('FAULTS_REPLIES', 3, 2);
/** Lanes start new tickets for this long; the fault comes KILL_AFTER_MS into it. */
const BURST_MS = num('FAULTS_BURST_MS', 12_000, 5_000);
const KILL_AFTER_MS = num('FAULTS_KILL_AFTER_MS', 2_000, 1_500);
/** A client gives an action up after this long (counted, and still checked for duplicates). */
const GIVE_UP_MS = 120_000;
const SETTLE_MS = 90_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-faults-'));
  const secret = 'faults-secret-at-least-16-chars';
  const supervisorLog = [];
  console.log(
    `Starting a persistent, supervised stack for the fault suite${QUICK ? ' (quick)' : ''} in ${dataDir} ...`,
  );
  const stack = await startStack({
    dataDir,
    persistent: true,
    supervise: true,
    log: (m) => {
      if (m.includes('[supervisor]')) supervisorLog.push(m);
      console.log(`  ${m}`);
    },
    env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' },
    services: ['worker', 'notifier', 'gateway'].map((name) => ({
      name,
      entry: path.join(ROOT, 'services', name, 'dist', 'main.js'),
    })),
  });
  const { gateway, temporal: temporalAddress, mongo: mongoUrl, mailUi } = stack.urls;
  const token = signToken({ sub: 'faults', role: 'agent' }, secret);
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const store = await Store.connect(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  const rows = [];
  const details = {};
  try {
    for (const fault of FAULTS.filter((f) => !ONLY || ONLY.includes(f))) {
      console.log(
        `\nFault: kill -9 ${fault} ${KILL_AFTER_MS / 1000}s into a ${BURST_MS / 1000}s burst (${LANES} clients, a create and ${REPLIES} replies per ticket)`,
      );
      const result = await phase(fault, { stack, gateway, token, store, client, mailUi });
      rows.push(result.row);
      details[fault] = result.details;
      console.log(`  ${JSON.stringify(result.row)}`);
    }
  } finally {
    await store.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await stack.stop();
  }

  console.log('');
  printRows(rows);
  const outDir = path.join(__dirname, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(
    outDir,
    `faults-${new Date().toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`,
  );
  const machine = {
    cpus: os.cpus().length,
    memGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    store: stack.store?.kind ?? 'MONGO_URL',
  };
  const config = { LANES, REPLIES, BURST_MS, KILL_AFTER_MS, GIVE_UP_MS, quick: QUICK };
  fs.writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), machine, config, rows, details, supervisorLog }, null, 2),
  );
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** One fault: burst, kill, measure recovery, settle, check. */
async function phase(fault, { stack, gateway, token, store, client, mailUi }) {
  const run = `${fault}-${randomUUID().slice(0, 8)}`;
  const stats = { attempts: 0, status5xx: {}, networkErrors: 0, gaveUp: 0, refused4xx: 0 };
  const send = (method, url, body, key) => sendAction(gateway, token, method, url, body, key, stats);
  const probe = await send('POST', '/v1/tickets', ticketBody(`${run}-probe`), `${run}-probe`);
  if (!probe.ok) throw new Error(`the ${fault} phase could not create its probe ticket`);

  const tickets = []; // { i, id, requester, title, created: bool, replies: [{ token, ok }] }
  const burstEnd = Date.now() + BURST_MS;
  const lane = async (l) => {
    for (let n = 0; Date.now() < burstEnd; n++) {
      const i = `${l}-${n}`;
      const body = ticketBody(`${run}-${i}`);
      const t = { i, id: undefined, requester: body.requester, title: body.title, created: false, replies: [] };
      tickets.push(t);
      const created = await send('POST', '/v1/tickets', body, `${run}-${i}-create`);
      if (!created.ok) continue;
      t.created = true;
      t.id = created.body.id;
      for (let r = 0; r < REPLIES; r++) {
        const token = `${run}-${i}-r${r}-${randomUUID().slice(0, 6)}`;
        const reply = { token, ok: false };
        t.replies.push(reply);
        reply.ok = (
          await send('POST', `/v1/tickets/${t.id}/replies`, { body: `Reply ${token}` }, `${run}-${i}-reply-${r}`)
        ).ok;
      }
    }
  };
  const burst = Promise.all(Array.from({ length: LANES }, (_, l) => lane(l)));

  await sleep(KILL_AFTER_MS);
  const killedAt = Date.now();
  await stack.kill(fault);
  console.log(`  killed ${fault} (the supervisor starts it again)`);
  const recoveryMs = await recovery(gateway, token, probe.body.id, run, killedAt);
  console.log(`  recovered: /readyz ready and a command answered ${round(recoveryMs / 1000)}s after the kill`);
  await burst;
  const sent = Date.now();

  // Settle: every ticket's workflow and read model agree and every expected mail arrived, or time is up.
  let check;
  for (;;) {
    check = await verify(tickets, { store, client, mailUi });
    if ((check.stateMismatches === 0 && check.mailLost === 0 && check.lost === 0) || Date.now() - sent > SETTLE_MS)
      break;
    await sleep(2_000);
  }
  const actions = tickets.reduce((n, t) => n + 1 + t.replies.length, 0);
  const acknowledged = tickets.reduce((n, t) => n + (t.created ? 1 : 0) + t.replies.filter((r) => r.ok).length, 0);
  const fiveXX = Object.values(stats.status5xx).reduce((a, b) => a + b, 0);
  return {
    row: {
      fault: `kill -9 ${fault}`,
      actions: `${acknowledged}/${actions}`,
      lost: check.lost,
      duplicated: check.duplicated,
      '5xx seen': `${fiveXX}${stats.networkErrors ? ` (+${stats.networkErrors} dropped)` : ''}`,
      'mail lost/dup': `${check.mailLost}/${check.mailDuplicated}`,
      'state ≠ workflow': check.stateMismatches,
      recovery: `${round(recoveryMs / 1000)} s`,
    },
    details: { ...stats, actions, acknowledged, tickets: tickets.length, recoveryMs, ...check },
  };
}

const ticketBody = (seed) => ({
  title: `Fault suite ${seed}`,
  description: 'Created while something is being killed',
  requester: { id: `req-${seed}`, email: `req-${seed}@example.com` },
});

/** One action as a careful client sends it: retried with the same key on 5xx, 409 in progress, or a dropped connection. */
async function sendAction(gateway, token, method, url, body, key, stats) {
  const started = Date.now();
  for (;;) {
    stats.attempts++;
    let retryAfterMs = 500;
    try {
      const res = await fetch(`${gateway}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (res.status < 300) return { ok: true, body: JSON.parse(text) };
      if (res.status >= 500) stats.status5xx[res.status] = (stats.status5xx[res.status] ?? 0) + 1;
      else if (res.status !== 409 || !text.includes('idempotency_in_progress')) {
        stats.refused4xx++;
        console.log(`  ${method} ${url} → ${res.status}: ${text.slice(0, 200)}`);
        return { ok: false };
      }
      retryAfterMs = Number(res.headers.get('retry-after') ?? '1') * 1000;
    } catch {
      stats.networkErrors++;
    }
    if (Date.now() - started > GIVE_UP_MS) {
      stats.gaveUp++;
      return { ok: false };
    }
    await sleep(retryAfterMs);
  }
}

/** From the kill until /readyz says ready and a command on a ticket made before the kill is answered. */
async function recovery(gateway, token, ticketId, run, killedAt) {
  for (let n = 0; ; n++) {
    try {
      const ready = await fetch(`${gateway}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (ready.status === 200) {
        const res = await fetch(`${gateway}/v1/tickets/${ticketId}/notes`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `${run}-probe-note-${n}`,
          },
          body: JSON.stringify({ body: `probe ${n}` }),
          signal: AbortSignal.timeout(60_000),
        });
        if (res.status < 300) return Date.now() - killedAt;
      }
    } catch {
      // the gateway itself is down: keep asking
    }
    await sleep(200);
  }
}

/** Lost, duplicated, mail and state, for the burst's tickets. */
async function verify(tickets, { store, client, mailUi }) {
  const out = { lost: 0, duplicated: 0, mailLost: 0, mailDuplicated: 0, stateMismatches: 0, problems: [] };
  const note = (what) => out.problems.length < 20 && out.problems.push(what);
  let mail;
  try {
    mail = await listSinkMail(mailUi);
  } catch {
    mail = [];
  }
  for (const t of tickets) {
    // A create: one ticket for the requester, whatever the retries.
    // A check only the fault run makes: through the test-only models.
    const copies = await Store.modelsForTestsOnly(store).Ticket.countDocuments({ 'requester.id': t.requester.id });
    if (t.created && copies === 0) (out.lost++, note(`ticket ${t.i} missing`));
    if (copies > 1) (out.duplicated++, note(`ticket ${t.i} created ${copies} times`));
    if (!t.id) continue;
    const events = await store.listEvents(t.id);
    for (const r of t.replies) {
      const n = events.filter(
        (e) => e.type === 'replied' && typeof e.data?.body === 'string' && e.data.body.includes(r.token),
      ).length;
      if (r.ok && n === 0) (out.lost++, note(`reply ${r.token} missing`));
      if (n > 1) (out.duplicated++, note(`reply ${r.token} ${n} times`));
      if (r.ok) {
        const sent = mail.filter((m) => (m.text ?? '').includes(r.token)).length;
        if (sent === 0) out.mailLost++;
        if (sent > 1) (out.mailDuplicated++, note(`reply mail ${r.token} sent ${sent} times`));
      }
    }
    const acks = mail.filter(
      (m) => m.to.some((to) => to.address === t.requester.email) && m.subject.includes('Request received'),
    ).length;
    if (t.created && acks === 0) out.mailLost++;
    if (acks > 1) (out.mailDuplicated++, note(`acknowledgement of ${t.i} sent ${acks} times`));
    const [projected, live] = await Promise.all([
      store.getTicket(t.id),
      client.workflow
        .getHandle(ticketWorkflowId(t.id))
        .query(stateQuery)
        .catch(() => undefined),
    ]);
    const same =
      projected &&
      live &&
      projected.status === live.status &&
      projected.revision === live.revision &&
      projected.eventSeq === live.eventSeq;
    const complete = projected && events.length === projected.eventSeq;
    if (!same || !complete) {
      out.stateMismatches++;
      note(
        `state of ${t.i}: read model ${projected?.status}@${projected?.revision} (${events.length} events), workflow ${live?.status}@${live?.revision}`,
      );
    }
  }
  return out;
}

function printRows(rows) {
  const cols = Object.keys(rows[0] ?? {});
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => `| ${vals.map((v, i) => String(v).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
