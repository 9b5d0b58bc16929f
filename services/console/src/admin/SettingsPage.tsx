// The settings document (GET/PUT /v1/settings) as JSON: an admin edits and saves it; the API's
// validation errors are shown field by field. The version is the API's (bumped by every change).
import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { paths } from '@helpdesk/api-client';
import type { Settings } from '../api';
import { call } from '../call';
import { useConsole } from '../context';
import { ProblemAlert } from '../components/ProblemAlert';

export type SettingsBody = paths['/v1/settings']['put']['requestBody']['content']['application/json'];

/** Load the settings; `save` PUTs a changed document (without its version) and reloads. */
export function useSettings() {
  const { api } = useConsole();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setSettings(await call(api.client.GET('/v1/settings')));
    } catch (err) {
      setError(err);
    }
  }, [api]);
  useEffect(() => void load(), [load]);
  const save = async (body: SettingsBody) => {
    const saved = await call(api.client.PUT('/v1/settings', { body }));
    setSettings(saved);
    return saved;
  };
  return { settings, error, save };
}

export function SettingsPage() {
  const { settings, error, save } = useSettings();
  const [text, setText] = useState('');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    if (!settings) return;
    const { version: _v, ...body } = settings;
    setText(JSON.stringify(body, null, 2));
  }, [settings]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaveError(null);
    setSaved(null);
    let body: SettingsBody;
    try {
      body = JSON.parse(text) as SettingsBody;
    } catch (err) {
      setSaveError(new Error(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    try {
      setSaved((await save(body)).version);
    } catch (err) {
      setSaveError(err);
    }
  }

  return (
    <section aria-labelledby="settings-title" className="admin-page">
      <h1 id="settings-title">Settings</h1>
      <ProblemAlert error={error} />
      {settings && (
        <form onSubmit={submit}>
          <p className="muted">
            Version {settings.version}. Groups and their calendars are kept from the directory; SLA policies also have
            their own page.
          </p>
          <label htmlFor="settings-json">Settings (JSON)</label>
          <textarea
            id="settings-json"
            className="code"
            rows={28}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <ProblemAlert error={saveError} />
          {saved !== null && (
            <p role="status" className="note">
              Saved: version {saved}.
            </p>
          )}
          <button type="submit" className="primary">
            Save settings
          </button>
        </form>
      )}
    </section>
  );
}
