// Links to related tickets: follow-ups, merges, split parent and children (by reference).
import { useEffect, useState } from 'react';
import type { Ticket } from '../api';
import { call } from '../call';
import { useConsole } from '../context';
import { hrefOf } from '../router';

function TicketRef({ id }: { id: string }) {
  const { api } = useConsole();
  const [label, setLabel] = useState(id.slice(0, 8));
  useEffect(() => {
    void call(api.client.GET('/v1/tickets/{id}', { params: { path: { id } } }))
      .then((t) => setLabel(`${t.reference} ${t.title ?? ''}`.trim()))
      .catch(() => undefined);
  }, [api, id]);
  return <a href={hrefOf({ name: 'ticket', id })}>{label}</a>;
}

export function LinksPanel({ ticket }: { ticket: Ticket }) {
  const l = ticket.links;
  const groups: [string, string[]][] = [
    ['Follow-up of', l.followUpOf ? [l.followUpOf] : []],
    ['Follow-ups', l.followUps],
    ['Merged into', l.mergedInto ? [l.mergedInto] : []],
    ['Merged from', l.mergedFrom ?? []],
    ['Split from', l.parent ? [l.parent] : []],
    ['Split into', l.children],
  ];
  const shown = groups.filter(([, ids]) => ids.length > 0);
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="links-title" className="panel">
      <h2 id="links-title">Links</h2>
      <dl className="facts">
        {shown.map(([label, ids]) => (
          <div key={label}>
            <dt>{label}</dt>
            {ids.map((id) => (
              <dd key={id}>
                <TicketRef id={id} />
              </dd>
            ))}
          </div>
        ))}
      </dl>
    </section>
  );
}
