// The left rail: the built-in views and the user's saved views, each with its live count.
import { useCallback, useEffect, useRef, useState } from 'react';
import { filtersOnly } from '../api';
import { call, messageOf } from '../call';
import { useConsole, useLiveEvents } from '../context';
import { hrefOf } from '../router';
import type { ViewDef } from '../views';

export function Rail({
  id,
  open,
  views,
  current,
  onChanged,
}: {
  id: string;
  open: boolean;
  views: ViewDef[];
  current: string | undefined;
  onChanged: () => void;
}) {
  const { api, user } = useConsole();
  const [counts, setCounts] = useState<Record<string, number | undefined>>({});
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const entries = await Promise.all(
      views.map(async (v) => {
        const answer = await call(
          api.client.GET('/v1/tickets/count', { params: { query: filtersOnly(v.query) } }),
        ).catch(() => undefined);
        return [v.key, answer?.count] as const;
      }),
    );
    setCounts(Object.fromEntries(entries));
  }, [api, views]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 60_000);
    return () => clearInterval(timer);
  }, [refresh]);

  // A ticket changed: recount, at most once a second.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvents((event) => {
    if ((event.type !== 'ticket' && event.type !== 'resync') || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void refresh();
    }, 1000);
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  async function remove(view: ViewDef) {
    if (!view.saved || !window.confirm(`Delete the view “${view.name}”?`)) return;
    try {
      await call(api.client.DELETE('/v1/views/{id}', { params: { path: { id: view.saved.id } } }));
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  const builtIn = views.filter((v) => !v.saved);
  const saved = views.filter((v) => v.saved);
  const item = (v: ViewDef) => (
    <li key={v.key} className={v.key === current ? 'current' : undefined}>
      <a href={hrefOf({ name: 'list', view: v.key })} aria-current={v.key === current ? 'page' : undefined}>
        <span className="view-name">{v.name}</span>
        <span className="count" aria-label={`${counts[v.key] ?? 'unknown'} tickets`} data-testid={`count-${v.key}`}>
          {counts[v.key] ?? '…'}
        </span>
      </a>
      {v.saved && (v.saved.ownerId === user.id || user.role === 'admin') && (
        <button type="button" className="icon" onClick={() => void remove(v)} aria-label={`Delete view ${v.name}`}>
          ×
        </button>
      )}
    </li>
  );

  return (
    <nav id={id} className={open ? 'rail open' : 'rail'} aria-label="Views">
      <h2 className="rail-title">Views</h2>
      <ul>{builtIn.map(item)}</ul>
      {saved.length > 0 && (
        <>
          <h2 className="rail-title">Saved views</h2>
          <ul>{saved.map(item)}</ul>
        </>
      )}
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
    </nav>
  );
}
