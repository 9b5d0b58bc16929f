// Custom fields over HTTP on the shared stack: admins define them (stored as a settings version),
// tickets are created with values the API checks against the definitions (an unknown key or a
// value of the wrong kind is a 400 naming the field), a field required to resolve holds a resolve
// with a 422 and leaves the ticket as it was until the value is set, lists filter on values through
// the `cf` index (explained on the same store in a private database), and the served OpenAPI
// document describes the fields. Keys and the ticket type are this run's own, so the other tests
// on the stack never meet a required field; the fields are removed afterwards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import type { TicketState } from '@helpdesk/contracts';
import { api, command, createTicket, stack, token } from '../support/api';
import type { TicketBody } from '../support/api';
import { checked } from '../support/openapi';

type Problem = { status: number; detail: string; errors?: { field: string; message: string }[] };
type List = { items: TicketBody[]; nextCursor: string | null };
type Ticket = TicketBody & { custom?: Record<string, unknown>; revision: number; type?: string };

const u = randomUUID().replace(/-/g, '').slice(0, 8);
const admin = () => token('admin', 'root');
const agent = () => token('agent', 'alice');
const fieldsOf = (res: { body: Problem }) => (res.body.errors ?? []).map((e) => e.field);

const TYPE = `cf-incident-${u}`;
const K = {
  cause: `cause_${u}`,
  asset: `asset_${u}`,
  cost: `cost_${u}`,
  due: `due_${u}`,
  vip: `vip_${u}`,
  areas: `areas_${u}`,
};
const DEFINITIONS = [
  {
    key: K.cause,
    label: 'Root cause',
    kind: 'dropdown',
    options: ['hardware', 'software', 'user'],
    types: [TYPE],
    requiredToResolve: true,
    active: true,
  },
  { key: K.asset, label: 'Asset tag', kind: 'text', active: true },
  { key: K.cost, label: 'Cost', kind: 'number', active: true },
  { key: K.due, label: 'Due', kind: 'date', active: true },
  { key: K.vip, label: 'VIP', kind: 'checkbox', active: true },
  { key: K.areas, label: 'Areas', kind: 'multi_select', options: ['eu', 'us', 'apac'], active: true },
];

