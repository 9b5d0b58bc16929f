// Bad input is never a 500: cursors the API did not hand out, settings the store cannot hold or
// that contradict themselves, unknown brands, recipients that are not addresses or too many; and a
// fuzzer that builds requests from the API's own OpenAPI document and holds every answer to it.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECIPIENTS, TEXT_LIMITS } from '@helpdesk/contracts';
import { api, createTicket, token } from '../support/api';
import type { ApiResponse } from '../support/api';
import { operationsOf, requestsFor } from '../support/fuzz';
import type { FuzzRequest } from '../support/fuzz';
import { assertDocumented } from '../support/openapi';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

interface Problem {
  errors?: { field: string; message: string }[];
}
const agent = () => token('agent', 'alice');
const admin = () => token('admin', 'root');
const fields = (res: ApiResponse<Problem>) => (res.body.errors ?? []).map((e) => e.field);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const addresses = (n: number, tag = 'cc') => Array.from({ length: n }, (_, i) => `${tag}${i}@third-party.example`);

// Settings change here, and the fuzzer changes anything it can: services of our own, on a database
// of our own, so the shared stack's other tests never see it.
let svc: PrivateServices;
beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_bad_input_${randomUUID().slice(0, 8)}`,
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
  });
});
afterAll(async () => {
  await svc?.stop();
});
const own = () => ({ base: svc.gateway });

describe('cursors', () => {
  it('every paginated route answers 400 naming the cursor it did not hand out, and pages on with its own', async () => {
    const doc = await api<{ paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }>(
      'GET',
      '/openapi.json',
    );
    const paginated = Object.entries(doc.body.paths)
      .filter(([, ops]) => ops.get?.parameters?.some((p) => p.name === 'cursor'))
      .map(([path]) => path);
    expect(paginated.sort()).toEqual(['/v1/requesters/{id}/tickets', '/v1/tickets']);

    const requester = `cursor-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) await createTicket({ requester: { id: requester, email: `${requester}@example.com` } });
    const urls = [
      `/v1/requesters/${requester}/tickets`,
      `/v1/tickets?requester=${requester}`,
      `/v1/tickets?q=printer&requester=${requester}`,
      `/v1/tickets?sort=updated&order=asc&requester=${requester}`,
    ];
    const foreign = [
      'abc',
      '!!!',
      'not a cursor',
      b64(null),
      b64({ v: 'x', id: 1 }),
      b64([1, 2]),
      b64({ id: 'x' }),
      '%00',
      'x'.repeat(501),
    ];
    for (const url of urls) {
      const sep = url.includes('?') ? '&' : '?';
      for (const cursor of foreign) {
        const res = await api<Problem>('GET', `${url}${sep}cursor=${encodeURIComponent(cursor)}`, { token: agent() });
        expect([url, cursor, res.status, fields(res)]).toEqual([url, cursor, 400, ['query.cursor']]);
      }
      const first = await api<{ items: unknown[]; nextCursor: string | null }>('GET', `${url}${sep}limit=2`, {
        token: agent(),
      });
      expect([url, first.status, first.body.items.length]).toEqual([url, 200, 2]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const next = await api<{ items: unknown[]; nextCursor: string | null }>(
        'GET',
        `${url}${sep}limit=2&cursor=${first.body.nextCursor}`,
        { token: agent() },
      );
      expect([url, next.status, next.body.items.length, next.body.nextCursor]).toEqual([url, 200, 1, null]);
    }
  });
});

