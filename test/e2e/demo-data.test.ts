// The demo data of a first `npm start` (seedDemoData, as scripts/start.js runs it), against its own
// empty database with its own worker and gateway: the accounts sign in with the printed passwords,
// ten-odd tickets marked as demo sit in varied states, and nothing is made on a store that has
// users or with DEMO_DATA=0.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, seedDemoData } from '@helpdesk/gateway';
import type { DemoOutcome } from '@helpdesk/gateway';
import { Store } from '@helpdesk/persistence';
import { api, stack } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const databaseUrl = (name: string) => stack().mongo.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);

describe('demo data on a first start', () => {
  const mongoUrl = databaseUrl(`demo-${randomUUID().slice(0, 8)}`);
  let services: PrivateServices;
  let store: Store;
  let dataDir: string;
  let outcome: DemoOutcome;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-data-'));
    // An empty database of its own (no seeded directory), served by its own worker and gateway.
    services = await startPrivateServices(['worker', 'gateway'], { env: { MONGO_URL: mongoUrl } });
    store = await Store.connect(mongoUrl);
    outcome = await seedDemoData({ store, gateway: services.gateway, dataDir, env: {} });
  }, 120_000);
  afterAll(async () => {
    await services?.stop();
    await store?.connection.dropDatabase().catch(() => undefined);
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes demo accounts that sign in with the passwords it prints and writes down', async () => {
    if (!outcome.seeded) throw new Error(`not seeded: ${outcome.reason}`);
    expect(outcome.problem).toBeUndefined();
    expect(outcome.accounts.map((a) => [a.role, a.email])).toEqual([
      ['admin', DEMO_ADMIN_EMAIL],
      ['agent', 'ada@demo.helpdesk.local'],
      ['agent', 'ben@demo.helpdesk.local'],
      ['requester', 'rita@demo.helpdesk.local'],
    ]);
    const file = fs.readFileSync(outcome.credentialsFile, 'utf8');
    expect(path.basename(outcome.credentialsFile)).toBe('demo-credentials.txt');
    expect(file).toMatch(/DEMO DATA/);
    expect(fs.statSync(outcome.credentialsFile).mode & 0o077).toBe(0);
    for (const account of outcome.accounts.filter((a) => a.password)) {
      expect(file).toContain(`${account.email}`);
      expect(file).toContain(`${account.password}`);
      const login = await api<{ accessToken: string; user: { role: string } }>('POST', '/v1/auth/login', {
        base: services.gateway,
        body: { email: account.email, password: account.password },
      });
      expect([account.email, login.status]).toEqual([account.email, 200]);
      expect(login.body.user.role).toBe(account.role);
    }
    const group = await store.directory.group('demo-team');
    expect(group?.members.sort()).toEqual(['demo-ada', 'demo-ben']);
  });

  it('makes about ten tickets tagged demo, titled [demo], in varied states', async () => {
    if (!outcome.seeded) throw new Error('not seeded');
    const admin = outcome.accounts[0];
    const login = await api<{ accessToken: string }>('POST', '/v1/auth/login', {
      base: services.gateway,
      body: { email: admin?.email, password: admin?.password },
    });
    const list = await api<{ items: { title: string; status: string; tags: string[]; assignee?: string }[] }>(
      'GET',
      '/v1/tickets?tag=demo&limit=100',
      { base: services.gateway, token: login.body.accessToken },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBe(outcome.tickets);
    expect(outcome.tickets).toBeGreaterThanOrEqual(10);
    expect(list.body.items.every((t) => t.title.startsWith('[demo]') && t.tags.includes('demo'))).toBe(true);
    expect(new Set(list.body.items.map((t) => t.status))).toEqual(
      new Set(['new', 'in_progress', 'waiting', 'resolved', 'closed']),
    );
  });

  it('does nothing on a store that has users, or with DEMO_DATA=0', async () => {
    expect(await seedDemoData({ store, gateway: services.gateway, dataDir, env: {} })).toEqual({
      seeded: false,
      reason: 'the directory already has users',
    });
    const empty = await Store.connect(databaseUrl(`demo-off-${randomUUID().slice(0, 8)}`));
    try {
      expect(await seedDemoData({ store: empty, gateway: services.gateway, dataDir, env: { DEMO_DATA: '0' } })).toEqual(
        {
          seeded: false,
          reason: 'DEMO_DATA=0',
        },
      );
      expect(await empty.directory.listUsers({}, 1)).toEqual([]);
    } finally {
      await empty.connection.dropDatabase().catch(() => undefined);
      await empty.close();
    }
  });
});