beforeAll(async () => {
  for (const def of DEFINITIONS) {
    const res = await checked('POST', '/v1/custom-fields', { token: admin(), body: def });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});

afterAll(async () => {
  for (const def of DEFINITIONS) await api('DELETE', `/v1/custom-fields/${def.key}`, { token: admin() });
});

describe('definitions', () => {
  it('are kept in the versioned settings; staff read them, only admins change them', async () => {
    const settings = await api<{ version: number; customFields: { key: string }[] }>('GET', '/v1/settings', {
      token: admin(),
    });
    expect(settings.body.customFields.map((d) => d.key)).toEqual(expect.arrayContaining(Object.values(K)));
    const listed = await checked<{ items: { key: string }[] }>('GET', '/v1/custom-fields', { token: agent() });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d) => d.key)).toEqual(expect.arrayContaining(Object.values(K)));
    const one = await checked<{ kind: string }>('GET', `/v1/custom-fields/${K.areas}`, { token: agent() });
    expect([one.status, one.body.kind]).toEqual([200, 'multi_select']);

    const byAgent = await api<Problem>('POST', '/v1/custom-fields', {
      token: agent(),
      body: { key: `nope_${u}`, label: 'Nope', kind: 'text', active: true },
    });
    expect(byAgent.status).toBe(403);
    const byRequester = await api('GET', '/v1/custom-fields', { token: token('requester', `rq-${u}`) });
    expect(byRequester.status).toBe(403);

    // A change is a new settings version.
    const before = settings.body.version;
    const patched = await checked<{ label: string }>('PATCH', `/v1/custom-fields/${K.asset}`, {
      token: admin(),
      body: { label: 'Asset' },
    });
    expect([patched.status, patched.body.label]).toEqual([200, 'Asset']);
    const after = await api<{ version: number }>('GET', '/v1/settings', { token: admin() });
    expect(after.body.version).toBeGreaterThan(before);
  });

  it('are validated: unique keys, options for choice kinds only, known kinds and keys', async () => {
    const post = (body: unknown) => api<Problem>('POST', '/v1/custom-fields', { token: admin(), body });
    const cases: [unknown, string[]][] = [
      [{ ...DEFINITIONS[1] }, ['body.key']],
      [{ key: `pick_${u}`, label: 'Pick', kind: 'dropdown', active: true }, ['body.options']],
      [{ key: `num_${u}`, label: 'N', kind: 'number', options: ['1'], active: true }, ['body.options']],
      [{ key: `dup_${u}`, label: 'D', kind: 'dropdown', options: ['a', 'a'], active: true }, ['body.options']],
      [{ key: `k_${u}`, label: 'K', kind: 'colour', active: true }, ['body.kind']],
      [{ key: 'Bad Key', label: 'K', kind: 'text', active: true }, ['body.key']],
      [{ key: `x_${u}`, label: 'K', kind: 'text', active: true, extra: 1 }, ['body']],
    ];
    for (const [body, fields] of cases) {
      const res = await post(body);
      expect([JSON.stringify(body), res.status, fieldsOf(res)]).toEqual([JSON.stringify(body), 400, fields]);
    }
    // Through the settings route too: the same cross-checks on the whole list.
    const current = await api<{ customFields: unknown[] }>('GET', '/v1/settings', { token: admin() });
    const put = await api<Problem>('PUT', '/v1/settings', {
      token: admin(),
      body: { customFields: [...current.body.customFields, DEFINITIONS[0]] },
    });
    expect(put.status).toBe(400);
    expect(fieldsOf(put)[0]).toMatch(/^body\.customFields\[\d+\]\.key$/);
    const missing = await api<Problem>('PATCH', `/v1/custom-fields/none_${u}`, {
      token: admin(),
      body: { label: 'x' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('tickets', () => {
  let incident: Ticket;

  it('are created with values; unknown keys and wrong kinds are a 400 naming each field', async () => {
    const values = { [K.asset]: 'LAP-42', [K.cost]: 12.5, [K.due]: '2026-12-31', [K.vip]: true, [K.areas]: ['eu'] };
    incident = (await createTicket({ type: TYPE, custom: values })) as Ticket;
    expect(incident.custom).toEqual(values);

    const bad = await api<Problem>('POST', '/v1/tickets', {
      token: agent(),
      body: {
        title: 'Bad values',
        description: 'x',
        requester: { id: `r-${u}`, email: `r-${u}@example.com` },
        custom: {
          [`unknown_${u}`]: 'x',
          [K.cost]: 'twelve',
          [K.due]: '2026-02-30',
          [K.vip]: 'yes',
          [K.areas]: ['mars'],
          [K.cause]: 'cosmic rays',
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad).sort()).toEqual(
      [
        `body.custom.unknown_${u}`,
        `body.custom.${K.cost}`,
        `body.custom.${K.due}`,
        `body.custom.${K.vip}`,
        `body.custom.${K.areas}`,
        `body.custom.${K.cause}`,
      ].sort(),
    );
    const patch = await api<Problem>('PATCH', `/v1/tickets/${incident.id}`, {
      token: agent(),
      body: { custom: { [K.cost]: [1] } },
    });
    expect([patch.status, fieldsOf(patch)]).toEqual([400, [`body.custom.${K.cost}`]]);
  });

  it('a field required to resolve holds the resolve (422, the ticket unchanged); set, the resolve goes through', async () => {
    const before = await api<Ticket>('GET', `/v1/tickets/${incident.id}`, { token: agent() });
    const refused = await command<Problem>(incident.id, 'resolve', { method: 'customer_communication' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(fieldsOf(refused)).toEqual([`custom.${K.cause}`]);
    expect(refused.body.detail).toContain(K.cause);
    const replied = await command<Problem>(incident.id, 'replies', {
      body: 'Fixed, I think',
      resolve: { method: 'customer_communication' },
    });
    expect([replied.status, fieldsOf(replied)]).toEqual([422, [`custom.${K.cause}`]]);
    const after = await api<Ticket>('GET', `/v1/tickets/${incident.id}`, { token: agent() });
    expect([after.body.status, after.body.revision]).toEqual([before.body.status, before.body.revision]);

    // Another type: not held.
    const question = (await createTicket({ type: `other-${u}` })) as Ticket;
    const resolvedQuestion = await command<Ticket>(question.id, 'resolve', { method: 'customer_communication' });
    expect(resolvedQuestion.status).toBe(200);

    const set = await checked<Ticket>('PATCH', `/v1/tickets/${incident.id}`, {
      token: agent(),
      body: { custom: { [K.cause]: 'hardware', [K.vip]: null } },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.custom?.[K.cause]).toBe('hardware');
    expect(set.body.custom).not.toHaveProperty(K.vip);
    expect(set.body.custom?.[K.asset]).toBe('LAP-42');
    const resolved = await command<Ticket>(incident.id, 'resolve', { method: 'customer_communication' });
    expect([resolved.status, resolved.body.status]).toEqual([200, 'resolved']);
  });

  it('lists filter on values (multi-select: holds the option; numbers by value); unknown fields are a 400', async () => {
    const other = (await createTicket({ custom: { [K.areas]: ['us', 'apac'], [K.cost]: 3 } })) as Ticket;
    const ids = async (query: string) => {
      const res = await checked<List>('GET', `/v1/tickets?${query}`, { token: agent() });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((t) => t.id).sort();
    };
    expect(await ids(`cf.${K.areas}=eu`)).toEqual([incident.id]);
    expect(await ids(`cf.${K.areas}=apac`)).toEqual([other.id]);
    expect(await ids(`cf.${K.cost}=12.50`)).toEqual([incident.id]);
    expect(await ids(`cf.${K.cause}=hardware&sort=updated`)).toEqual([incident.id]);
    expect(await ids(`cf.${K.asset}=LAP-42&status=resolved`)).toEqual([incident.id]);
    expect(await ids(`cf.${K.asset}=LAP-42&status=new`)).toEqual([]);
    expect(await ids(`cf.${K.areas}=us&cf.${K.cost}=3`)).toEqual([other.id]);
    expect(await ids(`cf.${K.areas}=us&cf.${K.cost}=4`)).toEqual([]);
    const counted = await api<{ count: number }>('GET', `/v1/tickets/count?cf.${K.areas}=us`, { token: agent() });
    expect(counted.body.count).toBe(1);

    for (const [query, field] of [
      [`cf.nope_${u}=1`, `query.cf.nope_${u}`],
      [`cf.${K.cost}=abc`, `query.cf.${K.cost}`],
      [`cf.${K.areas}=mars`, `query.cf.${K.areas}`],
      [`cf.${K.vip}=yes`, `query.cf.${K.vip}`],
    ]) {
      const res = await api<Problem>('GET', `/v1/tickets?${query}`, { token: agent() });
      expect([query, res.status, fieldsOf(res)]).toEqual([query, 400, [field]]);
    }
  });

  it('the served OpenAPI document describes the fields, in tickets and in the bodies that write them', async () => {
    type Schema = { properties?: Record<string, Schema>; enum?: string[]; type?: string; anyOf?: Schema[] };
    const doc = await api<{
      components: { schemas: Record<string, Schema> };
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    }>('GET', '/openapi.json');
    const custom = doc.body.components.schemas.Ticket?.properties?.custom?.properties ?? {};
    expect(custom[K.cause]?.enum).toEqual(['hardware', 'software', 'user']);
    expect(custom[K.cost]?.type).toBe('number');
    expect(custom[K.vip]?.type).toBe('boolean');
    const body = doc.body.paths['/v1/tickets']?.post?.requestBody?.content['application/json']?.schema;
    const written = body?.properties?.custom?.properties ?? {};
    expect(written[K.areas]?.anyOf?.[0]?.type).toBe('array');
    // The list's filters, one query parameter per field.
    const list = doc.body.paths['/v1/tickets']?.get as { parameters?: { name: string; schema: Schema }[] } | undefined;
    expect(list?.parameters?.find((p) => p.name === `cf.${K.areas}`)?.schema.enum).toEqual(['eu', 'us', 'apac']);
  });
});

describe('the cf index', () => {
  let store: Store | undefined;
  const finds: Record<string, unknown>[] = [];
  const dbName = `customfields_${u}`;

  beforeAll(async () => {
    const url = new URL(stack().mongo);
    url.pathname = `/${dbName}`;
    url.searchParams.set('monitorCommands', 'true');
    store = await Store.connect(url.toString());
    store.connection.getClient().on('commandStarted', (e) => {
      if (e.commandName === 'find' && e.command.find === 'tickets') finds.push(e.command);
    });
    const now = Date.now();
    for (let i = 0; i < 200; i++) {
      const at = now - i * 60_000;
      const state: TicketState = {
        id: `t-${String(i).padStart(4, '0')}`,
        reference: `CF-${String(i).padStart(5, '0')}`,
        status: 'new',
        channel: 'web',
        ccs: [],
        tags: [],
        notifyThirdParty: false,
        read: true,
        awaiting: 'agent',
        attention: false,
        deleted: false,
        links: { followUps: [], children: [] },
        breaches: [],
        createdAt: at,
        createdBy: 'seed',
        updatedAt: at,
        lastActionAt: at,
        reopenCount: 0,
        revision: 1,
        eventSeq: 0,
        ...(i % 4 === 0 ? { custom: { region: i % 8 === 0 ? 'eu' : 'us', areas: ['a', `b${i % 3}`] } } : {}),
      };
      // Through the projection, which keeps the index entries.
      await store.projectTicket(state, []);
    }
  }, 120_000);

  afterAll(async () => {
    await store?.connection.db?.dropDatabase().catch(() => undefined);
    await store?.close();
  });

  it('the projection keeps the entries and a list reads them through an index, no collection scan', async (ctx) => {
    const db = store;
    if (!db) throw new Error('no store');
    const info = await db.connection.db?.admin().command({ buildInfo: 1 });
    const page = await db.readModel.list({ custom: ['region=eu'] }, { sort: 'created', order: 'desc', limit: 100 });
    expect(page.items.length).toBe(25);
    expect(page.items.every((t) => t.custom?.region === 'eu')).toBe(true);
    expect(page.items[0]).not.toHaveProperty('cf');
    const both = await db.readModel.list(
      { custom: ['areas=b1', 'region=us'] },
      { sort: 'updated', order: 'asc', limit: 100 },
    );
    expect(both.items.map((t) => t.id)).toEqual(
      Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => i % 4 === 0 && i % 8 !== 0 && i % 3 === 1)
        .map((i) => `t-${String(i).padStart(4, '0')}`)
        .reverse(),
    );
    // FerretDB v1 explains SQL, not index scans (README, "The store").
    if (typeof info?.ferretdbVersion === 'string') ctx.skip();
    const shapes = finds.filter((f) => JSON.stringify(f.filter).includes('"cf"'));
    expect(shapes.length).toBeGreaterThan(0);
    for (const f of shapes) {
      const explained = await db.connection.db?.command({
        explain: { find: 'tickets', filter: f.filter, ...(f.sort ? { sort: f.sort } : {}) },
        verbosity: 'queryPlanner',
      });
      const plan = JSON.stringify(explained?.queryPlanner?.winningPlan ?? {});
      expect(plan, JSON.stringify(f.filter)).not.toContain('COLLSCAN');
      expect(plan, JSON.stringify(f.filter)).toMatch(/IXSCAN/);
      expect(plan).toMatch(/cf/);
    }
  });
});
