// Exactly the commands on offer (the API's allowedCommands), each with its form: one-click ones as
// buttons, the others as tabs. A refused command shows the API's reason (its problem `detail`) and
// the commands it says are possible now replace the offer.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import * as Tabs from '@radix-ui/react-tabs';
import type { CommandName, ResolutionMethod, Ticket } from '../api';
import { RESOLUTION_METHODS, humanize } from '../api';
import { ApiFailure, call } from '../call';
import { useConsole } from '../context';
import { useStaff } from '../directory';
import { ProblemAlert } from './ProblemAlert';

type Send = (label: string, run: () => Promise<Ticket | undefined>) => Promise<boolean>;

const BUTTONS: { command: CommandName; label: string; danger?: boolean }[] = [
  { command: 'take', label: 'Take' },
  { command: 'resume', label: 'Resume' },
  { command: 'end_case', label: 'Case ended' },
  { command: 'reopen', label: 'Reopen' },
  { command: 'restore', label: 'Restore' },
  { command: 'spam', label: 'Spam', danger: true },
  { command: 'delete', label: 'Delete', danger: true },
];

const FORMS: { command: CommandName; label: string }[] = [
  { command: 'reply', label: 'Reply' },
  { command: 'assign', label: 'Assign' },
  { command: 'release', label: 'Release' },
  { command: 'wait', label: 'Wait' },
  { command: 'resolve', label: 'Resolve' },
  { command: 'merge', label: 'Merge' },
  { command: 'split', label: 'Split' },
  { command: 'attach', label: 'Attach' },
  { command: 'apply_macro', label: 'Macro' },
];

