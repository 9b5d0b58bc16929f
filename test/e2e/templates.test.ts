// Notification templates over real SMTP: the requester's directory locale picks the language of
// the mail (French, Spanish, else English), a brand's stored override is used for that brand's mail
// (sent from the brand's own support address), agent replies carry the agent's name and signature,
// "Re:", the quoted earlier messages and threading headers, HTML values are escaped, and the API's
// preview renders what would be sent and refuses a template that does not compile, saying where.
// Private services on a database of their own: this test adds a brand and stores templates.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import { api, token } from '../support/api';
import { uniqueAddress, waitForMail } from '../support/mail';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

let svc: PrivateServices & { mongoUrl: string };
let store: Store;
const own = () => ({ base: svc.gateway });
const admin = () => token('admin', 'root');
const alice = () => token('agent', 'alice', 'alice@agents.helpdesk.test');
const ACME = 'help@acme.example';
const NOTICES = uniqueAddress('tpl-notices');

interface Ticket {
  id: string;
  reference: string;
  status: string;
}
interface Problem {
  errors?: { field: string; message: string }[];
}

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_templates_${randomUUID().slice(0, 8)}`,
  });
  store = await Store.connect(svc.mongoUrl);
  const settings = await api('PUT', '/v1/settings', {
    ...own(),
    token: admin(),
    body: {
      brandSupportAddresses: { default: 'support@helpdesk.local', acme: ACME },
      brandLocales: { acme: 'es' },
      creationNotificationAddress: NOTICES,
    },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  // Alice signs her replies.
  const signed = await api('PATCH', '/v1/users/alice', {
    ...own(),
    token: admin(),
    body: { name: 'Alice Martin', signature: 'Alice Martin\nÉquipe support' },
  });
  expect(signed.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await svc?.stop();
  await store?.close();
});

async function requester(locale: string, name: string): Promise<{ id: string; email: string; name: string }> {
  const email = uniqueAddress(`tpl-${locale}`);
  const res = await api<{ id: string }>('POST', '/v1/users', {
    ...own(),
    token: admin(),
    body: { name, email, role: 'requester', locale },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, email, name };
}

async function open(person: { id: string; email: string; name: string }, fields: Record<string, unknown> = {}) {
  const res = await api<Ticket>('POST', '/v1/tickets', {
    ...own(),
    token: alice(),
    body: {
      title: 'Imprimante en feu',
      description: 'De la fumée sort du bac à papier',
      requester: person,
      ...fields,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('notification templates', () => {
  it('a French requester gets the acknowledgement and the agent reply in French, threaded and signed', async () => {
    const francoise = await requester('fr-FR', 'Françoise');
    const ticket = await open(francoise);

    const [ack] = await waitForMail(francoise.email, ticket.reference);
    expect(ack?.subject).toBe(`[${ticket.reference}] Demande reçue : Imprimante en feu`);
    expect(ack?.text).toContain('Nous avons bien reçu votre demande « Imprimante en feu ».');
    expect(ack?.text).toContain(`Son numéro de ticket est ${ticket.reference}`);
    expect(ack?.text).not.toContain('We have received');
    expect(ack?.html).toContain('Nous avons bien reçu votre demande');
    expect(ack?.from[0]?.address).toBe('support@helpdesk.local');

    const replied = await api('POST', `/v1/tickets/${ticket.id}/replies`, {
      ...own(),
      token: alice(),
      body: { body: 'Bonjour, débranchez <l’imprimante> & rappelez-nous.' },
    });
    expect(replied.status).toBe(200);
    const mails = await waitForMail(francoise.email, ticket.reference, 2);
    const reply = mails.find((m) => m.subject.startsWith('Re:'));
    expect(reply?.subject).toBe(`Re: [${ticket.reference}] Imprimante en feu`);
    // The message, the agent's name and signature, then the earlier message quoted, in French.
    expect(reply?.text).toContain('Bonjour, débranchez <l’imprimante> & rappelez-nous.');
    expect(reply?.text).toContain('Alice Martin\nÉquipe support');
    expect(reply?.text).toMatch(/a écrit :\n> De la fumée sort du bac à papier/);
    expect(reply?.text).toContain('Reply to this email to add to your request.');
    // HTML escapes what people wrote.
    expect(reply?.html).toContain('débranchez &lt;l’imprimante&gt; &amp; rappelez-nous.');
    expect(reply?.html).not.toContain('<l’imprimante>');
    expect(reply?.html).toContain('<blockquote>De la fumée sort du bac à papier</blockquote>');
    // From the agent via the helpdesk's name, at the brand's address; in the thread of the acknowledgement
    // (which the creation notice, sent at the same moment, may follow: In-Reply-To names the newest).
    expect(reply?.from[0]).toEqual({ address: 'support@helpdesk.local', name: 'Alice Martin (Helpdesk)' });
    expect(String(reply?.headers['references'])).toContain(String(ack?.headers['message-id']));
    const [notice] = await waitForMail(NOTICES, ticket.reference);
    expect([ack?.headers['message-id'], notice?.headers['message-id']]).toContain(reply?.headers['in-reply-to']);
  });

  it('a Spanish requester gets Spanish, anyone else English', async () => {
    const lucia = await requester('es-MX', 'Lucía');
    const es = await open(lucia);
    const [esAck] = await waitForMail(lucia.email, es.reference);
    expect(esAck?.subject).toBe(`[${es.reference}] Solicitud recibida: Imprimante en feu`);
    expect(esAck?.text).toContain('Hemos recibido su solicitud');

    const hans = await requester('de', 'Hans');
    const de = await open(hans);
    const [deAck] = await waitForMail(hans.email, de.reference);
    expect(deAck?.subject).toBe(`[${de.reference}] Request received: Imprimante en feu`);
  });

  it("an address the directory does not know gets the brand's language (settings brandLocales), else English", async () => {
    // The creation notice goes to the settings' creationNotificationAddress, which is nobody's entry.
    const person = await requester('de', 'Hans');
    const branded = await open(person, { brand: 'acme' });
    const [mail] = await waitForMail(NOTICES, branded.reference);
    expect(mail?.subject).toBe(`[${branded.reference}] Nuevo ticket: Imprimante en feu`);
    const plain = await open(person);
    const [plainMail] = await waitForMail(NOTICES, plain.reference);
    expect(plainMail?.subject).toBe(`[${plain.reference}] New ticket: Imprimante en feu`);
  });

  it("a brand's stored template is used for its mail, sent from the brand's support address", async () => {
    const put = await api<{ overridden: string[]; html: string }>('PUT', '/v1/templates/acme/fr/ticket_received', {
      ...own(),
      token: admin(),
      body: { subject: 'ACME a bien reçu : {{ticket.title}}', text: 'Merci {{requester.name}}, signé ACME.' },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.overridden).toEqual(['subject', 'text']);
    // The part left out is the default's.
    expect(put.body.html).toContain('Nous avons bien reçu votre demande');

    const francois = await requester('fr', 'François');
    const branded = await open(francois, { brand: 'acme' });
    const [mail] = await waitForMail(francois.email, branded.reference);
    expect(mail?.subject).toBe(`[${branded.reference}] ACME a bien reçu : Imprimante en feu`);
    expect(mail?.text).toContain('Merci François, signé ACME.');
    expect(mail?.html).toContain('Nous avons bien reçu votre demande');
    expect(mail?.from[0]?.address).toBe(ACME);

    // The default brand keeps the default template.
    const other = await requester('fr', 'Odile');
    const plain = await open(other);
    const [plainMail] = await waitForMail(other.email, plain.reference);
    expect(plainMail?.subject).toBe(`[${plain.reference}] Demande reçue : Imprimante en feu`);

    const got = await api<{ subject: string; overridden: string[] }>('GET', '/v1/templates/acme/fr/ticket_received', {
      ...own(),
      token: admin(),
    });
    expect([got.status, got.body.subject, got.body.overridden]).toEqual([
      200,
      'ACME a bien reçu : {{ticket.title}}',
      ['subject', 'text'],
    ]);
    const gone = await api('DELETE', '/v1/templates/acme/fr/ticket_received', { ...own(), token: admin() });
    expect(gone.status).toBe(204);
    const again = await api('DELETE', '/v1/templates/acme/fr/ticket_received', { ...own(), token: admin() });
    expect(again.status).toBe(404);
    const back = await api<{ subject: string; overridden: string[] }>('GET', '/v1/templates/acme/fr/ticket_received', {
      ...own(),
      token: admin(),
    });
    expect([back.body.subject, back.body.overridden]).toEqual(['Demande reçue : {{ticket.title}}', []]);
  });

  it('previews a template against a ticket or sample data, and a broken template is a 400 that says where', async () => {
    const ana = await requester('es', 'Ana');
    const ticket = await open(ana);
    const preview = await api<{ subject: string; text: string; html: string; locale: string }>(
      'POST',
      '/v1/templates/preview',
      { ...own(), token: admin(), body: { kind: 'agent_reply', ticketId: ticket.id, message: 'Hola <Ana>' } },
    );
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.locale).toBe('es');
    expect(preview.body.subject).toBe(`Re: [${ticket.reference}] Imprimante en feu`);
    expect(preview.body.text).toContain('Hola <Ana>');
    expect(preview.body.text).toMatch(/escribió:\n> De la fumée/);
    expect(preview.body.html).toContain('Hola &lt;Ana&gt;');

    const given = await api<{ subject: string; text: string }>('POST', '/v1/templates/preview', {
      ...own(),
      token: admin(),
      body: {
        kind: 'resolved',
        locale: 'fr',
        template: { text: '{{#each quoted}}{{author}}{{/each}} — {{ticket.reference}}' },
      },
    });
    expect(given.status).toBe(200);
    expect(given.body.subject).toBe('[TK-202601-00042] Résolu : Printer on fire');
    expect(given.body.text).toContain('Rita Requester — TK-202601-00042');

    const broken = await api<Problem>('POST', '/v1/templates/preview', {
      ...own(),
      token: admin(),
      body: { kind: 'resolved', template: { text: 'Bonjour\n{{#if requester.name}}{{requester.name}}' } },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.map((e) => e.field)).toEqual(['body.template.text']);
    expect(broken.body.errors?.[0]?.message).toMatch(/does not compile \(line 2\b/);

    const badPut = await api<Problem>('PUT', '/v1/templates/default/en/closed', {
      ...own(),
      token: admin(),
      body: { html: '<p>{{#each quoted}}</p>{{/if}}', subject: '{{shout ticket.title}}' },
    });
    expect(badPut.status).toBe(400);
    expect(badPut.body.errors?.map((e) => e.field).sort()).toEqual(['body.html', 'body.subject']);
    expect(badPut.body.errors?.find((e) => e.field === 'body.subject')?.message).toContain('unknown helper shout');
    // Compiles, but fails when it runs (a block helper without its argument): refused too.
    const runtime = await api<Problem>('PUT', '/v1/templates/default/en/closed', {
      ...own(),
      token: admin(),
      body: { text: 'Closed {{#with}}{{/with}}' },
    });
    expect([runtime.status, runtime.body.errors?.map((e) => e.field)]).toEqual([400, ['body.text']]);
    expect(runtime.body.errors?.[0]?.message).toContain('#with requires exactly one argument');
    // Nothing was stored.
    const closed = await api<{ overridden: string[] }>('GET', '/v1/templates/default/en/closed', {
      ...own(),
      token: admin(),
    });
    expect(closed.body.overridden).toEqual([]);
  });

  it('refuses what is not an admin, an unknown brand, locale or kind', async () => {
    const asAgent = await api('GET', '/v1/templates/default/en/closed', { ...own(), token: alice() });
    expect(asAgent.status).toBe(403);
    const cases: [string, string][] = [
      ['/v1/templates/nobrand/en/closed', 'params.brand'],
      ['/v1/templates/default/de/closed', 'params.locale'],
      ['/v1/templates/default/en/nothing', 'params.kind'],
    ];
    for (const [url, field] of cases) {
      const res = await api<Problem>('PUT', url, { ...own(), token: admin(), body: { subject: 'x' } });
      expect([url, res.status, res.body.errors?.map((e) => e.field)]).toEqual([url, 400, [field]]);
    }
  });
});
