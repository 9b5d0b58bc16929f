// The webhook dispatcher's activities: a long poll of the event feed, and the signed deliveries.
import { createHmac } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WEBHOOK_DISABLED_FAILURE } from '@helpdesk/contracts';
import type {
  AutomationWebhookCall,
  WebhookActivities,
  WebhookDeliveryOutcome,
  WebhookPoll,
} from '@helpdesk/contracts';
import { DELIVERY_BODY_MAX, feedItemJson } from '@helpdesk/persistence';
import type { FeedItem, Store, WebhookSubscription } from '@helpdesk/persistence';

export interface WebhookActivityOptions {
  /** How long a poll waits for new events before it answers "nothing yet" (default 20 s). */
  pollWaitMs?: number;
  /** How often the poll looks at the feed's head while it waits (default 250 ms). */
  pollEveryMs?: number;
  /** How long a receiver has to answer one delivery (default 10 s). */
  deliveryTimeoutMs?: number;
}

/** Events a poll hands to one delivery run at most. */
const BATCH = 100;

/**
 * `X-Helpdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the
 * secret>`. A receiver recomputes v1 over the body exactly as received and rejects an old `t`
 * (replays).
 */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

const matches = (subscription: WebhookSubscription, item: FeedItem): boolean =>
  !subscription.eventTypes || subscription.eventTypes.includes(item.event.type);

export function createWebhookActivities(store: Store, opts: WebhookActivityOptions = {}): WebhookActivities {
  const pollWaitMs = opts.pollWaitMs ?? 20_000;
  const pollEveryMs = opts.pollEveryMs ?? 250;
  const deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 10_000;

  /** One signed POST; never throws (what happened is the attempt's record). */
  async function post(url: string, secret: string, body: string, headers: Record<string, string>) {
    const started = Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(deliveryTimeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Helpdesk-Webhooks/1',
          ...headers,
          'x-helpdesk-signature': webhookSignature(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      const text = await res.text().catch(() => '');
      return {
        ok: res.status >= 200 && res.status < 300,
        status: res.status,
        responseBody: text.slice(0, DELIVERY_BODY_MAX),
        durationMs: Date.now() - started,
        ...(res.status >= 200 && res.status < 300 ? {} : { error: `HTTP ${res.status}` }),
      };
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return {
        ok: false,
        durationMs: Date.now() - started,
        error: `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, DELIVERY_BODY_MAX),
      };
    }
  }

  /** A feed event, as a delivery carries it. */
  const postEvent = (url: string, secret: string, item: FeedItem, attempt: number) =>
    post(url, secret, JSON.stringify(feedItemJson(item)), {
      'x-helpdesk-event-id': `${item.event.ticketId}:${item.event.seq}`,
      'x-helpdesk-event-type': item.event.type,
      'x-helpdesk-delivery-attempt': String(attempt),
    });

  return {
    async pollWebhookFeed(subscriptionId: string, cursor: number | undefined): Promise<WebhookPoll> {
      const ctx = Context.current();
      const deadline = Date.now() + pollWaitMs;
      let subscription = await store.webhooks.get(subscriptionId);
      if (!subscription) return { state: 'deleted' };
      const from = cursor ?? subscription.startAfter;
      let lastCheck = Date.now();
      for (;;) {
        if (!subscription) return { state: 'deleted' };
        if (!subscription.active) return { state: 'inactive', cursor: from };
        ctx.heartbeat();
        // The head is one read by _id: an idle poll costs that, four times a second.
        if ((await store.feed.head()) > from) {
          const page = await store.feed.read(from, BATCH);
          if (page.next > from) {
            const sub = subscription;
            const matching = page.items.filter((i) => matches(sub, i)).length;
            return { state: 'active', cursor: from, next: page.next, matching };
          }
        }
        if (Date.now() >= deadline) return { state: 'active', cursor: from, next: from, matching: 0 };
        await ctx.sleep(pollEveryMs);
        // A subscription deactivated or deleted meanwhile ends the wait within seconds.
        if (Date.now() - lastCheck > 2_000) {
          subscription = await store.webhooks.get(subscriptionId);
          lastCheck = Date.now();
        }
      }
    },

    async deliverWebhookEvents(
      subscriptionId: string,
      after: number,
      through: number,
    ): Promise<WebhookDeliveryOutcome> {
      const ctx = Context.current();
      const found = await store.webhooks.getForDelivery(subscriptionId);
      if (!found || !found.subscription.active) return { delivered: 0, stopped: true };
      let subscription = found.subscription;
      // The same events the poll saw: what was before `through` then is before it now (a gap passed
      // then is void or lapsed for good).
      const page = await store.feed.read(after, through - after);
      let delivered = 0;
      for (const item of page.items) {
        if (item.feedSeq > through) break;
        // Delivered with success before (an earlier attempt of this run, or an earlier run): never twice.
        if (item.feedSeq <= subscription.deliveredThrough || !matches(subscription, item)) continue;
        ctx.heartbeat(item.feedSeq);
        const attemptNo = ctx.info.attempt;
        const at = Date.now();
        const result = await postEvent(subscription.url, found.secret, item, attemptNo);
        const recorded = await store.webhooks.recordAttempt(subscriptionId, {
          eventId: `${item.event.ticketId}:${item.event.seq}`,
          eventType: item.event.type,
          feedSeq: item.feedSeq,
          at,
          ...result,
        });
        if (!recorded) return { delivered, stopped: true };
        subscription = recorded.subscription;
        if (result.ok) {
          delivered++;
          continue;
        }
        if (recorded.disabledNow)
          throw ApplicationFailure.nonRetryable(
            `Webhook ${subscriptionId} disabled: ${subscription.disabled?.reason ?? 'repeated failure'}`,
            WEBHOOK_DISABLED_FAILURE,
          );
        if (!subscription.active) return { delivered, stopped: true };
        // Temporal retries this activity with backoff; the retry starts at this event again.
        throw ApplicationFailure.retryable(
          `Delivery of ${item.event.ticketId}:${item.event.seq} to ${subscription.url} failed: ${result.error ?? 'no answer'}`,
          'WebhookDeliveryFailed',
        );
      }
      return { delivered, stopped: false };
    },

    /**
     * A trigger's or time rule's call: the ticket as the rule saw it, signed like every delivery,
     * logged in the subscription's delivery log. A subscription deleted or inactive is skipped
     * (false); a failure is retried by Temporal, and counts toward disabling like any delivery.
     */
    async callWebhook(subscriptionId: string, call: AutomationWebhookCall): Promise<boolean> {
      const found = await store.webhooks.getForDelivery(subscriptionId);
      if (!found || !found.subscription.active) return false;
      const at = Date.now();
      const result = await post(found.subscription.url, found.secret, JSON.stringify(call), {
        'x-helpdesk-event-id': call.id,
        'x-helpdesk-event-type': call.type,
        'x-helpdesk-delivery-attempt': String(Context.current().info.attempt),
      });
      const recorded = await store.webhooks.recordAttempt(subscriptionId, {
        eventId: call.id,
        eventType: call.type,
        feedSeq: 0,
        at,
        ...result,
      });
      if (result.ok || !recorded) return result.ok;
      if (recorded.disabledNow || !recorded.subscription.active)
        throw ApplicationFailure.nonRetryable(`Webhook ${subscriptionId} is disabled`, WEBHOOK_DISABLED_FAILURE);
      throw ApplicationFailure.retryable(
        `Call of ${found.subscription.url} for ${call.id} failed: ${result.error ?? 'no answer'}`,
        'WebhookDeliveryFailed',
      );
    },
  };
}
