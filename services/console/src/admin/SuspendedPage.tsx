// Suspended inbound mail: what the collector held back, with recover (it becomes a ticket or a
// reply) and delete.
import { useCallback, useEffect, useState } from 'react';
import type { SuspendedMail } from '../api';
import { call } from '../call';
import { useConsole } from '../context';
import { hrefOf } from '../router';
import { ProblemAlert } from '../components/ProblemAlert';

export function SuspendedPage() {
  const { api } = useConsole();
  const [items, setItems] = useState<SuspendedMail[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<{ text: string; ticketId?: string } | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.client.GET('/v1/suspended'))).items);
    } catch (err) {
      setError(err);
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  async function act(mail: SuspendedMail, what: 'recover' | 'delete') {
    setError(null);
    setMessage(null);
    try {
      const path = { params: { path: { id: mail.id } } };
      if (what === 'recover') {
        const ticket = await call(api.client.POST('/v1/suspended/{id}/recover', path));
        setMessage({ text: `Recovered “${mail.subject}” into ${ticket.reference}`, ticketId: ticket.id });
      } else {
        if (!window.confirm(`Delete the mail “${mail.subject}”?`)) return;
        await call(api.client.DELETE('/v1/suspended/{id}', path));
        setMessage({ text: `Deleted “${mail.subject}”` });
      }
      await load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="suspended-title" className="admin-page">
      <h1 id="suspended-title">Suspended mail</h1>
      <ProblemAlert error={error} />
      {message && (
        <p role="status" className="note">
          {message.text} {message.ticketId && <a href={hrefOf({ name: 'ticket', id: message.ticketId })}>Open it</a>}
        </p>
      )}
      {items.length === 0 ? (
        <p className="empty">No suspended mail.</p>
      ) : (
        <ul className="mail-list">
          {items.map((m) => (
            <li key={m.id} className="card">
              <p>
                <strong>{m.subject || '(no subject)'}</strong> <span className="muted">from {m.from}</span>
              </p>
              <p className="muted">
                Received {new Date(m.receivedAt).toLocaleString()} · held because: {m.reason}
              </p>
              <details>
                <summary>Message</summary>
                <pre className="mail-body">{m.body}</pre>
              </details>
              <div className="actions">
                <button type="button" className="secondary" onClick={() => void act(m, 'recover')}>
                  Recover
                </button>
                <button type="button" className="danger" onClick={() => void act(m, 'delete')}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