export function Commands({
  ticket,
  offered,
  onDone,
  onRefused,
  onTyping,
}: {
  ticket: Ticket;
  offered: CommandName[];
  onDone: (ticket: Ticket | undefined) => void;
  onRefused: (allowed: CommandName[]) => void;
  onTyping: () => void;
}) {
  const { api } = useConsole();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const forms = FORMS.filter((f) => offered.includes(f.command));
  const buttons = BUTTONS.filter((b) => offered.includes(b.command));
  const [tab, setTab] = useState(forms[0]?.command ?? 'reply');
  useEffect(() => {
    if (!forms.some((f) => f.command === tab) && forms[0]) setTab(forms[0].command);
  }, [forms, tab]);
  const path = { params: { path: { id: ticket.id } } };

  const send: Send = async (label, run) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const t = await run();
      setDone(`${label}: done`);
      onDone(t);
      return true;
    } catch (err) {
      setError(err);
      if (err instanceof ApiFailure && err.problem?.allowedCommands) onRefused(err.problem.allowedCommands);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const button = (command: CommandName): Promise<Ticket | undefined> => {
    switch (command) {
      case 'take':
        return call(api.client.POST('/v1/tickets/{id}/take', { ...path, body: {} }));
      case 'resume':
        return call(api.client.POST('/v1/tickets/{id}/resume', { ...path, body: {} }));
      case 'end_case':
        return call(api.client.POST('/v1/tickets/{id}/end_case', { ...path, body: {} }));
      case 'reopen':
        return call(api.client.POST('/v1/tickets/{id}/reopen', { ...path, body: {} }));
      case 'restore':
        return call(api.client.POST('/v1/tickets/{id}/restore', { ...path, body: {} }));
      case 'spam':
        return call(api.client.POST('/v1/tickets/{id}/spam', { ...path, body: {} }));
      default:
        return call(api.client.DELETE('/v1/tickets/{id}', path)).then(() => undefined);
    }
  };

  if (offered.length === 0)
    return (
      <section className="commands panel" aria-label="Commands">
        <p className="muted">No command is possible on this ticket now.</p>
      </section>
    );

  return (
    <section className="commands panel" aria-labelledby="commands-title">
      <h2 id="commands-title">Actions</h2>
      {buttons.length > 0 && (
        <div className="quick">
          {buttons.map((b) => (
            <button
              key={b.command}
              type="button"
              className={b.danger ? 'danger' : 'secondary'}
              disabled={busy}
              onClick={() => {
                if (b.danger && !window.confirm(`${b.label} ${ticket.reference}?`)) return;
                void send(b.label, () => button(b.command));
              }}
            >
              {b.label}
            </button>
          ))}
        </div>
      )}
      {forms.length > 0 && (
        <Tabs.Root value={tab} onValueChange={(v) => setTab(v as CommandName)}>
          <Tabs.List className="tabs" aria-label="Commands with a form">
            {forms.map((f) => (
              <Tabs.Trigger key={f.command} value={f.command} className="tab">
                {f.label}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {forms.map((f) => (
            <Tabs.Content key={f.command} value={f.command} className="tab-panel">
              {f.command === 'reply' && (
                <ReplyForm
                  ticket={ticket}
                  send={send}
                  busy={busy}
                  canResolve={offered.includes('resolve')}
                  onTyping={onTyping}
                />
              )}
              {f.command === 'assign' && <AssignForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'release' && <ReleaseForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'wait' && <WaitForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'resolve' && <ResolveForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'merge' && <MergeForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'split' && <SplitForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'attach' && <AttachForm ticket={ticket} send={send} busy={busy} />}
              {f.command === 'apply_macro' && <MacroForm ticket={ticket} send={send} busy={busy} />}
            </Tabs.Content>
          ))}
        </Tabs.Root>
      )}
      <ProblemAlert error={error} />
      {done && (
        <p role="status" className="note">
          {done}
        </p>
      )}
    </section>
  );
}

interface FormProps {
  ticket: Ticket;
  send: Send;
  busy: boolean;
}

function Form({ onSubmit, children, label }: { onSubmit: () => void; children: ReactNode; label: string }) {
  return (
    <form
      aria-label={label}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

function MethodSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: ResolutionMethod;
  onChange: (m: ResolutionMethod) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as ResolutionMethod)}>
      {RESOLUTION_METHODS.map((m) => (
        <option key={m} value={m}>
          {humanize(m)}
        </option>
      ))}
    </select>
  );
}

type Visibility = 'public' | 'private_note' | 'private_message';
const KIND_LABEL: Record<Visibility, string> = {
  public: 'Public reply',
  private_note: 'Private note',
  private_message: 'Private message',
};

function ReplyForm({
  ticket,
  send,
  busy,
  canResolve,
  onTyping,
}: FormProps & { canResolve: boolean; onTyping: () => void }) {
  const { api } = useConsole();
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [recipients, setRecipients] = useState('');
  const [andResolve, setAndResolve] = useState(false);
  const [method, setMethod] = useState<ResolutionMethod>('customer_communication');
  const path = { params: { path: { id: ticket.id } } };

  async function submit() {
    const text = body.trim();
    const resolve = canResolve && andResolve && visibility === 'public' ? { resolve: { method } } : {};
    const label = andResolve && visibility === 'public' ? 'Send and resolve' : KIND_LABEL[visibility];
    const ok = await send(label, () => {
      if (visibility === 'private_note')
        return call(api.client.POST('/v1/tickets/{id}/notes', { ...path, body: { body: text } }));
      if (visibility === 'private_message')
        return call(
          api.client.POST('/v1/tickets/{id}/messages', {
            ...path,
            body: {
              body: text,
              recipients: recipients
                .split(/[,\s]+/)
                .map((r) => r.trim())
                .filter(Boolean),
            },
          }),
        );
      return call(
        api.client.POST('/v1/tickets/{id}/replies', {
          ...path,
          body: { body: text, visibility: 'public', ...resolve },
        }),
      );
    });
    if (ok) {
      setBody('');
      setAndResolve(false);
    }
  }

  return (
    <Form onSubmit={() => void submit()} label="Reply">
      <fieldset className="choices">
        <legend>Kind</legend>
        {(Object.entries(KIND_LABEL) as [Visibility, string][]).map(([v, label]) => (
          <label key={v} className="inline">
            <input
              type="radio"
              name="visibility"
              value={v}
              checked={visibility === v}
              onChange={() => setVisibility(v)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {visibility === 'private_message' && (
        <>
          <label htmlFor="recipients">Recipients (addresses, comma-separated)</label>
          <input id="recipients" required value={recipients} onChange={(e) => setRecipients(e.target.value)} />
        </>
      )}
      <label htmlFor="reply-body">Message</label>
      <textarea
        id="reply-body"
        required
        rows={5}
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          onTyping();
        }}
      />
      {canResolve && visibility === 'public' && (
        <div className="inline-group">
          <label className="inline">
            <input type="checkbox" checked={andResolve} onChange={(e) => setAndResolve(e.target.checked)} />
            and resolve
          </label>
          {andResolve && (
            <>
              <label htmlFor="reply-method" className="visually-hidden">
                Resolution method
              </label>
              <MethodSelect id="reply-method" value={method} onChange={setMethod} />
            </>
          )}
        </div>
      )}
      <button type="submit" className="primary" disabled={busy || !body.trim()}>
        {andResolve && visibility === 'public' ? 'Send and resolve' : visibility === 'public' ? 'Send reply' : 'Add'}
      </button>
    </Form>
  );
}

function AssignForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const { agents } = useStaff();
  const [assignee, setAssignee] = useState('');
  return (
    <Form
      label="Assign"
      onSubmit={() =>
        void send(`Assign to ${assignee}`, () =>
          call(api.client.POST('/v1/tickets/{id}/assign', { params: { path: { id: ticket.id } }, body: { assignee } })),
        )
      }
    >
      <label htmlFor="assignee">Assignee</label>
      <select id="assignee" required value={assignee} onChange={(e) => setAssignee(e.target.value)}>
        <option value="">Choose…</option>
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.id})
          </option>
        ))}
      </select>
      <button type="submit" className="primary" disabled={busy || !assignee}>
        Assign
      </button>
    </Form>
  );
}

function ReleaseForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [reason, setReason] = useState<'release' | 'return_to_queue'>('return_to_queue');
  return (
    <Form
      label="Release"
      onSubmit={() =>
        void send('Release', () =>
          call(api.client.POST('/v1/tickets/{id}/release', { params: { path: { id: ticket.id } }, body: { reason } })),
        )
      }
    >
      <label htmlFor="release-reason">Reason</label>
      <select
        id="release-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value as 'release' | 'return_to_queue')}
      >
        <option value="return_to_queue">Return to queue</option>
        <option value="release">Release</option>
      </select>
      <button type="submit" className="primary" disabled={busy}>
        Release
      </button>
    </Form>
  );
}

function WaitForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [kind, setKind] = useState<'more_info' | 'until' | 'case'>('more_info');
  const [days, setDays] = useState('3');
  const [closeIfNoResponse, setClose] = useState(false);
  const [until, setUntil] = useState('');
  const [caseId, setCaseId] = useState('');
  const path = { params: { path: { id: ticket.id } } };
  function body() {
    if (kind === 'until') return { waitType: 'until' as const, until: new Date(until).toISOString() };
    if (kind === 'case') return { waitType: 'case' as const, ...(caseId.trim() ? { caseId: caseId.trim() } : {}) };
    return { waitType: 'more_info' as const, ...(days ? { days: Number(days) } : {}), closeIfNoResponse };
  }
  return (
    <Form
      label="Wait"
      onSubmit={() =>
        void send('Wait', () => call(api.client.POST('/v1/tickets/{id}/wait', { ...path, body: body() })))
      }
    >
      <fieldset className="choices">
        <legend>Wait for</legend>
        {(
          [
            ['more_info', 'More information from the requester'],
            ['until', 'A date'],
            ['case', 'A case'],
          ] as const
        ).map(([v, label]) => (
          <label key={v} className="inline">
            <input type="radio" name="wait-kind" value={v} checked={kind === v} onChange={() => setKind(v)} />
            {label}
          </label>
        ))}
      </fieldset>
      {kind === 'more_info' && (
        <>
          <label htmlFor="wait-days">Days</label>
          <input
            id="wait-days"
            type="number"
            min="0.01"
            step="any"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
          <label className="inline">
            <input type="checkbox" checked={closeIfNoResponse} onChange={(e) => setClose(e.target.checked)} />
            Close if no response
          </label>
        </>
      )}
      {kind === 'until' && (
        <>
          <label htmlFor="wait-until">Until</label>
          <input
            id="wait-until"
            type="datetime-local"
            required
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
        </>
      )}
      {kind === 'case' && (
        <>
          <label htmlFor="wait-case">Case id (optional)</label>
          <input id="wait-case" value={caseId} onChange={(e) => setCaseId(e.target.value)} />
        </>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Wait
      </button>
    </Form>
  );
}

function ResolveForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [method, setMethod] = useState<ResolutionMethod>('customer_communication');
  const [note, setNote] = useState('');
  return (
    <Form
      label="Resolve"
      onSubmit={() =>
        void send('Resolve', () =>
          call(
            api.client.POST('/v1/tickets/{id}/resolve', {
              params: { path: { id: ticket.id } },
              body: { method, ...(note.trim() ? { note: note.trim() } : {}) },
            }),
          ),
        )
      }
    >
      <label htmlFor="resolve-method">Method</label>
      <MethodSelect id="resolve-method" value={method} onChange={setMethod} />
      <label htmlFor="resolve-note">Note (optional)</label>
      <textarea id="resolve-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" className="primary" disabled={busy}>
        Resolve
      </button>
    </Form>
  );
}

function MergeForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [target, setTarget] = useState('');
  async function targetId(): Promise<string> {
    const wanted = target.trim();
    if (!/^[A-Z]+-\d/.test(wanted)) return wanted;
    const found = await call(api.client.GET('/v1/tickets', { params: { query: { q: wanted, limit: 5 } } }));
    const match = found.items.find((t) => t.reference === wanted);
    if (!match) throw new Error(`No ticket ${wanted}`);
    return match.id;
  }
  return (
    <Form
      label="Merge"
      onSubmit={() =>
        void send('Merge', async () =>
          call(
            api.client.POST('/v1/tickets/{id}/merge', {
              params: { path: { id: ticket.id } },
              body: { targetId: await targetId() },
            }),
          ),
        )
      }
    >
      <label htmlFor="merge-target">Merge into (reference or id)</label>
      <input id="merge-target" required value={target} onChange={(e) => setTarget(e.target.value)} />
      <button type="submit" className="primary" disabled={busy}>
        Merge
      </button>
    </Form>
  );
}

function SplitForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [children, setChildren] = useState([{ title: '', description: '' }]);
  const update = (i: number, patch: Partial<{ title: string; description: string }>) =>
    setChildren(children.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <Form
      label="Split"
      onSubmit={() =>
        void send('Split', () =>
          call(
            api.client.POST('/v1/tickets/{id}/split', {
              params: { path: { id: ticket.id } },
              body: { children: children.map((c) => ({ title: c.title.trim(), description: c.description.trim() })) },
            }),
          ),
        )
      }
    >
      {children.map((c, i) => (
        <fieldset key={i}>
          <legend>New ticket {i + 1}</legend>
          <label htmlFor={`split-title-${i}`}>Title</label>
          <input
            id={`split-title-${i}`}
            required
            value={c.title}
            onChange={(e) => update(i, { title: e.target.value })}
          />
          <label htmlFor={`split-description-${i}`}>Description</label>
          <textarea
            id={`split-description-${i}`}
            required
            rows={2}
            value={c.description}
            onChange={(e) => update(i, { description: e.target.value })}
          />
        </fieldset>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setChildren([...children, { title: '', description: '' }])}>
          Add another
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Split
        </button>
      </div>
    </Form>
  );
}

function AttachForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [file, setFile] = useState<File | null>(null);
  return (
    <Form
      label="Attach"
      onSubmit={() =>
        void send('Attach', async () => {
          if (!file) return undefined;
          const form = new FormData();
          form.append('file', file);
          const res = await api.session.authorizedFetch(
            `${api.session.baseUrl}/v1/tickets/${encodeURIComponent(ticket.id)}/attachments`,
            { method: 'POST', body: form },
          );
          if (!res.ok) throw new ApiFailure(await res.json().catch(() => undefined), res.status);
          return undefined;
        })
      }
    >
      <label htmlFor="attach-file">File</label>
      <input id="attach-file" type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <button type="submit" className="primary" disabled={busy || !file}>
        Upload
      </button>
    </Form>
  );
}

interface MacroChoice {
  id: string;
  name: string;
  shared: boolean;
  reply?: { body: string } | undefined;
}

/** The agent's macros (their own and the shared ones): one click applies one, as one command. */
function MacroForm({ ticket, send, busy }: FormProps) {
  const { api } = useConsole();
  const [macros, setMacros] = useState<MacroChoice[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call(api.client.GET('/v1/macros')).then(
      (list) => {
        setMacros(list.items);
        setChosen((c) => c || list.items[0]?.id || '');
      },
      (err: unknown) => setError(err),
    );
  }, [api]);
  if (error) return <ProblemAlert error={error} />;
  if (!macros) return <p role="status">Loading macros…</p>;
  if (macros.length === 0) return <p className="muted">No macro yet: save one with POST /v1/macros.</p>;
  const macro = macros.find((m) => m.id === chosen);
  return (
    <Form
      label="Apply a macro"
      onSubmit={() =>
        void send(`Macro ${macro?.name ?? ''}`, () =>
          call(
            api.client.POST('/v1/tickets/{id}/macros/{macroId}', {
              params: { path: { id: ticket.id, macroId: chosen } },
              body: {},
            }),
          ),
        )
      }
    >
      <label htmlFor="macro">Macro</label>
      <select id="macro" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        {macros.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
            {m.shared ? ' (shared)' : ''}
          </option>
        ))}
      </select>
      {macro?.reply && <p className="muted">Replies: {macro.reply.body}</p>}
      <button type="submit" className="primary" disabled={busy || !chosen}>
        Apply
      </button>
    </Form>
  );
}
