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

/**
 * The directory refuses who or what a command names: an unknown or inactive user, a requester as
 * assignee, an unknown group (400), or an agent outside the ticket's group (409, unless the
 * settings' `assignOutsideGroup`). Raised before the command is sent: the ticket is unchanged.
 */
export class DirectoryRefusedError extends Error {
  override name = 'DirectoryRefusedError';
  constructor(
    readonly code: 'unknown_user' | 'inactive_user' | 'not_an_agent' | 'unknown_group' | 'not_in_group',
    /** The request field that named it, e.g. `body.assignee`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }

  get status(): 400 | 409 {
    return this.code === 'not_in_group' ? 409 : 400;
  }
}
