// "My requests": the requester's tickets, newest first, with the API's cursor pagination. Where
// the requester's organization shares tickets the API lists the organization's, and a checkbox
// narrows the list to the requester's own.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useApi } from '../api';
import { PageHeading } from '../components/PageHeading';
import { ProblemAlert, problemOf } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Link } from '../router';
import type { Problem, SignedInUser, Ticket } from '../types';
import { formatDate, t } from '../strings';

export function RequestListPage({ user }: { user: SignedInUser }) {
  const api = useApi();
  const mineId = useId();
  const [items, setItems] = useState<Ticket[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [onlyMine, setOnlyMine] = useState(false);
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const load = useCallback(
    async (after: string | undefined) => {
      setBusy(true);
      setProblem(undefined);
      try {
        const page = await api.listRequests({ cursor: after, onlyMine });
        setItems((before) => (after && before ? [...before, ...page.items] : page.items));
        setCursor(page.nextCursor);
        if (page.items.some((ticket) => ticket.requester?.id !== user.id)) setShared(true);
      } catch (err) {
        setProblem(problemOf(err));
      } finally {
        setBusy(false);
      }
    },
    [api, onlyMine, user.id],
  );

  useEffect(() => {
    void load(undefined);
  }, [load]);

  // Live: a request changed (a reply, a status): read the first page again.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const stop = api.watch(undefined, () => {
      clearTimeout(pending.current);
      pending.current = setTimeout(() => void load(undefined), 300);
    });
    return () => {
      clearTimeout(pending.current);
      stop();
    };
  }, [api, load]);

  const company = items?.find((i) => i.company)?.company;
  return (
    <section>
      <div className="page-header">
        <PageHeading>{shared && !onlyMine && company ? t.organizationRequests(company) : t.myRequests}</PageHeading>
        <Link to={{ name: 'new' }} className="button-primary">
          {t.newRequest}
        </Link>
      </div>
      {shared && (
        <div className="checkbox">
          <input
            id={mineId}
            type="checkbox"
            checked={onlyMine}
            onChange={(e) => setOnlyMine(e.currentTarget.checked)}
          />
          <label htmlFor={mineId}>{t.onlyMine}</label>
        </div>
      )}
      {problem && <ProblemAlert problem={problem} title={t.genericError} />}
      {items === undefined && !problem && <p aria-busy="true">{t.loading}</p>}
      {items?.length === 0 && <p className="empty">{t.noRequests}</p>}
      {items && items.length > 0 && (
        <ul className="request-list" aria-busy={busy}>
          {items.map((ticket) => (
            <li key={ticket.id} className="request-item">
              <Link to={{ name: 'request', id: ticket.id }} className="request-link">
                {ticket.title || t.untitled}
              </Link>
              <div className="request-meta">
                <span className="reference">{ticket.reference}</span>
                <StatusBadge status={ticket.status} />
                <span>
                  {t.updated} <time dateTime={ticket.updatedAt}>{formatDate(ticket.updatedAt)}</time>
                </span>
                {shared && ticket.requester && (
                  <span>
                    {t.requestedBy(
                      ticket.requester.id === user.id ? t.you : (ticket.requester.name ?? ticket.requester.email ?? ''),
                    )}
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void load(cursor)}>
          {busy ? t.loading : t.loadMore}
        </button>
      )}
    </section>
  );
}
