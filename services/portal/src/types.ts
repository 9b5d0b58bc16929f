// The parts of the gateway's answers the portal reads (a subset of the OpenAPI document's Ticket,
// TicketEvent and Problem schemas: the typed client's answers are assignable to these).
export const TICKET_STATUSES = ['draft', 'new', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface Person {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface Ticket {
  id: string;
  reference: string;
  status: TicketStatus;
  title?: string | undefined;
  description?: string | undefined;
  requester?: Person | undefined;
  company?: string | undefined;
  awaiting: 'agent' | 'customer';
  links: { followUpOf?: string | undefined; followUps: string[] };
  attachments?: Attachment[] | undefined;
  resolution?: { method: string; at: string; by: string } | undefined;
  createdAt: string;
  updatedAt: string;
  reopenCount: number;
  revision: number;
  /** The commands the caller may send now, where the API answers them with the ticket. */
  allowedCommands?: string[] | undefined;
}

export interface TicketEvent {
  ticketId: string;
  seq: number;
  type: string;
  at: string;
  actor: { id: string; role: string; name?: string | undefined; email?: string | undefined };
  channel: string;
  data?: Record<string, unknown> | undefined;
}

export interface TicketPage {
  items: Ticket[];
  nextCursor: string | null;
}

export interface SignedInUser {
  id: string;
  name: string;
  email: string;
  role: string;
}

/** An RFC 9457 problem as the gateway answers it. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { field: string; message: string }[] | undefined;
  currentStatus?: string | undefined;
  allowedCommands?: string[] | undefined;
}
