// The helpdesk containers' health check (docker-compose.yml; a Kubernetes probe can run the same):
// `node deploy/healthcheck.js <service>` exits 0 when healthy, 1 with the reason otherwise.
//   gateway   GET /healthz answers 200: the process serves HTTP (its /readyz is for routing).
//   worker    Temporal lists this container's worker among the pollers of the ticket queue.
//   notifier  the same on the notification queue, and the mail collector accepts connections.
// A worker's identity is `<pid>@<hostname>` (the SDK's default), so this container's poller is the
// one whose identity ends with its hostname. Plain JavaScript: the image runs it as it is.
'use strict';
const net = require('node:net');
const os = require('node:os');

const TIMEOUT_MS = 4_000;
const WORKFLOW = 1; // temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
const ACTIVITY = 2; // TASK_QUEUE_TYPE_ACTIVITY

async function polling(config, taskQueue, taskQueueType) {
  const { Connection } = require('@temporalio/client');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: TIMEOUT_MS });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    const mine = `@${os.hostname()}`;
    if (!(pollers ?? []).some((p) => (p.identity ?? '').endsWith(mine)))
      throw new Error(`no poller of ${taskQueue} from this container (${mine}) in the last minute`);
  } finally {
    await connection.close();
  }
}

function accepting(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`port ${port}: no answer`)));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

async function check(service) {
  const config = require('@helpdesk/config').loadConfig();
  switch (service) {
    case 'gateway': {
      const res = await fetch(`http://127.0.0.1:${config.PORT}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
      return;
    }
    case 'worker':
      return polling(config, config.TICKETS_TASK_QUEUE, WORKFLOW);
    case 'notifier': {
      const { notificationsQueueFor } = require('@helpdesk/contracts');
      await accepting(config.INBOUND_HTTP_PORT);
      return polling(config, notificationsQueueFor(config.TICKETS_TASK_QUEUE), ACTIVITY);
    }
    default:
      throw new Error(`unknown service ${service}: use gateway, worker or notifier`);
  }
}

check(process.argv[2] ?? process.env.SERVICE).then(
  () => process.exit(0),
  (err) => {
    console.error(`unhealthy: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
