// What the portal asks of the helpdesk, as one interface: the app gets an implementation from
// context (the gateway's, in client.ts; a fake in the component tests).
import { createContext, useContext } from 'react';
import type { Attachment, Problem, SignedInUser, Ticket, TicketEvent, TicketPage } from './types';

export interface NewRequest {
  title: string;
  description: string;
}

export interface ReplyOutcome {
  /** The ticket the reply landed on: this one, or a follow-up (a reply to a closed request). */
  ticket: Ticket;
  followUp: boolean;
}

export interface PortalApi {
  /** Who is signed in (restored from the last session), or undefined. */
  currentUser(): SignedInUser | undefined;
  /** Mail a sign-in link (the API answers 202 whether or not the address is known). */
  requestLink(email: string): Promise<void>;
  /** Trade a magic link's token for a session. */
  verifyLink(token: string): Promise<SignedInUser>;
  signOut(): Promise<void>;
  /** Called when the session can no longer be refreshed (the app shows the sign-in again). */
  onSignedOut(listener: () => void): () => void;

  listRequests(opts: { cursor?: string | undefined; onlyMine?: boolean | undefined }): Promise<TicketPage>;
  getRequest(id: string): Promise<Ticket>;
  /** The request's timeline as the requester may see it (no private notes or messages). */
  getTimeline(id: string): Promise<TicketEvent[]>;
  createRequest(request: NewRequest): Promise<Ticket>;
  attach(id: string, file: File): Promise<Attachment>;
  reply(id: string, body: string): Promise<ReplyOutcome>;
  reopen(id: string): Promise<Ticket>;
  download(attachmentId: string): Promise<Blob>;
  /**
   * Call `onChange` when the ticket changes (any ticket the requester may see, without an id), from
   * the live stream, until the returned function is called.
   */
  watch(id: string | undefined, onChange: () => void): () => void;
}

/** A refused or failed call: the API's problem, or one made up for a network failure. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
}

export const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Problem).status === 'number' &&
  typeof (value as Problem).detail === 'string';

export const ApiContext = createContext<PortalApi | undefined>(undefined);

export function useApi(): PortalApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an <ApiContext.Provider>');
  return api;
}
