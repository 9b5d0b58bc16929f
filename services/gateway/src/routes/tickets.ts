// /v1/tickets: reads (ticket-reads.ts), and creation, changes and commands (ticket-handlers.ts,
// with the command table and its body schemas in ticket-commands.ts). Each operation is
// documented (OpenAPI) beside its handler from the schemas it parses with.
import { Router } from 'express';
import type { Store } from '@helpdesk/persistence';
import type { Tickets } from '@helpdesk/ticket-client';
import { ticketHandlers } from './ticket-handlers';
import { ticketReads } from './ticket-reads';

export function ticketRoutes(tickets: Tickets, store: Store): Router {
  return Router().use(ticketReads(tickets, store), ticketHandlers(tickets, store));
}
