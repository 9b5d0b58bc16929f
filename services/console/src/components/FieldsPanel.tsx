// The ticket's fields: title, priority, category and tags change through PATCH (the modify
// command), type, group and severity through reclassify; each only where the API offers it.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { CommandName, Ticket } from '../api';
import { humanize } from '../api';
import { call } from '../call';
import { useConsole } from '../context';
import { useStaff } from '../directory';
import { ProblemAlert } from './ProblemAlert';

interface Draft {
  title: string;
  priority: string;
  category: string;
  tags: string;
  type: string;
  group: string;
  severity: string;
}

const draftOf = (t: Ticket): Draft => ({
  title: t.title ?? '',
  priority: t.priority ?? '',
  category: t.category ?? '',
  tags: t.tags.join(', '),
  type: t.type ?? '',
  group: t.group ?? '',
  severity: t.severity ?? '',
});

export function FieldsPanel({
  ticket,
  offered,
  onSaved,
}: {
  ticket: Ticket;
  offered: CommandName[];
  onSaved: () => void;
}) {
  const { api } = useConsole();
  const { groups, nameOf } = useStaff();
  const [draft, setDraft] = useState(() => draftOf(ticket));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(draftOf(ticket)), [ticket]);
  const canModify = offered.includes('modify');
  const canReclassify = offered.includes('reclassify');
  const original = draftOf(ticket);
  const changed = (k: keyof Draft) => draft[k].trim() !== original[k] && draft[k].trim() !== '';

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const path = { params: { path: { id: ticket.id } } };
    try {
      const modify = {
        ...(changed('title') ? { title: draft.title.trim() } : {}),
        ...(changed('priority') ? { priority: draft.priority.trim() } : {}),
        ...(changed('category') ? { category: draft.category.trim() } : {}),
        ...(draft.tags !== original.tags
          ? {
              tags: draft.tags
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }
          : {}),
      };
      if (canModify && Object.keys(modify).length > 0)
        await call(api.client.PATCH('/v1/tickets/{id}', { ...path, body: modify }));
      const reclassify = {
        ...(changed('type') ? { type: draft.type.trim() } : {}),
        ...(changed('group') ? { group: draft.group.trim() } : {}),
        ...(changed('severity') ? { severity: draft.severity.trim() } : {}),
      };
      if (canReclassify && Object.keys(reclassify).length > 0)
        await call(api.client.POST('/v1/tickets/{id}/reclassify', { ...path, body: reclassify }));
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  const field = (key: keyof Draft, label: string, editable: boolean, list?: string[]) => (
    <div className="field" key={key}>
      <label htmlFor={`field-${key}`}>{label}</label>
      {editable ? (
        <>
          <input
            id={`field-${key}`}
            value={draft[key]}
            list={list ? `list-${key}` : undefined}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
          />
          {list && (
            <datalist id={`list-${key}`}>
              {list.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          )}
        </>
      ) : (
        <output id={`field-${key}`}>{draft[key] || '—'}</output>
      )}
    </div>
  );

  return (
    <section aria-labelledby="fields-title" className="panel">
      <h2 id="fields-title">Fields</h2>
      <dl className="facts">
        <dt>Requester</dt>
        <dd>
          {ticket.requester?.name ?? ticket.requester?.id ?? '—'}
          {ticket.requester?.email && <div className="muted">{ticket.requester.email}</div>}
        </dd>
        <dt>Channel</dt>
        <dd>{humanize(ticket.channel)}</dd>
        {ticket.company && (
          <>
            <dt>Organization</dt>
            <dd>{ticket.company}</dd>
          </>
        )}
        {ticket.waitType && (
          <>
            <dt>Waiting</dt>
            <dd>
              {humanize(ticket.waitType)}
              {ticket.waitUntil && ` until ${new Date(ticket.waitUntil).toLocaleString()}`}
            </dd>
          </>
        )}
        {ticket.resolution && (
          <>
            <dt>Resolution</dt>
            <dd>
              {humanize(ticket.resolution.method)} by {nameOf(ticket.resolution.by)}
            </dd>
          </>
        )}
      </dl>
      <form onSubmit={save}>
        {field('title', 'Title', canModify)}
        {field('priority', 'Priority', canModify, ['low', 'normal', 'high', 'urgent'])}
        {field('category', 'Category', canModify)}
        {field('tags', 'Tags (comma-separated)', canModify)}
        {field('type', 'Type', canReclassify)}
        {field(
          'group',
          'Group',
          canReclassify,
          groups.map((g) => g.name),
        )}
        {field('severity', 'Severity', canReclassify)}
        <ProblemAlert error={error} />
        {saved && (
          <p role="status" className="note">
            Saved.
          </p>
        )}
        {(canModify || canReclassify) && (
          <button type="submit" className="secondary">
            Save fields
          </button>
        )}
      </form>
    </section>
  );
}
