// The notifier reads recipients from the directory when a mail leaves: user:<id> is an active
// user's email, group:<name> the group's email or else its active members'; the legacy group
// mailbox means the group; what leads nowhere is dropped with why.
import { describe, expect, it } from 'vitest';
import type { DirectoryGroup, DirectoryUser } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { resolveRecipients } from '../src/recipients';

const user = (id: string, active = true): DirectoryUser =>
  ({ id, email: `${id}@staff.example`, active, role: 'agent' }) as DirectoryUser;
const users = [user('alice'), user('bob'), user('gone', false)];
const groups: DirectoryGroup[] = [
  { name: 'ops', email: 'ops@staff.example', members: ['alice'] } as DirectoryGroup,
  { name: 'support', members: ['alice', 'bob', 'gone'] } as DirectoryGroup,
  { name: 'empty', members: ['gone'] } as DirectoryGroup,
];
const store = {
  directory: {
    user: async (id: string) => users.find((u) => u.id === id),
    group: async (name: string) => groups.find((g) => g.name === name),
    listUsers: async (f: { ids?: string[]; active?: boolean }) =>
      users.filter((u) => (!f.ids || f.ids.includes(u.id)) && (f.active === undefined || u.active === f.active)),
  },
} as unknown as Store;

describe('resolveRecipients (directory)', () => {
  it('resolves users and groups, keeps plain addresses, drops what leads nowhere', async () => {
    const r = await resolveRecipients(
      store,
      ['user:alice', 'group:ops', 'group:support', 'carol@example.com', 'user:gone', 'user:nobody', 'group:empty'],
      ['bob@staff.example', 'dave@example.com'],
    );
    expect(r.to).toEqual(['alice@staff.example', 'ops@staff.example', 'bob@staff.example', 'carol@example.com']);
    expect(r.cc).toEqual(['dave@example.com']);
    expect(r.dropped).toEqual([
      { recipient: 'user:gone', reason: 'the user is deactivated' },
      { recipient: 'user:nobody', reason: 'no such user in the directory' },
      { recipient: 'group:empty', reason: 'the group has no email and no active member' },
    ]);
  });

  it('reads the legacy group mailbox as the group when the directory has it, else as an address', async () => {
    const r = await resolveRecipients(store, ['ops@groups.helpdesk.local', 'network@groups.helpdesk.local']);
    expect(r.to).toEqual(['ops@staff.example', 'network@groups.helpdesk.local']);
    expect(r.dropped).toEqual([]);
  });
});
