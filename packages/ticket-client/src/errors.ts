// What can go wrong when asking a ticket to do something. Services map these to their own
// answers (the gateway to HTTP statuses, in one place).
import type { Refusal } from '@helpdesk/contracts';

export class TicketNotFoundError extends Error {
  override name = 'TicketNotFoundError';
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} not found`);
  }
}

export class TicketForbiddenError extends Error {
  override name = 'TicketForbiddenError';
}

/** The ticket refused the command; `refusal` says why, with its current status. */
export class TicketRefusedError extends Error {
  override name = 'TicketRefusedError';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}
