// SLA policies (part of the settings): the policies in order (first match wins) and the business
// calendars they use, edited as JSON and saved through PUT /v1/settings.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Settings } from '../api';
import { ProblemAlert } from '../components/ProblemAlert';
import { useSettings } from './SettingsPage';

const mins = (m: number | null | undefined) => (m == null ? '—' : m >= 60 ? `${m / 60} h` : `${m} min`);

export function SlaPage() {
  const { settings, error, save } = useSettings();
  const [policies, setPolicies] = useState('');
  const [calendars, setCalendars] = useState('');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    if (!settings) return;
    setPolicies(JSON.stringify(settings.slaPolicies, null, 2));
    setCalendars(JSON.stringify(settings.businessCalendars, null, 2));
  }, [settings]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaveError(null);
    setSaved(null);
    try {
      const slaPolicies = JSON.parse(policies) as Settings['slaPolicies'];
      const businessCalendars = JSON.parse(calendars) as Settings['businessCalendars'];
      setSaved((await save({ slaPolicies, businessCalendars })).version);
    } catch (err) {
      setSaveError(err instanceof SyntaxError ? new Error(`Not valid JSON: ${err.message}`) : err);
    }
  }

  return (
    <section aria-labelledby="sla-page-title" className="admin-page">
      <h1 id="sla-page-title">SLA policies</h1>
      <ProblemAlert error={error} />
      {settings && (
        <>
          <p className="muted">
            First matching policy wins; a ticket no policy matches keeps the global delays (response{' '}
            {settings.responseDelayHours ?? '—'} h, action {settings.actionDelayHours ?? '—'} h).
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Applies to</th>
                  <th scope="col">Calendar</th>
                  <th scope="col">First response</th>
                  <th scope="col">Next response</th>
                  <th scope="col">Resolution</th>
                  <th scope="col">Warn before</th>
                </tr>
              </thead>
              <tbody>
                {settings.slaPolicies.map((p) => (
                  <tr key={p.name}>
                    <th scope="row">{p.name}</th>
                    <td>
                      {[
                        p.priorities?.length ? `priority ${p.priorities.join('/')}` : '',
                        p.groups?.length ? `group ${p.groups.join('/')}` : '',
                        p.types?.length ? `type ${p.types.join('/')}` : '',
                      ]
                        .filter(Boolean)
                        .join(', ') || 'all tickets'}
                    </td>
                    <td>{p.calendar ?? '24×7 / group'}</td>
                    <td>{mins(p.firstResponseMinutes)}</td>
                    <td>{mins(p.nextResponseMinutes)}</td>
                    <td>{mins(p.resolutionMinutes)}</td>
                    <td>{mins(p.warnBeforeMinutes)}</td>
                  </tr>
                ))}
                {settings.slaPolicies.length === 0 && (
                  <tr>
                    <td colSpan={7}>No SLA policy yet.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <form onSubmit={submit}>
            <label htmlFor="sla-policies">Policies (JSON, in order)</label>
            <textarea
              id="sla-policies"
              className="code"
              rows={12}
              spellCheck={false}
              value={policies}
              onChange={(e) => setPolicies(e.target.value)}
            />
            <label htmlFor="sla-calendars">Business calendars (JSON)</label>
            <textarea
              id="sla-calendars"
              className="code"
              rows={10}
              spellCheck={false}
              value={calendars}
              onChange={(e) => setCalendars(e.target.value)}
            />
            <ProblemAlert error={saveError} />
            {saved !== null && (
              <p role="status" className="note">
                Saved: version {saved}.
              </p>
            )}
            <button type="submit" className="primary">
              Save SLA policies
            </button>
          </form>
        </>
      )}
    </section>
  );
}
