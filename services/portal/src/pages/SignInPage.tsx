// Magic-link sign-in, step one: the requester's address; the helpdesk mails them a link.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useApi } from '../api';
import { PageHeading } from '../components/PageHeading';
import { ProblemAlert, problemOf } from '../components/ProblemAlert';
import type { Problem } from '../types';
import { t } from '../strings';

export function SignInPage({ notice }: { notice?: string | undefined }) {
  const api = useApi();
  const id = useId();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await api.requestLink(email.trim());
      setSentTo(email.trim());
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (sentTo)
    return (
      <section className="card narrow">
        <PageHeading>{t.linkSentTitle}</PageHeading>
        <p role="status">{t.linkSent(sentTo)}</p>
        <button type="button" className="button-secondary" onClick={() => setSentTo(undefined)}>
          {t.useAnotherEmail}
        </button>
      </section>
    );

  return (
    <section className="card narrow">
      <PageHeading>{t.signInTitle}</PageHeading>
      {notice && (
        <p role="status" className="alert alert-info">
          {notice}
        </p>
      )}
      <p>{t.signInIntro}</p>
      <form onSubmit={submit} noValidate={false}>
        <div className="field">
          <label htmlFor={id}>{t.emailLabel}</label>
          <input
            id={id}
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        {problem && <ProblemAlert problem={problem} />}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t.sending : t.sendLink}
        </button>
      </form>
    </section>
  );
}
