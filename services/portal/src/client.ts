// The portal's PortalApi on the gateway, through the shared browser client (@helpdesk/api-client):
// the typed openapi-fetch client for /v1, its session (magic-link sign-in, refresh on a 401, kept in
// localStorage under the portal's own key so a reload stays signed in) and its live stream.
import { createApi, localTokenStore, memoryTokenStore, ProblemError } from '@helpdesk/api-client';
import type { Api, LiveEvent, TokenStore } from '@helpdesk/api-client';
import { ApiError, isProblem } from './api';
import type { PortalApi } from './api';
import type { Problem, Ticket } from './types';
import { t } from './strings';

const STORAGE_KEY = 'helpdesk.portal.session';

export interface ClientOptions {
  /** Where the gateway is ('' : this page's origin). */
  baseUrl?: string;
  store?: TokenStore;
  fetch?: typeof fetch;
}

const networkProblem = (): Problem => ({ status: 0, title: 'Network error', detail: t.networkError });

/** What a failed call says: the API's problem, else a generic one for its status. */
export function toApiError(error: unknown, status?: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ProblemError)
    return new ApiError(
      error.problem && typeof error.problem.detail === 'string'
        ? (error.problem as Problem)
        : { status: error.status, title: 'Error', detail: t.genericError },
    );
  if (isProblem(error)) return new ApiError(error);
  if (status === undefined) return new ApiError(networkProblem());
  return new ApiError({ status, title: 'Error', detail: t.genericError });
}

/** The data of an openapi-fetch answer, or its problem thrown as an ApiError. */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw toApiError(err);
  }
  if (!result.response.ok || result.data === undefined) throw toApiError(result.error, result.response.status);
  return result.data;
}

export function createPortalClient(opts: ClientOptions = {}): PortalApi {
  const store = opts.store ?? (typeof localStorage === 'undefined' ? memoryTokenStore() : localTokenStore(STORAGE_KEY));
  const api: Api = createApi({ baseUrl: opts.baseUrl ?? '', store, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const { client, session } = api;
  let signingOut = false;
  const path = (id: string) => ({ params: { path: { id } } });

  const signIn = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw toApiError(err);
    }
  };

  return {
    currentUser: () => session.user ?? undefined,
    requestLink: (email) => signIn(() => session.requestMagicLink(email)),
    verifyLink: (token) => signIn(() => session.verifyMagicLink(token)),
    async signOut() {
      signingOut = true;
      try {
        await session.signOut();
      } finally {
        signingOut = false;
      }
    },
    onSignedOut(listener) {
      return session.onChange((user) => {
        if (!user && !signingOut) listener();
      });
    },

    listRequests({ cursor, onlyMine }) {
      const me = session.user?.id;
      return answer(
        client.GET('/v1/tickets', {
          params: {
            query: {
              sort: 'updated',
              limit: 25,
              ...(onlyMine && me ? { requester: me } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      );
    },
    getRequest: (id) => answer(client.GET('/v1/tickets/{id}', path(id))),
    async getTimeline(id) {
      return (await answer(client.GET('/v1/tickets/{id}/events', path(id)))).items;
    },
    createRequest: (request) => answer(client.POST('/v1/tickets', { body: request })),
    attach(id, file) {
      const form = new FormData();
      form.append('file', file, file.name);
      return answer(
        client.POST('/v1/tickets/{id}/attachments', {
          ...path(id),
          // The document types the multipart field as a string (binary); the form carries the file itself.
          body: { file: file.name },
          bodySerializer: () => form,
        }),
      );
    },
    async reply(id, body) {
      let result;
      try {
        result = await client.POST('/v1/tickets/{id}/replies', { ...path(id), body: { body } });
      } catch (err) {
        throw toApiError(err);
      }
      const ticket: Ticket | undefined = result.data;
      if (!result.response.ok || !ticket) throw toApiError(result.error, result.response.status);
      // A reply to a closed request opens a follow-up (201, the new ticket).
      return { ticket, followUp: result.response.status === 201 || ticket.id !== id };
    },
    reopen: (id) => answer(client.POST('/v1/tickets/{id}/reopen', { ...path(id), body: {} })),
    async download(attachmentId) {
      return answer(
        client.GET('/v1/attachments/{id}', { ...path(attachmentId), parseAs: 'blob' }) as Promise<{
          data?: Blob;
          error?: unknown;
          response: Response;
        }>,
      );
    },
    watch(id, onChange) {
      let connected = false;
      const stream = api.openLiveStream(
        (event: LiveEvent) => {
          if (event.type === 'ticket' && (id === undefined || event.data.id === id)) onChange();
        },
        {
          // Reconnected: what changed while the stream was down is unknown, so read again.
          onOpen: () => {
            if (connected) onChange();
            connected = true;
          },
        },
      );
      return () => stream.close();
    },
  };
}
