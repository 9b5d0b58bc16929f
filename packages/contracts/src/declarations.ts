// Compile-time proofs that the ticket's declarations name the same fields: the workflow state
// (ticket.ts), the API's zod schemas (schemas.ts, api.ts). A field added to one and not the others
// fails the build here. (The mongoose schema is held to the state in persistence's models.ts, and
// to the API schema by a unit test there.)
import type { z } from 'zod';
import type { EditableFields } from './commands';
import type { TicketLinks, TicketState } from './ticket';
import type { ZEditableFieldsSchema } from './schemas';
import type { ZTicketSchema } from './api';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

type ApiTicket = z.output<typeof ZTicketSchema>;

/**
 * What the API shows of a ticket: its whole state but the internal event counter, SLA and
 * time-rule bookkeeping, plus the commands the caller could send (computed per caller, never stored).
 */
export type _TicketKeys = Assert<
  Same<
    Exclude<keyof ApiTicket, 'allowedCommands'>,
    Exclude<keyof TicketState, 'eventSeq' | 'slaClock' | 'timeRulesFired'>
  >
>;
export type _LinkKeys = Assert<Same<keyof ApiTicket['links'], keyof TicketLinks>>;
/** What a client may write: every ticket field, none of the lifecycle. */
export type _EditableKeys = Assert<Same<keyof z.output<typeof ZEditableFieldsSchema>, keyof EditableFields>>;
