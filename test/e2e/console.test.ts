// The agent console in a real browser (Debian's chromium driven by playwright-core) against the
// stack: an agent signs in, finds a ticket, takes it, replies and resolves it, while a second
// agent's browser on the same ticket shows each change and the first agent's presence live, without
// a reload. With SCREENSHOTS=1 it writes the main screens to docs/screens/console-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { api, createTicket, stack, token } from '../support/api';

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const SCREENS = path.resolve(__dirname, '..', '..', 'docs', 'screens');
const PASSWORD = 'console e2e passphrase 42';

async function screenshot(page: Page, name: string) {
  if (process.env.SCREENSHOTS !== '1') return;
  fs.mkdirSync(SCREENS, { recursive: true });
  // Counts and live reloads settled: no "…" in the rail, no "Loading…".
  await page.waitForTimeout(1000);
  await expect.poll(() => page.locator('.rail .count', { hasText: '…' }).count(), { timeout: 10_000 }).toBe(0);
  await page.getByText('Loading…').waitFor({ state: 'hidden' });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENS, `console-${name}.png`), fullPage: true });
}

/** An agent in the group `support` who signs in with a password. */
async function agent(name: string): Promise<{ id: string; email: string }> {
  const admin = token('admin', 'root');
  const unique = Math.random().toString(36).slice(2, 8);
  const email = `${name.toLowerCase()}-${unique}@agents.helpdesk.test`;
  const created = await api<{ id: string }>('POST', '/v1/users', {
    token: admin,
    body: { name, email, role: 'agent' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body;
  const password = await api('PUT', `/v1/users/${id}/password`, { token: admin, body: { password: PASSWORD } });
  expect(password.status, JSON.stringify(password.body)).toBe(204);
  const group = await api<{ members: string[] }>('GET', '/v1/groups/support', { token: admin });
  const patched = await api('PATCH', '/v1/groups/support', {
    token: admin,
    body: { members: [...new Set([...group.body.members, id])] },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  return { id, email };
}

async function signIn(page: Page, email: string) {
  await page.goto(`${stack().gateway}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

describe('the agent console', () => {
  let browser: Browser;

  beforeAll(async () => {
    expect(CHROMIUM, 'Chromium is needed for this test: apt-get install chromium (.ci/run does)').toBeTruthy();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an agent takes, replies to and resolves a ticket; a second agent sees it live with the first one there', async () => {
    const ann = await agent('Ann');
    const ben = await agent('Ben');
    const requester = (name: string) => {
      const id = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
      return { id, name, email: `${id}@example.com` };
    };
    const ticket = await createTicket({
      title: 'Console: the printer is on fire',
      group: 'support',
      priority: 'high',
      requester: requester('Rita'),
    });
    await createTicket({ title: 'Console: VPN drops every hour', group: 'support', requester: requester('Sam') });
    await createTicket({
      title: 'Console: new laptop for the new hire',
      group: 'support',
      priority: 'low',
      requester: requester('Tom'),
    });

    const errors: string[] = [];
    const contextA = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const contextB = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const a = await contextA.newPage();
    const b = await contextB.newPage();
    for (const p of [a, b]) p.on('pageerror', (e) => errors.push(e.message));

    // Ann signs in: the New view lists tickets, with the rail's counts.
    await signIn(a, ann.email);
    await a.getByRole('heading', { name: 'New' }).waitFor();
    await a.locator('table.tickets tbody tr').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => a.getByTestId('count-new').textContent(), { timeout: 10_000 }).toMatch(/^\d+$/);
    await screenshot(a, 'list');
    // She finds the ticket by its reference (other tests' tickets may be newer in a full run).
    await a.getByLabel('Search tickets').fill(ticket.reference);
    await a.getByRole('button', { name: 'Search', exact: true }).click();
    await a.locator(`tr[data-ticket="${ticket.reference}"]`).waitFor({ timeout: 20_000 });

    // Ben is on the ticket page first; the page must not reload from here on.
    await signIn(b, ben.email);
    await b.goto(`${stack().gateway}/console/#/tickets/${ticket.id}`);
    await b.getByTestId('ticket-status').waitFor();
    expect(await b.getByTestId('ticket-status').textContent()).toBe('new');
    await b.evaluate('window.stayed = true');

    // Ann opens it from the list; Ben sees her there.
    await a.getByRole('link', { name: ticket.reference }).click();
    await a.getByTestId('ticket-status').waitFor();
    await b.getByTestId('presence').getByText('Ann is viewing').waitFor({ timeout: 20_000 });

    // Ann takes it: Ben's page shows it in progress and hers.
    await a.getByRole('button', { name: 'Take' }).click();
    await a.getByTestId('ticket-assignee').getByText('assigned to Ann').waitFor({ timeout: 20_000 });
    await b.getByTestId('ticket-status').getByText('in progress').waitFor({ timeout: 20_000 });
    expect(await b.getByTestId('ticket-assignee').textContent()).toContain('Ann');

    // Ann types (Ben sees it) and replies (Ben reads it).
    await a.getByRole('tab', { name: 'Reply' }).click();
    await a.getByLabel('Message', { exact: true }).fill('We are sending a technician with a fire extinguisher.');
    await b.getByTestId('presence').getByText('Ann is typing…').waitFor({ timeout: 20_000 });
    await a.getByRole('button', { name: 'Send reply' }).click();
    await a.getByText('Public reply: done').waitFor({ timeout: 20_000 });
    await b.getByText('We are sending a technician with a fire extinguisher.').waitFor({ timeout: 20_000 });

    // Ann resolves it.
    await a.getByRole('tab', { name: 'Resolve' }).click();
    await a.getByLabel('Method').selectOption('customer_communication');
    await a.getByRole('button', { name: 'Resolve', exact: true }).click();
    await a.getByTestId('ticket-status').getByText('resolved').waitFor({ timeout: 20_000 });
    await b.getByTestId('ticket-status').getByText('resolved').waitFor({ timeout: 20_000 });
    expect(await b.evaluate('window.stayed')).toBe(true);
    await screenshot(a, 'ticket');

    // An admin page (the directory) and the list on a phone.
    await a.goto(`${stack().gateway}/console/#/admin/directory`);
    await a.getByRole('heading', { name: 'Directory' }).waitFor();
    await a.getByRole('rowheader', { name: /Ann/ }).waitFor({ timeout: 10_000 });
    await screenshot(a, 'admin-directory');

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await signIn(p, ben.email);
    await p.getByRole('heading', { name: 'New' }).waitFor();
    await p.locator('table.tickets tbody tr').first().waitFor({ timeout: 20_000 });
    // Live reloads of the list (other tickets changing) settle before the check and the picture.
    await p.waitForTimeout(1500);
    await p.getByText('Loading…').waitFor({ state: 'hidden' });
    // Nothing wider than the phone's screen.
    expect(Number(await p.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await screenshot(p, 'phone-list');
    // The ticket page fits too (one column).
    await p.goto(`${stack().gateway}/console/#/tickets/${ticket.id}`);
    await p.getByTestId('ticket-status').waitFor();
    await p.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(Number(await p.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

    expect(errors).toEqual([]);
    await Promise.all([contextA.close(), contextB.close(), phone.close()]);
  }, 180_000);

  it('searches, takes tickets in bulk, and saves the search as a view shared with the group, counted in the rail', async () => {
    const cara = await agent('Cara');
    const word = `zebra${Math.random().toString(36).slice(2, 8)}`;
    const one = await createTicket({ title: `Bulk ${word} one`, group: 'support' });
    const two = await createTicket({ title: `Bulk ${word} two`, group: 'support' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, cara.email);
    await page.getByLabel('Search tickets').fill(word);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    // Only the two matches (the New list before the search had others).
    await expect.poll(() => page.locator('table.tickets tbody tr').count(), { timeout: 20_000 }).toBe(2);
    await page.locator(`tr[data-ticket="${one.reference}"]`).waitFor();
    await page.locator(`tr[data-ticket="${two.reference}"]`).waitFor();

    await page.getByLabel('Select all').check();
    await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Take' }).click();
    await page.getByText('Take: 2 done').waitFor({ timeout: 20_000 });
    for (const t of [one, two]) {
      const read = await api<{ status: string; assignee?: string }>('GET', `/v1/tickets/${t.id}`, {
        token: token('agent', 'alice'),
      });
      expect(read.body).toMatchObject({ status: 'in_progress', assignee: cara.id });
    }

    // The search (status any) saved as a view for the group: it shows in the rail, counted.
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Save this view' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(`Zebras ${word}`);
    await dialog.getByLabel('Share with group').selectOption('support');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const link = page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: new RegExp(`Zebras ${word}`) });
    await link.waitFor({ timeout: 10_000 });
    await expect.poll(() => link.locator('.count').textContent(), { timeout: 10_000 }).toBe('2');
    await link.click();
    await page.getByRole('heading', { name: `Zebras ${word}` }).waitFor();
    await page.locator(`tr[data-ticket="${two.reference}"]`).waitFor({ timeout: 10_000 });
    const views = await api<{ items: { name: string; query: Record<string, string>; sharedWithGroup?: string }[] }>(
      'GET',
      '/v1/views',
      { token: token('agent', 'alice') },
    );
    expect(views.body.items.find((v) => v.name === `Zebras ${word}`)).toMatchObject({
      query: { q: word },
      sharedWithGroup: 'support',
    });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
