// The directory: users, groups and organizations (GET /v1/users, /v1/groups, /v1/organizations).
import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import * as Tabs from '@radix-ui/react-tabs';
import type { Group, Organization, User } from '../api';
import { call } from '../call';
import { useConsole } from '../context';
import { ProblemAlert } from '../components/ProblemAlert';

export function DirectoryPage() {
  const { api, user } = useConsole();
  const [users, setUsers] = useState<User[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [orgs, setOrgs] = useState<Organization[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([
      call(api.client.GET('/v1/users')),
      call(api.client.GET('/v1/groups')),
      call(api.client.GET('/v1/organizations')),
    ])
      .then(([u, g, o]) => {
        setUsers(u.items);
        setGroups(g.items);
        setOrgs(o.items);
      })
      .catch(setError);
  }, [api]);
  useEffect(load, [load]);
  const isAdmin = user.role === 'admin';

  async function deactivate(u: User) {
    if (!window.confirm(`Deactivate ${u.name}? Their sessions end and their in-progress tickets return to the queue.`))
      return;
    setError(null);
    try {
      const outcome = await call(
        api.client.POST('/v1/users/{id}/deactivate', { params: { path: { id: u.id } }, body: {} }),
      );
      setNotice(
        `${u.name} deactivated: ${outcome.returnedToQueue.length} ticket(s) returned to the queue, ` +
          `${outcome.stillAssigned.length} still assigned`,
      );
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="directory-title" className="admin-page">
      <h1 id="directory-title">Directory</h1>
      <ProblemAlert error={error} />
      {notice && (
        <p role="status" className="note">
          {notice}
        </p>
      )}
      <Tabs.Root defaultValue="users">
        <Tabs.List className="tabs" aria-label="Directory">
          <Tabs.Trigger value="users" className="tab">
            Users ({users.length})
          </Tabs.Trigger>
          <Tabs.Trigger value="groups" className="tab">
            Groups ({groups.length})
          </Tabs.Trigger>
          <Tabs.Trigger value="organizations" className="tab">
            Organizations ({orgs.length})
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="users" className="tab-panel table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Availability</th>
                <th scope="col">Active</th>
                {isAdmin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    {u.name} <span className="muted">({u.id})</span>
                  </th>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>{u.availability}</td>
                  <td>{u.active ? 'yes' : 'no'}</td>
                  {isAdmin && (
                    <td>
                      {u.active && u.id !== user.id && (
                        <button type="button" className="danger" onClick={() => void deactivate(u)}>
                          Deactivate
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {isAdmin && (
            <NewUserForm
              onCreated={(u) => {
                setNotice(`Created ${u.name} (${u.id})`);
                load();
              }}
            />
          )}
        </Tabs.Content>
        <Tabs.Content value="groups" className="tab-panel table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Members</th>
                <th scope="col">Routing</th>
                <th scope="col">Mail</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.name}>
                  <th scope="row">{g.name}</th>
                  <td>{g.members.join(', ')}</td>
                  <td>{g.routing.rule.replace(/_/g, ' ')}</td>
                  <td>{g.email ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Tabs.Content>
        <Tabs.Content value="organizations" className="tab-panel table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Organization</th>
                <th scope="col">Domains</th>
                <th scope="col">Shares tickets</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id}>
                  <th scope="row">{o.name}</th>
                  <td>{o.domains.join(', ')}</td>
                  <td>{o.shareTickets ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Tabs.Content>
      </Tabs.Root>
    </section>
  );
}

function NewUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { api } = useConsole();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'agent' | 'admin' | 'requester'>('agent');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const created = await call(api.client.POST('/v1/users', { body: { name, email, role } }));
      setName('');
      setEmail('');
      onCreated(created);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} className="panel new-user" aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a user</h2>
      <label htmlFor="new-user-name">Name</label>
      <input id="new-user-name" required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="new-user-email">Email</label>
      <input id="new-user-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="new-user-role">Role</label>
      <select
        id="new-user-role"
        value={role}
        onChange={(e) => setRole(e.target.value as 'agent' | 'admin' | 'requester')}
      >
        <option value="agent">Agent</option>
        <option value="admin">Admin</option>
        <option value="requester">Requester</option>
      </select>
      <ProblemAlert error={error} />
      <button type="submit" className="primary">
        Add user
      </button>
      <p className="muted">Staff set their password with an admin (PUT /v1/users/:id/password) or npm run admin.</p>
    </form>
  );
}