describe('settings', () => {
  const put = (body: unknown) => api<Problem>('PUT', '/v1/settings', { ...own(), token: admin(), body });

  it('map keys the store cannot hold are a 400 naming the key', async () => {
    for (const key of ['$set', 'a.b', '', '.hidden']) {
      const res = await put({
        brandSupportAddresses: { default: 'support@helpdesk.local', [key]: 'other@helpdesk.local' },
      });
      expect([key, res.status, fields(res)]).toEqual([key, 400, [`body.brandSupportAddresses.${key}`]]);
      expect(res.body.errors?.[0]?.message).toContain(JSON.stringify(key));
    }
  });

  it('cross-checks: the default brand exists, the mask renders references mail can find, addresses are addresses', async () => {
    const cases: [unknown, string[]][] = [
      [{ defaultBrand: 'nope' }, ['body.defaultBrand']],
      [{ brandSupportAddresses: { billing: 'billing@helpdesk.local' } }, ['body.defaultBrand']],
      [{ brandSupportAddresses: {} }, ['body.brandSupportAddresses']],
      [{ numberingMask: 'no counter' }, ['body.numberingMask']],
      [{ numberingMask: 'Ticket #{0000}' }, ['body.numberingMask']],
      [{ numberingMask: '{0000}{0000}' }, ['body.numberingMask']],
      [{ notificationSender: 'Helpdesk' }, ['body.notificationSender']],
      [
        { notificationSender: 'Helpdesk <support@helpdesk.local>\r\nBcc: all@example.com' },
        ['body.notificationSender'],
      ],
      [{ creationNotificationAddress: 'not an address' }, ['body.creationNotificationAddress']],
      [{ collectorAddresses: ['support@helpdesk.local', 'nope'] }, ['body.collectorAddresses.1']],
      [{ brandSupportAddresses: { default: 'nope' } }, ['body.brandSupportAddresses.default']],
      [{ collectorKnownDomains: ['bad domain'] }, ['body.collectorKnownDomains.0']],
    ];
    for (const [body, expected] of cases) {
      const res = await put(body);
      expect([body, res.status, fields(res)]).toEqual([body, 400, expected]);
    }
    // Consistent changes pass, and a brand and its default can change together.
    const ok = await put({
      brandSupportAddresses: { main: 'main@helpdesk.local', billing: 'billing@helpdesk.local' },
      defaultBrand: 'main',
      numberingMask: 'HD-{yy}-{0000}',
      notificationSender: 'Help <main@helpdesk.local>',
    });
    expect(ok.status).toBe(200);
    const created = await createTicket({}, own());
    expect([created.brand, created.reference]).toEqual(['main', expect.stringMatching(/^HD-\d\d-\d{4}$/)]);
  });

  it('a ticket names a brand of the settings, on creation, modification, submission and split', async () => {
    const unknown = await api<Problem>('POST', '/v1/tickets', {
      ...own(),
      token: agent(),
      body: { title: 't', description: 'd', requester: { id: 'bob' }, brand: 'acme' },
    });
    expect([unknown.status, fields(unknown)]).toEqual([400, ['body.brand']]);
    const known = await createTicket({ brand: 'billing' }, own());
    expect(known.brand).toBe('billing');
    const patch = await api<Problem>('PATCH', `/v1/tickets/${known.id}`, {
      ...own(),
      token: agent(),
      body: { brand: 'acme' },
    });
    expect([patch.status, fields(patch)]).toEqual([400, ['body.brand']]);
    const split = await api<Problem>('POST', `/v1/tickets/${known.id}/split`, {
      ...own(),
      token: agent(),
      body: {
        children: [
          { title: 'a', description: 'a' },
          { title: 'b', description: 'b', brand: 'acme' },
        ],
      },
    });
    expect([split.status, fields(split)]).toEqual([400, ['body.children.1.brand']]);
    const draft = await api<{ id: string }>('POST', '/v1/tickets', { ...own(), token: agent(), body: { draft: true } });
    const submit = await api<Problem>('POST', `/v1/tickets/${draft.body.id}/submit`, {
      ...own(),
      token: agent(),
      body: { brand: 'acme' },
    });
    expect([submit.status, fields(submit)]).toEqual([400, ['body.brand']]);
  });
});

