// The dispatcher of one webhook subscription (`webhook-<subscriptionId>`): reads the event feed from
// its own cursor and delivers the subscription's events in feed order. The cursor is workflow state
// (carried across continue-as-new), and what was delivered with success is recorded in the store
// (the feed position the subscription is delivered through; deliverWebhookEvents skips up to it),
// so a worker restart neither loses nor repeats a delivery. Started, signalled and terminated by the gateway as the subscription is created,
// changed and deleted.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  WEBHOOK_DISABLED_FAILURE,
  notificationsQueueFor,
  webhookChangedSignal,
  webhooksQueueFor,
} from '@helpdesk/contracts/workflow';
import type { WebhookActivities, WebhookDispatchInput, WebhookMailActivities } from '@helpdesk/contracts/workflow';

/** Past this many history events the dispatcher continues as new (a replay stays short). */
const MAX_HISTORY_EVENTS = 1_000;

const disabledByFailures = (err: unknown): boolean =>
  err instanceof ActivityFailure &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === WEBHOOK_DISABLED_FAILURE;

export async function webhookDispatchWorkflow(input: WebhookDispatchInput): Promise<void> {
  const { subscriptionId } = input;
  let cursor = input.cursor;
  let changed = false;
  setHandler(webhookChangedSignal, () => {
    changed = true;
  });
  // The activities run on the webhook queue beside this ticket queue (webhook-worker.ts): long polls
  // must not take the slots of ticket activities.
  const webhooksQueue = webhooksQueueFor(workflowInfo().taskQueue);
  // The long poll waits up to ~20 s for new events and heartbeats meanwhile: an idle subscription
  // records one activity (three history events) per poll.
  const { pollWebhookFeed } = proxyActivities<WebhookActivities>({
    taskQueue: webhooksQueue,
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
  // A receiver that is down is retried for as long as the subscription's disable policy allows, with
  // a backoff capped at 5 s: a receiver back after a minute (or an hour) gets its events within
  // seconds. Attempts are Temporal's retries, not history events; each is in the delivery log.
  const { deliverWebhookEvents } = proxyActivities<WebhookActivities>({
    taskQueue: webhooksQueue,
    startToCloseTimeout: '10 minutes',
    // Above one delivery's time-out (10 s): a heartbeat goes out before each event.
    heartbeatTimeout: '15 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '5 seconds',
      nonRetryableErrorTypes: [WEBHOOK_DISABLED_FAILURE],
    },
  });
  const mail = proxyActivities<WebhookMailActivities>({
    taskQueue: notificationsQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    scheduleToCloseTimeout: '1 day',
  });

  for (;;) {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS)) {
      await continueAsNew<typeof webhookDispatchWorkflow>({ ...input, cursor });
    }
    changed = false;
    const poll = await pollWebhookFeed(subscriptionId, cursor);
    if (poll.state === 'deleted') return;
    cursor = poll.cursor;
    if (poll.state === 'inactive') {
      // Paused by an admin or disabled after failures: it keeps its place until it is re-enabled
      // (signalled). The hourly look also ends it if it was deleted while its termination failed.
      await condition(() => changed, '1 hour');
      continue;
    }
    if (poll.matching > 0) {
      try {
        const outcome = await deliverWebhookEvents(subscriptionId, poll.cursor, poll.next);
        // Deactivated or deleted meanwhile: the next poll says which; the cursor stays before what was not sent.
        if (outcome.stopped) continue;
      } catch (err) {
        if (!disabledByFailures(err)) throw err;
        await mail.sendWebhookDisabledMail(subscriptionId);
        continue;
      }
    }
    cursor = poll.next;
  }
}
