// The directory the e2e tests assume: the agents and admins their tokens name (assignments are
// checked against the directory), all in the group `support`.
import { DirectoryConflictError, Store } from '@helpdesk/persistence';
import type { UserRole } from '@helpdesk/contracts';

export const SEEDED_AGENTS = ['alice', 'bob', 'carol', 'a', 'other', 'agent-1', 'agent-2', 'agent-3'];
export const SEEDED_ADMINS = ['root', 'admin'];

/** Idempotent: users and the group are created when missing, members added when missing. */
export async function seedDirectory(store: Store): Promise<void> {
  const people: [string, UserRole][] = [
    ...SEEDED_AGENTS.map((id): [string, UserRole] => [id, 'agent']),
    ...SEEDED_ADMINS.map((id): [string, UserRole] => [id, 'admin']),
  ];
  for (const [id, role] of people) {
    if (await store.directory.user(id)) continue;
    await store.directory
      .createUser({ id, name: id, email: `${id}@agents.helpdesk.test`, role })
      .catch((err: unknown) => {
        if (!(err instanceof DirectoryConflictError)) throw err;
      });
  }
  const ids = people.map(([id]) => id);
  const support = await store.directory.group('support');
  if (!support) {
    await store.directory.createGroup({ name: 'support', members: ids }).catch((err: unknown) => {
      if (!(err instanceof DirectoryConflictError)) throw err;
    });
  } else if (ids.some((id) => !support.members.includes(id))) {
    await store.directory.updateGroup('support', { members: [...new Set([...support.members, ...ids])] });
  }
}

/** The same for a store at `mongoUrl` (a private database). */
export async function seedDirectoryAt(mongoUrl: string): Promise<void> {
  const store = await Store.connect(mongoUrl);
  try {
    await seedDirectory(store);
  } finally {
    await store.close();
  }
}
