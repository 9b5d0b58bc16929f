#!/usr/bin/env node
// Records the Temporal histories of real ticket runs, one per main path, into
// services/worker/test/histories/<generation>/. The replay test replays every generation against the current workflow
// code, so a change that would break tickets already running fails the build. Re-record only on
// purpose (a deliberate, versioned change): `node scripts/record-histories.js`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, Connection } = require('@temporalio/client');
const { historyToJSON } = require('@temporalio/common/lib/proto-utils');
const { startStack } = require('@helpdesk/dev-stack');
const { Store } = require('@helpdesk/persistence');
const { signToken } = require('@helpdesk/gateway');
const { commandUpdates, ticketWorkflowId } = require('@helpdesk/contracts');

const ROOT = path.resolve(__dirname, '..');
// One folder per generation of the workflow code: older generations stay, so tickets started by
// earlier code are still proven to replay (through their patches).
const OUT = path.join(
  ROOT,
  'services',
  'worker',
  'test',
  'histories',
  process.env.HISTORIES_GENERATION || 'receipt-time',
);
const SECOND_IN_HOURS = 1 / 3600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-record-'));
  const secret = 'record-secret-at-least-16-chars';
  const stack = await startStack({
    dataDir,
    persistent: false,
    env: { AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn' },
    services: ['worker', 'notifier', 'gateway'].map((name) => ({
      name,
      entry: path.join(ROOT, 'services', name, 'dist', 'main.js'),
    })),
  });
  const store = await Store.connect(stack.urls.mongo);
  // Assignments are checked against the directory: the agents the histories name must be in it.
  for (const id of ['alice', 'bob']) {
    await store.directory.createUser({ id, name: id, email: `${id}@agents.helpdesk.test`, role: 'agent' });
  }
  await store.directory.createGroup({ name: 'support', members: ['alice', 'bob'] });
  await store.putSettings({
    feedbackWindowHours: 2 * SECOND_IN_HOURS,
    responseDelayHours: null,
    actionDelayHours: null,
  });
  const connection = await Connection.connect({ address: stack.urls.temporal });
  const client = new Client({ connection });
  const agent = signToken({ sub: 'alice', role: 'agent' }, secret);
  const call = async (method, url, body, tok = agent) => {
    const res = await fetch(`${stack.urls.gateway}${url}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? undefined : await res.json();
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const create = (extra = {}) =>
    call('POST', '/v1/tickets', {
      title: 'Recorded',
      description: 'A recorded ticket',
      requester: { id: 'rq', email: 'rq@example.com' },
      ...extra,
    });
  const closed = async (id) => {
    for (let i = 0; i < 100; i++) {
      if ((await store.getTicket(id))?.status === 'closed') return;
      await sleep(200);
    }
    throw new Error(`ticket ${id} did not close`);
  };
  const requester = signToken({ sub: 'rq', role: 'requester', email: 'rq@example.com' }, secret);
  const recorded = {};

  try {
    // Main path: create, take, reply, resolve, feedback window lapses, closed.
    let t = await create();
    await call('POST', `/v1/tickets/${t.id}/take`, {});
    await call('POST', `/v1/tickets/${t.id}/replies`, { body: 'Working on it' });
    await call('POST', `/v1/tickets/${t.id}/resolve`, { method: 'customer_communication' });
    await closed(t.id);
    recorded['main-path'] = t.id;

    // Reopen by customer reply, resolve again, close.
    t = await create();
    await call('POST', `/v1/tickets/${t.id}/resolve`, { method: 'customer_communication' });
    await call('POST', `/v1/tickets/${t.id}/replies`, { body: 'Not fixed' }, requester);
    await call('POST', `/v1/tickets/${t.id}/replies`, { body: 'Now?', resolve: { method: 'customer_communication' } });
    await closed(t.id);
    recorded['reopen'] = t.id;

    // Waits: more_info timer, until, case; then spam.
    t = await create();
    await call('POST', `/v1/tickets/${t.id}/wait`, { waitType: 'more_info', days: 1 / 86400 });
    await sleep(2_000);
    await call('POST', `/v1/tickets/${t.id}/wait`, { waitType: 'case' });
    await call('POST', `/v1/tickets/${t.id}/end_case`, {});
    await call('POST', `/v1/tickets/${t.id}/wait`, {
      waitType: 'until',
      until: new Date(Date.now() + 1_000).toISOString(),
    });
    await sleep(2_000);
    await call('POST', `/v1/tickets/${t.id}/spam`, {});
    recorded['waits'] = t.id;

    // Draft, refused submit, submit, modify, release, assign, delete, restore, resolve, close.
    t = await call('POST', '/v1/tickets', { draft: true, title: 'Draft' });
    await call('POST', `/v1/tickets/${t.id}/submit`, {
      description: 'Complete',
      requester: { id: 'rq', email: 'rq@example.com' },
    });
    await call('PATCH', `/v1/tickets/${t.id}`, { priority: 'high' });
    await call('POST', `/v1/tickets/${t.id}/release`, {});
    await call('POST', `/v1/tickets/${t.id}/assign`, { assignee: 'bob' });
    await call('DELETE', `/v1/tickets/${t.id}`);
    await call('POST', `/v1/tickets/${t.id}/restore`, {});
    await call('POST', `/v1/tickets/${t.id}/notes`, { body: 'note' });
    await call('POST', `/v1/tickets/${t.id}/resolve`, { method: 'rejected' });
    await closed(t.id);
    recorded['draft-and-edits'] = t.id;

    // Follow-up of a closed ticket, by customer reply; then merge it into another.
    const target = await create();
    const fu = await call('POST', `/v1/tickets/${t.id}/replies`, { body: 'Again' }, requester);
    await call('POST', `/v1/tickets/${fu.id}/merge`, { targetId: target.id });
    await sleep(1_000);
    await call('POST', `/v1/tickets/${target.id}/resolve`, { method: 'customer_communication' });
    await closed(target.id);
    recorded['follow-up-merged'] = fu.id;
    recorded['merge-target'] = target.id;

    // Split: the parent waits until both children resolve; the first one is reopened (and tells
    // the parent) and resolved again on the way.
    const parent = await create();
    const split = await call('POST', `/v1/tickets/${parent.id}/split`, {
      children: [
        { title: 'A', description: 'a' },
        { title: 'B', description: 'b' },
      ],
    });
    await sleep(1_000);
    const [firstChild] = split.links.children;
    await call('POST', `/v1/tickets/${firstChild}/resolve`, { method: 'customer_communication' });
    await call('POST', `/v1/tickets/${firstChild}/replies`, { body: 'Not this part' }, requester);
    await sleep(500);
    for (const child of split.links.children)
      await call('POST', `/v1/tickets/${child}/resolve`, { method: 'customer_communication' });
    await closed(parent.id);
    recorded['split-parent'] = parent.id;
    recorded['split-child'] = split.links.children[0];

    // Receipt time: a reply received before the feedback window lapsed, delivered after it (inside
    // the grace), reopens; resolved again, it closes once the grace is over.
    t = await create();
    const done = await call('POST', `/v1/tickets/${t.id}/resolve`, { method: 'customer_communication' });
    const lapse = Date.parse(done.resolution.at) + 2_000;
    await sleep(Math.max(0, lapse + 300 - Date.now()));
    await client.workflow.getHandle(ticketWorkflowId(t.id)).executeUpdate(commandUpdates.customer_reply, {
      args: [
        {
          command: { type: 'customer_reply', body: 'Sent just in time', via: 'web' },
          actor: { id: 'rq', role: 'requester' },
          receivedAt: lapse - 100,
        },
      ],
    });
    await call('POST', `/v1/tickets/${t.id}/resolve`, { method: 'customer_communication' });
    await closed(t.id);
    recorded['receipt-grace'] = t.id;

    // An operator cancels a ticket's run: it closes, logged.
    t = await create();
    await call('POST', `/v1/tickets/${t.id}/take`, {});
    await client.workflow.getHandle(ticketWorkflowId(t.id)).cancel();
    await closed(t.id);
    recorded['operator-cancel'] = t.id;

    // An operator terminates a run; the next command finds it, an admin restarts it.
    t = await create();
    await client.workflow.getHandle(ticketWorkflowId(t.id)).terminate('recording');
    await call('POST', `/v1/tickets/${t.id}/take`, {}).catch(() => undefined);
    await call('POST', `/v1/tickets/${t.id}/restart`, {}, signToken({ sub: 'root', role: 'admin' }, secret));
    await call('POST', `/v1/tickets/${t.id}/take`, {});
    await call('POST', `/v1/tickets/${t.id}/spam`, {});
    recorded['restarted'] = t.id;

    // A ticket opened by mail, answered, closed.
    const nodemailer = require('nodemailer');
    const transport = nodemailer.createTransport(stack.urls.inboundSmtp);
    await transport.sendMail({
      from: 'mailer@customer.example',
      to: 'support@helpdesk.local',
      subject: 'By mail',
      text: 'Hello by mail',
    });
    transport.close();
    let byMail;
    for (let i = 0; i < 100 && !byMail; i++) {
      byMail = await Store.modelsForTestsOnly(store)
        .Ticket.findOne({ 'requester.email': 'mailer@customer.example' })
        .lean();
      if (!byMail) await sleep(200);
    }
    await call('POST', `/v1/tickets/${byMail._id}/replies`, {
      body: 'Answer',
      resolve: { method: 'customer_communication' },
    });
    await closed(byMail._id);
    recorded['by-mail'] = byMail._id;

    // A long-lived ticket that continues as new: the first run's history ends in ContinueAsNew.
    await store.putSettings({ continueAsNewAfterEvents: 60 });
    const long = await create();
    for (let i = 0; i < 12; i++) await call('POST', `/v1/tickets/${long.id}/notes`, { body: `note ${i}` });
    await sleep(1_000);
    const runs = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = "${ticketWorkflowId(long.id)}"` }))
      runs.push(wf);
    const first = runs.sort((a, b) => a.startTime - b.startTime)[0];
    const firstHistory = await client.workflow.getHandle(first.workflowId, first.runId).fetchHistory();
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'continue-as-new.json'), historyToJSON(firstHistory));
    console.log(`recorded continue-as-new: ${firstHistory.events.length} events (${runs.length} runs)`);
    await call('POST', `/v1/tickets/${long.id}/spam`, {});

    fs.mkdirSync(OUT, { recursive: true });
    for (const [name, id] of Object.entries(recorded)) {
      const handle = client.workflow.getHandle(ticketWorkflowId(id));
      const history = await handle.fetchHistory();
      fs.writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
      console.log(`recorded ${name}: ${history.events.length} events`);
    }
  } finally {
    await connection.close();
    await store.close();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
