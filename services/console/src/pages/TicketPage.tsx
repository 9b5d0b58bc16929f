// One ticket: the conversation and the timeline's system events, the fields panel, SLA due times,
// links, presence, and the commands the API offers now. Live: refetched when the ticket changes.
import { useCallback, useEffect, useState } from 'react';
import type { CommandName, Ticket, TicketEvent } from '../api';
import { humanize } from '../api';
import { call } from '../call';
import { useConsole, useLiveEvents } from '../context';
import { backToList } from '../router';
import { useStaff } from '../directory';
import { ProblemAlert } from '../components/ProblemAlert';
import { Conversation } from '../components/Conversation';
import { FieldsPanel } from '../components/FieldsPanel';
import { SlaPanel } from '../components/SlaPanel';
import { LinksPanel } from '../components/LinksPanel';
import { Commands } from '../components/Commands';
import { Presence, usePresence } from '../components/Presence';

/**
 * The commands to offer: exactly the ticket's `allowedCommands` as the API computed them for this
 * agent, or what its last refusal named. The console keeps no copy of the rules.
 */
export function offeredCommands(ticket: Ticket, refusedWith: CommandName[] | undefined): CommandName[] {
  return refusedWith ?? ticket.allowedCommands ?? [];
}

export function TicketPage({ id }: { id: string }) {
  const { api } = useConsole();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [refusedWith, setRefusedWith] = useState<CommandName[] | undefined>();
  const [changedLive, setChangedLive] = useState(false);
  const presence = usePresence(id);
  const { nameOf } = useStaff();

  const load = useCallback(async () => {
    try {
      const [t, ev] = await Promise.all([
        call(api.client.GET('/v1/tickets/{id}', { params: { path: { id } } })),
        call(api.client.GET('/v1/tickets/{id}/events', { params: { path: { id } } })),
      ]);
      setTicket(t as Ticket);
      setEvents(ev.items);
      setRefusedWith(undefined);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [api, id]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvents((event) => {
    if ((event.type === 'ticket' && event.data.id === id) || event.type === 'resync') {
      if (event.type === 'ticket') setChangedLive(true);
      void load();
    }
  });

  if (!ticket)
    return (
      <section className="ticket-page">
        <p>
          <a href={backToList()}>← Back to the list</a>
        </p>
        {error ? <ProblemAlert error={error} /> : <p role="status">Loading…</p>}
      </section>
    );

  const offered = offeredCommands(ticket, refusedWith);
  return (
    <article className="ticket-page" aria-labelledby="ticket-title">
      <header className="ticket-head">
        <p className="crumbs">
          <a href={backToList()}>← Back to the list</a>
        </p>
        <h1 id="ticket-title">
          <span className="ref">{ticket.reference}</span> {ticket.title ?? '(no title)'}
        </h1>
        <p className="meta">
          <span className={`badge status-${ticket.status}`} data-testid="ticket-status">
            {humanize(ticket.status)}
          </span>{' '}
          {ticket.assignee ? (
            <span data-testid="ticket-assignee">assigned to {nameOf(ticket.assignee)}</span>
          ) : (
            <span className="muted">unassigned</span>
          )}
          {ticket.group && <> · group {ticket.group}</>}
          {ticket.attention && <span className="badge attention"> needs attention</span>}
          {changedLive && (
            <span className="muted" role="status">
              {' '}
              · updated live
            </span>
          )}
        </p>
        <Presence viewers={presence.viewers} />
      </header>
      <div className="ticket-grid">
        <div className="conversation-col">
          <Conversation ticket={ticket} events={events} />
          <Commands
            ticket={ticket}
            offered={offered}
            onDone={(t) => {
              if (t) setTicket(t);
              void load();
            }}
            onRefused={(allowed) => setRefusedWith(allowed)}
            onTyping={presence.typing}
          />
        </div>
        <aside className="side-col" aria-label="Ticket details">
          <FieldsPanel ticket={ticket} offered={offered} onSaved={() => void load()} />
          <SlaPanel ticket={ticket} />
          <LinksPanel ticket={ticket} />
        </aside>
      </div>
    </article>
  );
}
