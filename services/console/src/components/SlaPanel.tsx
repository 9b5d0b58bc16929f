// Service levels: each target's due time with a countdown (or met / breached / paused), the
// breaches recorded, and the earliest due instant.
import type { Ticket } from '../api';
import { Countdown } from './Countdown';

type Target = NonNullable<NonNullable<Ticket['sla']>['firstResponse']>;

function TargetRow({ label, target }: { label: string; target: Target | undefined }) {
  if (!target) return null;
  let state;
  if (target.metAt) state = <span className="ok">met {new Date(target.metAt).toLocaleString()}</span>;
  else if (target.breachedAt)
    state = <span className="overdue">breached {new Date(target.breachedAt).toLocaleString()}</span>;
  else if (target.paused || target.dueAt === null)
    state = (
      <span className="muted">
        paused{target.remainingMs !== undefined ? `, ${Math.round(target.remainingMs / 60000)} min left` : ''}
      </span>
    );
  else state = <Countdown to={target.dueAt} />;
  return (
    <>
      <dt>{label}</dt>
      <dd>{state}</dd>
    </>
  );
}

export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const sla = ticket.sla;
  const breaches = ticket.breaches ?? [];
  if (!sla && !ticket.slaDueAt && breaches.length === 0) return null;
  return (
    <section aria-labelledby="sla-title" className="panel">
      <h2 id="sla-title">Service level{sla ? `: ${sla.policy}` : ''}</h2>
      <dl className="facts">
        {ticket.slaDueAt && (
          <>
            <dt>Next due</dt>
            <dd data-testid="sla-due">
              <Countdown to={ticket.slaDueAt} />
            </dd>
          </>
        )}
        <TargetRow label="First response" target={sla?.firstResponse} />
        <TargetRow label="Next response" target={sla?.nextResponse} />
        <TargetRow label="Resolution" target={sla?.resolution} />
      </dl>
      {breaches.length > 0 && (
        <ul className="breaches">
          {breaches.map((b) => (
            <li key={b.kind + b.at}>
              Breached {b.kind} (due {new Date(b.dueAt).toLocaleString()})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
