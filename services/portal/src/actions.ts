// What a requester may do on a request now: what the API's `allowedCommands` offers (the portal
// keeps no copy of the rules), on their own requests only; on a closed request a reply opens a
// follow-up ("this is still a problem"), as the API does.
import type { Ticket } from './types';

export type RequesterAction = 'reply' | 'attach' | 'reopen' | 'follow_up' | 'submit';

const FROM_COMMAND: Record<string, RequesterAction | undefined> = {
  customer_reply: 'reply',
  attach: 'attach',
  reopen: 'reopen',
  submit: 'submit',
};

export function requesterActions(
  ticket: Pick<Ticket, 'status' | 'allowedCommands' | 'requester'>,
  meId: string,
): Set<RequesterAction> {
  // A colleague's request (an organization that shares tickets): readable, but requesters act only on their own.
  if (ticket.requester?.id !== meId) return new Set();
  if (ticket.status === 'closed') return new Set(['follow_up']);
  const offered = ticket.allowedCommands ?? [];
  return new Set(offered.map((c) => FROM_COMMAND[c]).filter((a): a is RequesterAction => !!a));
}
