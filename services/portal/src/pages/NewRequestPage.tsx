// Submitting a request: subject, description and files. The ticket is created first, then each
// file is uploaded onto it (the API takes attachments on an existing ticket, one per call).
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useApi } from '../api';
import { FilePicker } from '../components/FilePicker';
import { PageHeading } from '../components/PageHeading';
import { ProblemAlert, problemOf } from '../components/ProblemAlert';
import { Link, navigate } from '../router';
import type { Problem, Ticket } from '../types';
import { t } from '../strings';

export function NewRequestPage() {
  const api = useApi();
  const id = useId();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [partial, setPartial] = useState<{ ticket: Ticket; failures: string[] }>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    let ticket: Ticket;
    try {
      ticket = await api.createRequest({ title: title.trim(), description: description.trim() });
    } catch (err) {
      setProblem(problemOf(err));
      setBusy(false);
      return;
    }
    const failures: string[] = [];
    for (const file of files) {
      try {
        await api.attach(ticket.id, file);
      } catch (err) {
        failures.push(t.uploadFailed(file.name, problemOf(err).detail));
      }
    }
    setBusy(false);
    if (failures.length > 0) setPartial({ ticket, failures });
    else navigate({ name: 'request', id: ticket.id });
  };

  if (partial)
    return (
      <section className="card">
        <PageHeading>{t.newRequestTitle}</PageHeading>
        <div role="alert" className="alert alert-error">
          <p className="alert-title">{t.submittedWithErrors}</p>
          <ul>
            {partial.failures.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
        <Link to={{ name: 'request', id: partial.ticket.id }} className="button-primary">
          {t.goTo(partial.ticket.reference)}
        </Link>
      </section>
    );

  return (
    <section className="card">
      <PageHeading>{t.newRequestTitle}</PageHeading>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t.titleLabel}</label>
          <p className="hint" id={`${id}-title-hint`}>
            {t.titleHint}
          </p>
          <input
            id={`${id}-title`}
            name="title"
            required
            maxLength={200}
            aria-describedby={`${id}-title-hint`}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t.descriptionLabel}</label>
          <p className="hint" id={`${id}-description-hint`}>
            {t.descriptionHint}
          </p>
          <textarea
            id={`${id}-description`}
            name="description"
            required
            rows={8}
            aria-describedby={`${id}-description-hint`}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <FilePicker files={files} onChange={setFiles} disabled={busy} />
        {problem && <ProblemAlert problem={problem} />}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t.submitting : t.submit}
          </button>
          <Link to={{ name: 'list' }} className="button-secondary">
            {t.cancel}
          </Link>
        </div>
      </form>
    </section>
  );
}
