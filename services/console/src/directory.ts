// Agents and groups for pickers (assign, set group, share a view) and for showing names, loaded
// once per session (the directory changes rarely; a reload of the page reads it again).
import { useEffect, useState } from 'react';
import type { Api } from '@helpdesk/api-client';
import type { Group, User } from './api';
import { call } from './call';
import { useConsole } from './context';

interface Staff {
  agents: User[];
  groups: Group[];
}

const loaded = new WeakMap<Api, Promise<Staff>>();

function loadStaff(api: Api): Promise<Staff> {
  let staff = loaded.get(api);
  if (!staff) {
    staff = Promise.all([
      call(api.client.GET('/v1/users', { params: { query: { active: 'true' } } })).catch(() => ({ items: [] })),
      call(api.client.GET('/v1/groups')).catch(() => ({ items: [] })),
    ]).then(([users, groups]) => ({ agents: users.items.filter((u) => u.role !== 'requester'), groups: groups.items }));
    loaded.set(api, staff);
  }
  return staff;
}

export function useStaff(): Staff & { nameOf: (id: string | undefined) => string | undefined } {
  const { api } = useConsole();
  const [staff, setStaff] = useState<Staff>({ agents: [], groups: [] });
  useEffect(() => {
    let live = true;
    void loadStaff(api).then((s) => {
      if (live) setStaff(s);
    });
    return () => {
      live = false;
    };
  }, [api]);
  const nameOf = (id: string | undefined) =>
    id === undefined ? undefined : (staff.agents.find((a) => a.id === id)?.name ?? id);
  return { ...staff, nameOf };
}