describe('recipients', () => {
  it('private-message recipients and CCs are addresses, at most the same number on every route', async () => {
    const ticket = await createTicket();
    const tooMany = addresses(MAX_RECIPIENTS + 1);
    const cases: [string, string, unknown, string[]][] = [
      ['POST', `/v1/tickets/${ticket.id}/messages`, { body: 'psst', recipients: ['alice'] }, ['body.recipients.0']],
      ['POST', `/v1/tickets/${ticket.id}/messages`, { body: 'psst', recipients: tooMany }, ['body.recipients']],
      [
        'POST',
        `/v1/tickets/${ticket.id}/replies`,
        { body: 'psst', visibility: 'private_message', recipients: ['not@'] },
        ['body.recipients.0'],
      ],
      [
        'POST',
        `/v1/tickets/${ticket.id}/replies`,
        { body: 'psst', visibility: 'private_message', recipients: tooMany },
        ['body.recipients'],
      ],
      ['PATCH', `/v1/tickets/${ticket.id}`, { ccs: tooMany }, ['body.ccs']],
      ['PATCH', `/v1/tickets/${ticket.id}`, { ccs: ['boss'] }, ['body.ccs.0']],
      ['POST', '/v1/tickets', { title: 't', description: 'd', requester: { id: 'bob' }, ccs: tooMany }, ['body.ccs']],
    ];
    for (const [method, url, body, expected] of cases) {
      const res = await api<Problem>(method, url, { token: agent(), body });
      expect([method, url, res.status, fields(res)]).toEqual([method, url, 400, expected]);
    }
    const most = await api('POST', `/v1/tickets/${ticket.id}/messages`, {
      token: agent(),
      body: { body: 'psst', recipients: addresses(MAX_RECIPIENTS) },
    });
    expect(most.status).toBe(200);
  });

  it('texts longer than a ticket holds are a 400 naming the field, a body past the limit a 413, never a 500', async () => {
    const ticket = await createTicket();
    const long = (n: number) => 'x'.repeat(n + 1);
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/v1/tickets',
        { title: long(TEXT_LIMITS.title), description: 'd', requester: { id: 'bob' } },
        'body.title',
      ],
      [
        'POST',
        '/v1/tickets',
        { title: 't', description: long(TEXT_LIMITS.description), requester: { id: 'bob' } },
        'body.description',
      ],
      ['POST', `/v1/tickets/${ticket.id}/replies`, { body: long(TEXT_LIMITS.message) }, 'body.body'],
      ['POST', `/v1/tickets/${ticket.id}/notes`, { body: long(TEXT_LIMITS.message) }, 'body.body'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await api<Problem>(method, url, { token: agent(), body });
      expect([url, res.status, fields(res)]).toEqual([url, 400, [field]]);
    }
    const huge = await api('POST', `/v1/tickets/${ticket.id}/notes`, {
      token: agent(),
      body: { body: 'x'.repeat(3 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
  });
});

describe('fuzzing the API from its OpenAPI document', () => {
  it('no 5xx, and every answer is one the document describes', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261123);
    const runs = Number(process.env.FUZZ_RUNS ?? 30);
    const doc = await api<{ paths: Record<string, Record<string, never>> }>('GET', '/openapi.json', own());
    const operations = operationsOf(doc.body);
    expect(operations.length).toBeGreaterThan(30);

    // Real ids for path parameters: tickets the fuzzing requester owns, an attachment, a person.
    const requester = { id: 'fuzz-req', email: 'fuzz-req@example.com' };
    const tickets = await Promise.all(Array.from({ length: 8 }, () => createTicket({ requester }, own())));
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'hello.txt');
    const upload = await fetch(`${svc.gateway}/v1/tickets/${tickets[0]?.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent()}` },
      body: form,
    });
    const attachment = ((await upload.json()) as { id: string }).id;
    const ids = [...tickets.map((t) => t.id), attachment, requester.id];
    const knownValues = {
      brand: ['default'],
      targetId: ids.slice(0, 8),
      requester: [requester],
      type: ['incident'],
      group: ['support'],
      severity: ['normal'],
      category: ['general'],
      defaultBrand: ['default'],
      numberingMask: ['FZ-{yyyy}-{00000}'],
      brandSupportAddresses: [{ default: 'support@helpdesk.local' }],
      notificationSender: ['Helpdesk <support@helpdesk.local>'],
    };

    const tokens: Record<FuzzRequest['role'], string | undefined> = {
      admin: admin(),
      agent: agent(),
      requester: token('requester', requester.id, requester.email),
      service: token('service', 'fuzz-service'),
      none: undefined,
    };
    const failures = new Map<string, string>();
    const statuses = new Map<number, number>();
    const accepted = new Set<string>();
    const started = Date.now();
    for (const [i, op] of operations.entries()) {
      const requests = fc.sample(requestsFor(op, ids, knownValues), { numRuns: runs, seed: seed + i });
      // A few at a time: enough to be quick, few enough not to crowd the shared machine.
      for (let at = 0; at < requests.length; at += 4) {
        await Promise.all(
          requests.slice(at, at + 4).map(async (r) => {
            const res = await api<unknown>(r.method, r.path, {
              ...own(),
              ...(tokens[r.role] ? { token: tokens[r.role] } : {}),
              ...(r.body !== undefined ? { body: r.body } : {}),
              ...(r.idempotencyKey ? { headers: { 'idempotency-key': r.idempotencyKey } } : {}),
            });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status < 300) accepted.add(`${op.method} ${op.path}`);
            let problem = res.status >= 500 ? `answered ${res.status}` : '';
            if (!problem)
              problem = await assertDocumented(r.method, r.path, res).then(
                () => '',
                (err: unknown) => (err instanceof Error ? err.message : String(err)),
              );
            const where = `${op.method} ${op.path}`;
            if (problem && !failures.has(`${where} ${problem.slice(0, 120)}`)) {
              failures.set(
                `${where} ${problem.slice(0, 120)}`,
                `${where} as ${r.role}: ${problem}\n  request: ${r.path.slice(0, 300)} ${JSON.stringify(r.body)?.slice(0, 300)}\n  answer: ${JSON.stringify(res.body)?.slice(0, 300)}`,
              );
            }
          }),
        );
      }
    }
    const tally = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `fuzz: ${operations.length * runs} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed}, ${runs} per operation): ${tally}`,
    );
    console.log(
      `fuzz: never accepted: ${operations
        .map((op) => `${op.method} ${op.path}`)
        .filter((o) => !accepted.has(o))
        .join(', ')}`,
    );
    expect([...failures.values()].slice(0, 25).join('\n\n')).toBe('');
  }, 180_000);
});
