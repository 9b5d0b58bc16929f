// The live stream: GET /v1/live as server-sent events, read with fetch streaming (so it carries the
// bearer header, which EventSource cannot) and parsed by eventsource-parser. It reconnects with
// backoff (honouring the server's `retry:`), sends Last-Event-ID, and refreshes the token on a 401.
import { createParser } from 'eventsource-parser';
import type { components } from './generated/api';
import type { Session } from './session';

/** A ticket changed: refetch what shows it. */
export type TicketEvent = components['schemas']['LiveTicketChange'];
/** One person on a ticket, and whether they are typing. */
export type Viewer = components['schemas']['Viewer'];
/** Who is viewing (and typing on) a ticket now. */
export type PresenceEvent = components['schemas']['LivePresenceChange'];

export type LiveEvent = { type: 'ticket'; data: TicketEvent } | { type: 'presence'; data: PresenceEvent };

export interface LiveStreamOptions {
  /** The stream is (re)connected: events may have been missed while it was down, refetch. */
  onOpen?: () => void;
  /** The stream dropped; it reconnects after `retryInMs`. */
  onDisconnect?: (retryInMs: number) => void;
  /** First delay before reconnecting; doubles up to maxRetryMs. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface LiveStream {
  close(): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function openLiveStream(
  session: Session,
  onEvent: (event: LiveEvent) => void,
  options: LiveStreamOptions = {},
): LiveStream {
  const controller = new AbortController();
  const { signal } = controller;
  const minRetry = options.minRetryMs ?? 1_000;
  const maxRetry = options.maxRetryMs ?? 30_000;
  let retry = minRetry;
  let serverRetry: number | undefined;
  let lastEventId: string | undefined;

  const parser = createParser({
    onEvent(message) {
      if (message.id) lastEventId = message.id;
      if (message.event !== 'ticket' && message.event !== 'presence') return;
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      onEvent({ type: message.event, data } as LiveEvent);
    },
    onRetry(ms) {
      serverRetry = ms;
    },
  });

  async function connectOnce(): Promise<void> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const response = await session.authorizedFetch(`${session.baseUrl}/v1/live`, { headers, signal });
    if (!response.ok || !response.body) throw new Error(`live stream answered ${response.status}`);
    parser.reset();
    retry = minRetry;
    options.onOpen?.();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  }

  void (async () => {
    while (!signal.aborted) {
      try {
        await connectOnce();
      } catch {
        // dropped, refused or offline: try again after the delay
      }
      if (signal.aborted || !session.user) return;
      const delay = serverRetry ?? retry;
      retry = Math.min(retry * 2, maxRetry);
      options.onDisconnect?.(delay);
      await sleep(delay, signal);
    }
  })();

  return { close: () => controller.abort() };
}
