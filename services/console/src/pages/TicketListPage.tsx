// The ticket list of a view: sortable columns (through the API where it orders: created, updated,
// due; the others among the loaded rows), search, j/k/Enter, checkboxes and bulk actions, cursor
// pagination, and live refresh when a ticket changes.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { humanize } from '../api';
import type { ListQuery, Ticket } from '../api';
import type { paths } from '@helpdesk/api-client';
import { ApiFailure, call, messageOf } from '../call';
import { useConsole, useLiveEvents } from '../context';
import { useStaff } from '../directory';
import { navigate, hrefOf } from '../router';
import type { ViewDef } from '../views';
import { ProblemAlert } from '../components/ProblemAlert';
import { Countdown } from '../components/Countdown';

type Column = 'reference' | 'title' | 'requester' | 'status' | 'assignee' | 'group' | 'priority' | 'due' | 'updated';
const COLUMNS: { key: Column; label: string }[] = [
  { key: 'reference', label: 'Reference' },
  { key: 'title', label: 'Title' },
  { key: 'requester', label: 'Requester' },
  { key: 'status', label: 'Status' },
  { key: 'assignee', label: 'Assignee' },
  { key: 'group', label: 'Group' },
  { key: 'priority', label: 'Priority' },
  { key: 'due', label: 'Due' },
  { key: 'updated', label: 'Updated' },
];
/** Columns the API orders by (through all pages); the others order the loaded rows. */
const API_SORT: Partial<Record<Column, string>> = { reference: 'created', due: 'due', updated: 'updated' };

const PAGE = 25;

type ViewQuery = paths['/v1/views']['post']['requestBody']['content']['application/json']['query'];

function cell(t: Ticket, column: Column): string {
  switch (column) {
    case 'reference':
      return t.reference;
    case 'title':
      return t.title ?? '';
    case 'requester':
      return t.requester?.name ?? t.requester?.email ?? t.requester?.id ?? '';
    case 'status':
      return t.status;
    case 'assignee':
      return t.assignee ?? '';
    case 'group':
      return t.group ?? '';
    case 'priority':
      return t.priority ?? '';
    case 'due':
      return t.slaDueAt ?? '';
    case 'updated':
      return t.updatedAt;
  }
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName));

