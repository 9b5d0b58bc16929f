// The directory's one guard against duplicate people is the store's unique index on email: many
// first contacts from one address at once (mail and API racing) make exactly one requester, and
// concurrent creations of one address by admins give one user and conflicts for the rest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateDatabase } from '@helpdesk/dev-stack';
import { DirectoryConflictError, Store } from '@helpdesk/persistence';

let dataDir: string;
let running: Awaited<ReturnType<typeof privateDatabase>> | undefined;
let store: Store;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-directory-'));
  const database = `directory-${randomUUID().slice(0, 8)}`;
  running = await privateDatabase({ dataDir, database });
  store = await Store.connect(running.url);
}, 600_000);

afterAll(async () => {
  await store?.close();
  await running?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('directory under concurrency', () => {
  it('50 first contacts from one address at once make one requester', async () => {
    const email = `race-${randomUUID().slice(0, 8)}@customer.example`;
    const users = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.directory.ensureRequester({ email: i % 2 ? email : email.toUpperCase(), name: `n${i}` }),
      ),
    );
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect((await store.directory.listUsers({ role: 'requester' })).filter((u) => u.email === email)).toHaveLength(1);
  });

  it('first contacts naming their own id at once make one requester with that id', async () => {
    const id = `rq-${randomUUID().slice(0, 8)}`;
    const users = await Promise.all(
      Array.from({ length: 30 }, () => store.directory.ensureRequester({ email: `${id}@customer.example`, id })),
    );
    expect(new Set(users.map((u) => u.id))).toEqual(new Set([id]));
  });

  it('an id taken by someone else: the requester gets a fresh id', async () => {
    const id = `taken-${randomUUID().slice(0, 8)}`;
    await store.directory.createUser({ id, name: 'Agent', email: `${id}@staff.example`, role: 'agent' });
    const other = await store.directory.ensureRequester({ email: `${id}@customer.example`, id });
    expect(other.id).not.toBe(id);
    expect(other.email).toBe(`${id}@customer.example`);
  });

  it('30 admins creating one address at once: one user, 29 conflicts', async () => {
    const email = `dup-${randomUUID().slice(0, 8)}@staff.example`;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => store.directory.createUser({ name: `a${i}`, email, role: 'agent' })),
    );
    const made = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(made).toHaveLength(1);
    expect(refused).toHaveLength(29);
    expect(refused.every((e) => e instanceof DirectoryConflictError)).toBe(true);
  });
});
