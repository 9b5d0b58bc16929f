// One request: its status, the public conversation, and what the requester may do now (reply,
// attach, reopen while solved, or on a closed request "this is still a problem", a follow-up).
// It follows the live stream, so an agent's reply appears without a reload.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { VisuallyHidden } from '@radix-ui/react-visually-hidden';
import { requesterActions } from '../actions';
import { useApi } from '../api';
import { Conversation } from '../components/Conversation';
import { FilePicker } from '../components/FilePicker';
import { PageHeading } from '../components/PageHeading';
import { ProblemAlert, problemOf } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Link, navigate } from '../router';
import type { Problem, SignedInUser, Ticket, TicketEvent } from '../types';
import { formatDate, t } from '../strings';

export function RequestPage({ id, user }: { id: string; user: SignedInUser }) {
  const api = useApi();
  const [ticket, setTicket] = useState<Ticket>();
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(async () => {
    try {
      const [next, timeline] = await Promise.all([api.getRequest(id), api.getTimeline(id)]);
      setTicket(next);
      setEvents(timeline);
      setLoadProblem(undefined);
    } catch (err) {
      setLoadProblem(problemOf(err));
    }
  }, [api, id]);

  useEffect(() => {
    setTicket(undefined);
    setEvents([]);
    void load();
  }, [load]);

  // Live: reload when the stream says this ticket changed (several changes at once: one reload).
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const stop = api.watch(id, () => {
      clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        void load().then(() => setAnnouncement(t.updatedLive));
      }, 150);
    });
    return () => {
      clearTimeout(pending.current);
      stop();
    };
  }, [api, id, load]);

  if (loadProblem && !ticket)
    return (
      <section>
        <ProblemAlert problem={loadProblem} title={t.genericError} />
        <Link to={{ name: 'list' }}>{t.backToList}</Link>
      </section>
    );
  if (!ticket) return <p aria-busy="true">{t.loading}</p>;

  const actions = requesterActions(ticket, user.id);
  const colleagues = ticket.requester !== undefined && ticket.requester.id !== user.id;
  const requester = ticket.requester;
  return (
    <article className="request">
      <p className="breadcrumb">
        <Link to={{ name: 'list' }}>← {t.backToList}</Link>
      </p>
      <header className="request-header">
        <PageHeading>{ticket.title || t.untitled}</PageHeading>
        <div className="request-meta">
          <span className="reference">{ticket.reference}</span>
          <StatusBadge status={ticket.status} />
          {requester && (
            <span>
              {t.openedBy(
                requester.id === user.id ? t.you : (requester.name ?? requester.email ?? ''),
                formatDate(ticket.createdAt),
              )}
            </span>
          )}
        </div>
        <p className="status-help">{t.statusHelp[ticket.status]}</p>
        {ticket.links.followUpOf && (
          <p>
            <Link to={{ name: 'request', id: ticket.links.followUpOf }}>{t.followUpOf}</Link>
          </p>
        )}
        {ticket.links.followUps.length > 0 && (
          <p>
            {t.followedUpBy}{' '}
            {ticket.links.followUps.map((f, i) => (
              <span key={f}>
                {i > 0 && ', '}
                <Link to={{ name: 'request', id: f }}>{t.followUpLink(i + 1, ticket.links.followUps.length)}</Link>
              </span>
            ))}
          </p>
        )}
      </header>

      <VisuallyHidden role="status" aria-live="polite">
        {announcement}
      </VisuallyHidden>

      <section aria-labelledby="conversation-heading" className="card">
        <h2 id="conversation-heading">{t.conversation}</h2>
        <Conversation ticket={ticket} events={events} meId={user.id} />
      </section>

      {colleagues ? (
        <p className="card">{t.colleaguesRequest}</p>
      ) : (
        <RequestActions key={ticket.id} ticket={ticket} actions={actions} onChanged={load} />
      )}
    </article>
  );
}

function RequestActions({
  ticket,
  actions,
  onChanged,
}: {
  ticket: Ticket;
  actions: ReturnType<typeof requesterActions>;
  onChanged(): Promise<void>;
}) {
  const api = useApi();
  const id = useId();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState('');

  const run = async (what: () => Promise<string | void>) => {
    setBusy(true);
    setProblem(undefined);
    setNotice('');
    try {
      const said = await what();
      if (said) setNotice(said);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const reply = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const text = body.trim();
      if (text) await api.reply(ticket.id, text);
      setBody('');
      for (const file of files) {
        await api.attach(ticket.id, file);
        setFiles((left) => left.filter((f) => f !== file));
      }
      await onChanged();
      return t.replySent;
    });
  };

  const followUp = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const outcome = await api.reply(ticket.id, body.trim());
      setBody('');
      if (outcome.ticket.id !== ticket.id) navigate({ name: 'request', id: outcome.ticket.id });
      else await onChanged();
    });
  };

  const reopen = () =>
    void run(async () => {
      await api.reopen(ticket.id);
      await onChanged();
      return t.reopened;
    });

  const feedback = (
    <>
      {problem && <ProblemAlert problem={problem} />}
      {notice && (
        <p role="status" className="alert alert-success">
          {notice}
        </p>
      )}
    </>
  );

  if (actions.has('follow_up'))
    return (
      <section aria-labelledby={`${id}-h`} className="card">
        <h2 id={`${id}-h`}>{t.stillAProblem}</h2>
        <p>{t.stillAProblemHelp}</p>
        <form onSubmit={followUp}>
          <div className="field">
            <label htmlFor={`${id}-body`}>{t.followUpLabel}</label>
            <textarea
              id={`${id}-body`}
              required
              rows={4}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
            />
          </div>
          {feedback}
          <button type="submit" className="button-primary" disabled={busy || !body.trim()}>
            {t.stillAProblem}
          </button>
        </form>
      </section>
    );

  if (!actions.has('reply') && !actions.has('reopen') && !actions.has('attach'))
    return (
      <section className="card">
        {feedback}
        <p>{t.noActions}</p>
      </section>
    );

  return (
    <>
      {feedback}
      {actions.has('reopen') && (
        <section aria-labelledby={`${id}-reopen`} className="card">
          <h2 id={`${id}-reopen`}>{t.reopen}</h2>
          <p>{t.reopenHelp}</p>
          <button type="button" className="button-secondary" disabled={busy} onClick={reopen}>
            {t.reopen}
          </button>
        </section>
      )}
      {(actions.has('reply') || actions.has('attach')) && (
        <section aria-labelledby={`${id}-reply`} className="card">
          <h2 id={`${id}-reply`}>{t.yourReply}</h2>
          <form onSubmit={reply}>
            {actions.has('reply') && (
              <div className="field">
                <label htmlFor={`${id}-body`}>{t.replyLabel}</label>
                <textarea id={`${id}-body`} rows={5} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
              </div>
            )}
            {actions.has('attach') && (
              <FilePicker
                files={files}
                onChange={setFiles}
                label={t.attachFile}
                hint={t.attachmentsHint}
                disabled={busy}
              />
            )}
            <button type="submit" className="button-primary" disabled={busy || (!body.trim() && files.length === 0)}>
              {busy ? t.sendingReply : t.sendReply}
            </button>
          </form>
        </section>
      )}
    </>
  );
}