export function TicketListPage({ view, onSaved }: { view: ViewDef; onSaved: () => void }) {
  const { api } = useConsole();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState(view.query.q ?? '');
  const [status, setStatus] = useState(view.query.status ?? '');
  const [sort, setSort] = useState<{ column: Column; dir: 'asc' | 'desc' }>(() => ({
    column:
      view.query.sort === 'updated'
        ? 'updated'
        : view.query.dueBefore || view.query.sort === 'due'
          ? 'due'
          : 'reference',
    dir: (view.query.order as 'asc' | 'desc' | undefined) ?? (view.query.dueBefore ? 'asc' : 'desc'),
  }));
  const [sortChosen, setSortChosen] = useState(Boolean(view.query.sort || view.query.order));
  const [items, setItems] = useState<Ticket[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState(0);
  const [bulkMessage, setBulkMessage] = useState<string | null>(null);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const { nameOf } = useStaff();

  const query: ListQuery = useMemo(() => {
    const { q: _q, status: _s, sort: _sort, order: _order, ...rest } = view.query;
    const apiSort = API_SORT[sort.column];
    const out: ListQuery = { ...rest };
    if (status) out.status = status;
    if (search) out.q = search;
    // The API's own order (created, newest first; due for dueBefore) until a column is chosen.
    if (apiSort && sortChosen && !(search && apiSort === 'due')) {
      out.sort = apiSort;
      out.order = sort.dir;
    }
    // A search ranks its matches; a due-ordered list is only the tickets with an SLA target.
    if (search) delete out.dueBefore;
    return out;
  }, [view.query, status, search, sort, sortChosen]);

  const load = useCallback(
    async (more: boolean, size = PAGE) => {
      setLoading(true);
      try {
        const page = await call(
          api.client.GET('/v1/tickets', {
            params: { query: { ...query, limit: Math.min(size, 100), ...(more && cursor ? { cursor } : {}) } },
          }),
        );
        setItems((prev) => (more ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [api, query, cursor],
  );

  const first = useRef(load);
  first.current = load;
  useEffect(() => void first.current(false), [query]);

  // Live: a ticket changed; reload what is shown (at most every half second).
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const shown = useRef(items.length);
  shown.current = items.length;
  const reload = useRef(load);
  reload.current = load;
  useLiveEvents((event) => {
    if ((event.type !== 'ticket' && event.type !== 'resync') || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void reload.current(false, Math.max(PAGE, shown.current));
    }, 500);
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  const sorted = useMemo(() => {
    if (API_SORT[sort.column]) return items;
    const factor = sort.dir === 'asc' ? 1 : -1;
    return [...items].sort((a, b) => cell(a, sort.column).localeCompare(cell(b, sort.column)) * factor);
  }, [items, sort]);

  // j/k move, Enter opens, x selects.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (isTyping(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        setActive((i) => {
          const next = Math.max(0, Math.min(sorted.length - 1, i + (e.key === 'j' ? 1 : -1)));
          rows.current[next]?.focus();
          return next;
        });
      } else if (e.key === 'Enter' || e.key === 'o') {
        const t = sorted[active];
        if (t) navigate({ name: 'ticket', id: t.id });
      } else if (e.key === 'x') {
        const t = sorted[active];
        if (t) toggle(t.id);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function toggle(id: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function sortBy(column: Column) {
    setSortChosen(true);
    setSort((s) =>
      s.column === column
        ? { column, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { column, dir: column === 'due' ? 'asc' : 'desc' },
    );
  }

  function onSearch(e: FormEvent) {
    e.preventDefault();
    setSearch(q.trim());
  }

  async function bulk(label: string, run: (id: string) => Promise<unknown>) {
    const ids = [...selected];
    setBulkMessage(`${label}: working on ${ids.length}…`);
    const results = await Promise.allSettled(ids.map(run));
    const refused = results.flatMap((r, i) =>
      r.status === 'rejected'
        ? [`${items.find((t) => t.id === ids[i])?.reference ?? ids[i]}: ${messageOf(r.reason)}`]
        : [],
    );
    setBulkMessage(
      `${label}: ${ids.length - refused.length} done` +
        (refused.length ? `, ${refused.length} refused — ${refused.join('; ')}` : ''),
    );
    setSelected(new Set());
    void load(false, Math.max(PAGE, items.length));
  }

  const path = (id: string) => ({ params: { path: { id } } });
  const allChecked = sorted.length > 0 && sorted.every((t) => selected.has(t.id));

  return (
    <section aria-labelledby="list-title" className="list-page">
      <div className="list-head">
        <h1 id="list-title">{view.name}</h1>
        <form role="search" onSubmit={onSearch} className="search">
          <label htmlFor="q" className="visually-hidden">
            Search tickets
          </label>
          <input id="q" type="search" placeholder="Search tickets" value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit">Search</button>
        </form>
        <label className="inline">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            <option value="new,in_progress,waiting">Open</option>
            {['new', 'in_progress', 'waiting', 'resolved', 'closed', 'draft'].map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
            {status && !status.match(/^[a-z_]+$/) && status !== 'new,in_progress,waiting' && (
              <option value={status}>{status.split(',').map(humanize).join(', ')}</option>
            )}
          </select>
        </label>
        <SaveViewDialog query={query} onSaved={onSaved} />
      </div>

      {selected.size > 0 && <BulkBar count={selected.size} bulk={bulk} path={path} />}
      {bulkMessage && (
        <p role="status" className="note">
          {bulkMessage}
        </p>
      )}
      <ProblemAlert error={error} />

      <div className="table-wrap">
        <table className="tickets" aria-describedby="list-keys">
          <caption id="list-keys" className="muted">
            j / k to move, Enter to open, x to select
          </caption>
          <thead>
            <tr>
              <th scope="col" className="check">
                <input
                  type="checkbox"
                  aria-label="Select all"
                  checked={allChecked}
                  onChange={() => setSelected(allChecked ? new Set() : new Set(sorted.map((t) => t.id)))}
                />
              </th>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={`col-${c.key}`}
                  aria-sort={sort.column === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{sort.column === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((t, i) => (
              <tr
                key={t.id}
                ref={(el) => {
                  rows.current[i] = el;
                }}
                tabIndex={-1}
                className={[
                  i === active ? 'active' : '',
                  t.attention ? 'attention' : '',
                  selected.has(t.id) ? 'selected' : '',
                ]
                  .join(' ')
                  .trim()}
                onFocus={() => setActive(i)}
                data-ticket={t.reference}
              >
                <td className="check">
                  <input
                    type="checkbox"
                    aria-label={`Select ${t.reference}`}
                    checked={selected.has(t.id)}
                    onChange={() => toggle(t.id)}
                  />
                </td>
                <td className="col-reference">
                  <a href={hrefOf({ name: 'ticket', id: t.id })}>{t.reference}</a>
                </td>
                <td className="col-title">{t.title ?? <span className="muted">(no title)</span>}</td>
                <td className="col-requester">{cell(t, 'requester')}</td>
                <td className="col-status">
                  <span className={`badge status-${t.status}`}>{humanize(t.status)}</span>
                </td>
                <td className="col-assignee">{nameOf(t.assignee) ?? <span className="muted">—</span>}</td>
                <td className="col-group">{t.group ?? ''}</td>
                <td className="col-priority">{t.priority ?? ''}</td>
                <td className="col-due">{t.slaDueAt ? <Countdown to={t.slaDueAt} /> : ''}</td>
                <td className="col-updated">
                  <time dateTime={t.updatedAt} title={new Date(t.updatedAt).toLocaleString()}>
                    {new Date(t.updatedAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && items.length === 0 && !error && <p className="empty">No tickets in this view.</p>}
      <div className="more">
        {cursor && (
          <button type="button" onClick={() => void load(true)} disabled={loading}>
            Load more
          </button>
        )}
        {loading && <span role="status">Loading…</span>}
      </div>
    </section>
  );
}

type Bulk = (label: string, run: (id: string) => Promise<unknown>) => Promise<void>;

function BulkBar({
  count,
  bulk,
  path,
}: {
  count: number;
  bulk: Bulk;
  path: (id: string) => { params: { path: { id: string } } };
}) {
  const { api } = useConsole();
  const { agents, groups } = useStaff();
  const [assignee, setAssignee] = useState('');
  const [group, setGroup] = useState('');
  return (
    <div className="bulk" role="region" aria-label="Bulk actions">
      <strong>{count} selected</strong>
      <button
        type="button"
        onClick={() =>
          void bulk('Take', (id) => call(api.client.POST('/v1/tickets/{id}/take', { ...path(id), body: {} })))
        }
      >
        Take
      </button>
      <span className="inline">
        <label htmlFor="bulk-assignee">Assign to</label>
        <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">—</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!assignee}
          onClick={() =>
            void bulk(`Assign to ${assignee}`, (id) =>
              call(api.client.POST('/v1/tickets/{id}/assign', { ...path(id), body: { assignee } })),
            )
          }
        >
          Assign
        </button>
      </span>
      <span className="inline">
        <label htmlFor="bulk-group">Group</label>
        <select id="bulk-group" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">—</option>
          {groups.map((g) => (
            <option key={g.name} value={g.name}>
              {g.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!group}
          onClick={() =>
            void bulk(`Set group ${group}`, (id) =>
              call(api.client.POST('/v1/tickets/{id}/reclassify', { ...path(id), body: { group } })),
            )
          }
        >
          Set group
        </button>
      </span>
      <button
        type="button"
        className="danger"
        onClick={() =>
          void bulk('Spam', (id) => call(api.client.POST('/v1/tickets/{id}/spam', { ...path(id), body: {} })))
        }
      >
        Spam
      </button>
    </div>
  );
}

function SaveViewDialog({ query, onSaved }: { query: ListQuery; onSaved: () => void }) {
  const { api } = useConsole();
  const { groups } = useStaff();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState('');
  const [error, setError] = useState<unknown>(null);
  // The list's filters as they go in its URL; no dueBefore instant (it would freeze in time).
  const { dueBefore: _due, ...saveable } = query;

  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await call(
        api.client.POST('/v1/views', {
          body: { name, query: saveable as ViewQuery, ...(shared ? { sharedWithGroup: shared } : {}) },
        }),
      );
      setOpen(false);
      setName('');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiFailure ? err : new Error(messageOf(err)));
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button">Save this view</button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>Save this view</Dialog.Title>
          <Dialog.Description className="muted">
            {Object.entries(saveable)
              .map(([k, v]) => `${k}=${v}`)
              .join(' · ') || 'All tickets'}
          </Dialog.Description>
          <form onSubmit={save}>
            <label htmlFor="view-name">Name</label>
            <input id="view-name" required value={name} onChange={(e) => setName(e.target.value)} />
            <label htmlFor="view-share">Share with group</label>
            <select id="view-share" value={shared} onChange={(e) => setShared(e.target.value)}>
              <option value="">Only me</option>
              {groups.map((g) => (
                <option key={g.name} value={g.name}>
                  {g.name}
                </option>
              ))}
            </select>
            <ProblemAlert error={error} />
            <div className="actions">
              <Dialog.Close asChild>
                <button type="button">Cancel</button>
              </Dialog.Close>
              <button type="submit" className="primary">
                Save
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
