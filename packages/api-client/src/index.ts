// The browser-side API client both web apps use: `createApi` gives the typed client (openapi-fetch,
// typed from the gateway's OpenAPI document), the session it signs its requests with, and the live
// stream.
import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import type { components, operations, paths } from './generated/api';
import { openLiveStream } from './live';
import type { LiveEvent, LiveStream, LiveStreamOptions } from './live';
import { Session } from './session';
import type { SessionOptions } from './session';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

export { Session, localTokenStore, memoryTokenStore } from './session';
export type { SessionOptions, SignedInUser, StoredSession, TokenStore, Tokens } from './session';
export { openLiveStream } from './live';
export type { LiveEvent, LiveStream, LiveStreamOptions, PresenceEvent, TicketEvent, Viewer } from './live';
export { ProblemError, isProblem, problemFieldErrors, problemMessage } from './problem';
export type { Problem } from './problem';

export interface Api {
  client: ApiClient;
  session: Session;
  /** GET /v1/live for this session, reconnecting until closed. */
  openLiveStream(onEvent: (event: LiveEvent) => void, options?: LiveStreamOptions): LiveStream;
}

export function createApi(options: SessionOptions = {}): Api {
  const session = new Session(options);
  const client = createClient<paths>({
    baseUrl: session.baseUrl,
    fetch: (request) => session.authorizedFetch(request),
  });
  return {
    client,
    session,
    openLiveStream: (onEvent, liveOptions) => openLiveStream(session, onEvent, liveOptions),
  };
}
