// The public conversation of a request: what the requester wrote, the helpdesk's public replies,
// attachments, and the few status changes a requester cares about (solved, reopened, closed).
// The API already leaves out private notes and messages for requesters; this leaves out the rest
// of the agents' bookkeeping (assignments, groups, service levels).
import type { ReactNode } from 'react';
import type { Attachment, Ticket, TicketEvent } from '../types';
import { formatDate, t } from '../strings';
import { AttachmentButton } from './AttachmentButton';

type Item =
  | { kind: 'message'; key: string; at: string; author: string; mine: boolean; body: string }
  | { kind: 'attachment'; key: string; at: string; author: string; attachment: Attachment }
  | { kind: 'status'; key: string; at: string; text: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);

function isAttachment(value: unknown): value is Attachment {
  const a = value as Attachment | undefined;
  return typeof a?.id === 'string' && typeof a.filename === 'string';
}

/** The events a requester reads, oldest first. */
export function conversationItems(ticket: Ticket, events: TicketEvent[], meId: string | undefined): Item[] {
  const items: Item[] = [];
  const who = (e: TicketEvent, staff = false): string => {
    if (e.actor.id === meId) return t.you;
    if (staff) return e.actor.name ?? t.event.support;
    return e.actor.name ?? text(e.data?.from) ?? e.actor.email ?? t.event.support;
  };
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let described = false;
  for (const e of sorted) {
    const key = `${e.ticketId}:${e.seq}`;
    const staff = e.actor.role === 'agent' || e.actor.role === 'admin';
    switch (e.type) {
      case 'created': {
        // A follow-up starts with the message that opened it; any other request with its description.
        const message = e.data?.message as { body?: unknown } | undefined;
        const body = text(message?.body) ?? (described ? undefined : text(ticket.description));
        described = true;
        if (body) items.push({ kind: 'message', key, at: e.at, author: who(e), mine: e.actor.id === meId, body });
        else items.push({ kind: 'status', key, at: e.at, text: t.event.created });
        break;
      }
      case 'customer_replied': {
        const body = text(e.data?.body);
        if (body) items.push({ kind: 'message', key, at: e.at, author: who(e), mine: e.actor.id === meId, body });
        break;
      }
      case 'replied': {
        const body = text(e.data?.body);
        if (body && e.data?.visibility === 'public')
          items.push({ kind: 'message', key, at: e.at, author: who(e, true), mine: false, body });
        break;
      }
      case 'attachment_added':
        if (isAttachment(e.data?.attachment))
          items.push({ kind: 'attachment', key, at: e.at, author: who(e, staff), attachment: e.data.attachment });
        break;
      case 'submitted':
        items.push({ kind: 'status', key, at: e.at, text: t.event.submitted });
        break;
      case 'resolved':
        items.push({ kind: 'status', key, at: e.at, text: t.event.resolved });
        break;
      case 'reopened':
        items.push({ kind: 'status', key, at: e.at, text: t.event.reopened });
        break;
      case 'closed':
        items.push({ kind: 'status', key, at: e.at, text: t.event.closed });
        break;
    }
  }
  return items;
}

function Meta({ children, at }: { children: ReactNode; at: string }) {
  return (
    <p className="message-meta">
      <span className="message-author">{children}</span> · <time dateTime={at}>{formatDate(at)}</time>
    </p>
  );
}

export function Conversation({ ticket, events, meId }: { ticket: Ticket; events: TicketEvent[]; meId?: string }) {
  const items = conversationItems(ticket, events, meId);
  return (
    <ol className="conversation" aria-label={t.conversation}>
      {items.map((item) => {
        switch (item.kind) {
          case 'message':
            return (
              <li key={item.key} className={`message ${item.mine ? 'message-mine' : 'message-theirs'}`}>
                <Meta at={item.at}>{item.author}</Meta>
                <div className="message-body">{item.body}</div>
              </li>
            );
          case 'attachment':
            return (
              <li key={item.key} className="message message-attachment">
                <Meta at={item.at}>{item.author}</Meta>
                <AttachmentButton attachment={item.attachment} />
              </li>
            );
          case 'status':
            return (
              <li key={item.key} className="status-line">
                <span>{item.text}</span> · <time dateTime={item.at}>{formatDate(item.at)}</time>
              </li>
            );
        }
      })}
    </ol>
  );
}
