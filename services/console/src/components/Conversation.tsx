// The conversation: the request itself, public replies, private notes and messages, mail from the
// requester with its attachments, and the timeline's system events in a quieter style.
import type { Ticket, TicketEvent } from '../api';
import { humanize } from '../api';
import { AttachmentLink } from './AttachmentLink';

const MESSAGES = new Set(['replied', 'note_added', 'message_sent', 'customer_replied']);

interface AttachmentRef {
  id: string;
  filename: string;
  size?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const who = (e: TicketEvent) => e.actor.name ?? e.actor.email ?? e.actor.id;

function attachmentOf(data: Record<string, unknown> | undefined): AttachmentRef | undefined {
  const a = data?.attachment;
  if (a && typeof a === 'object' && 'id' in a && 'filename' in a) {
    const { id, filename, size } = a as { id: unknown; filename: unknown; size?: unknown };
    if (typeof id === 'string' && typeof filename === 'string')
      return { id, filename, ...(typeof size === 'number' ? { size } : {}) };
  }
  return undefined;
}

function systemText(e: TicketEvent): string {
  const d = e.data ?? {};
  const before = e.before ?? {};
  const after = e.after ?? {};
  const parts = [`${humanize(e.type)}`];
  if (e.type === 'assigned' && after.assignee) parts.push(`to ${String(after.assignee)}`);
  if (e.type === 'taken') parts.push(`by ${who(e)}`);
  if (e.type === 'resolved' && str(d.method)) parts.push(`(${humanize(String(d.method))})`);
  if (e.type === 'waiting' && after.waitType) parts.push(`(${humanize(String(after.waitType))})`);
  if (e.type === 'breached' && str(d.kind)) parts.push(`: ${String(d.kind)}`);
  if (before.status && after.status && before.status !== after.status)
    parts.push(`· ${humanize(String(before.status))} → ${humanize(String(after.status))}`);
  if (e.type !== 'taken' && e.actor.id !== 'system') parts.push(`· ${who(e)}`);
  return parts.join(' ');
}

type Entry = { event: TicketEvent; attachments: AttachmentRef[] };

/** Events in order; a file attached right after a message by its sender (mail) joins that message. */
function entries(events: TicketEvent[]): Entry[] {
  const out: Entry[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const attachment = attachmentOf(event.data);
    const last = out.at(-1);
    if (
      attachment &&
      last &&
      MESSAGES.has(last.event.type) &&
      last.event.actor.id === event.actor.id &&
      last.event.channel === event.channel
    ) {
      last.attachments.push(attachment);
      continue;
    }
    out.push({ event, attachments: attachment ? [attachment] : [] });
  }
  return out;
}

export function Conversation({ ticket, events }: { ticket: Ticket; events: TicketEvent[] }) {
  return (
    <section aria-labelledby="conversation-title" className="conversation">
      <h2 id="conversation-title" className="visually-hidden">
        Conversation
      </h2>
      {ticket.description && (
        <div className="message customer">
          <p className="from">
            <strong>{ticket.requester?.name ?? ticket.requester?.email ?? ticket.createdBy}</strong>{' '}
            <span className="muted">opened via {humanize(ticket.channel)}</span>{' '}
            <time dateTime={ticket.createdAt}>{new Date(ticket.createdAt).toLocaleString()}</time>
          </p>
          <div className="body">{ticket.description}</div>
        </div>
      )}
      <ol className="timeline">
        {entries(events).map(({ event: e, attachments }) => {
          const d = e.data ?? {};
          const body = str(d.body);
          const files =
            attachments.length > 0 ? (
              <ul className="files" aria-label="Attachments">
                {attachments.map((a) => (
                  <li key={a.id}>
                    <AttachmentLink id={a.id} filename={a.filename} />
                  </li>
                ))}
              </ul>
            ) : null;
          if (MESSAGES.has(e.type) && body !== undefined) {
            const kind =
              e.type === 'note_added'
                ? 'note'
                : e.type === 'message_sent'
                  ? 'private-message'
                  : e.type === 'customer_replied'
                    ? 'customer'
                    : 'reply';
            const label =
              kind === 'note'
                ? 'Private note'
                : kind === 'private-message'
                  ? 'Private message'
                  : kind === 'customer'
                    ? e.channel === 'email'
                      ? 'Mail'
                      : 'Customer reply'
                    : 'Public reply';
            const recipients = Array.isArray(d.recipients) ? d.recipients.map(String) : [];
            return (
              <li key={e.seq} className={`message ${kind}`} data-event={e.type}>
                <p className="from">
                  <span className="kind">{label}</span> <strong>{str(d.from) ?? who(e)}</strong>{' '}
                  {recipients.length > 0 && <span className="muted">to {recipients.join(', ')} </span>}
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                </p>
                <div className="body">{body}</div>
                {files}
              </li>
            );
          }
          if (files) {
            return (
              <li key={e.seq} className="message attachment" data-event={e.type}>
                <p className="from">
                  <span className="kind">Attachment</span> <strong>{who(e)}</strong>{' '}
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                </p>
                {files}
              </li>
            );
          }
          return (
            <li key={e.seq} className="system" data-event={e.type}>
              <span>{systemText(e)}</span> <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString()}</time>
              {str(d.note) && <div className="body">{str(d.note)}</div>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
