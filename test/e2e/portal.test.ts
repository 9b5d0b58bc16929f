// The requester portal in a real browser (Debian's chromium driven by playwright-core) against the
// stack: a requester signs in with the link mailed to them, submits a request with an attachment,
// sees an agent's reply arrive, reopens the solved request within the feedback window and, once
// it is closed, says "this is still a problem", which opens a follow-up. With SCREENSHOTS=1 it
// writes the screens the README shows to docs/screens/portal-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { signToken } from '@helpdesk/gateway';
import type { Browser, Page } from 'playwright-core';
import { api, command, stack, token, useStore, waitForStatus } from '../support/api';
import type { TicketBody } from '../support/api';
import { uniqueAddress, waitForMail } from '../support/mail';
import { ROOT } from '../support/stack-config';

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const SCREENS = path.join(ROOT, 'docs', 'screens');
const shoot = async (page: Page, name: string) => {
  if (process.env.SCREENSHOTS !== '1') return;
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `portal-${name}.png`), fullPage: true });
};

const admin = () => token('admin', 'root');

/** Magic-link sign-in in the browser: the address, then the link from the mail (its path is the portal's). */
async function signIn(page: Page, email: string): Promise<void> {
  const home = await page.goto(`${stack().gateway}/portal/`);
  expect(home?.status()).toBe(200);
  await page.getByRole('heading', { name: 'Sign in to see your requests' }).waitFor();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Mail me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  const [mail] = await waitForMail(email, 'Your sign-in link');
  const link = /https?:\/\/\S+\/portal\/sign-in\/magic\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0];
  expect(link, mail?.text).toBeTruthy();
  const mailed = new URL(link ?? '');
  // The link names the configured host (AUTH_MAGIC_LINK_URL); the test stack's gateway is on a free port.
  await page.goto(`${stack().gateway}${mailed.pathname}${mailed.search}`);
  await page.getByRole('heading', { name: /^(My requests|Requests of )/ }).waitFor({ timeout: 15_000 });
}

describe('requester portal', () => {
  const store = useStore();
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

  it('signs in by magic link, submits with an attachment, sees the reply live, reopens and follows up', async () => {
    const email = uniqueAddress('portal');
    const made = await api<{ id: string }>('POST', '/v1/users', {
      token: admin(),
      body: { name: 'Rita Portal', email, role: 'requester' },
    });
    expect(made.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failed: string[] = [];
    // Requests the page cancels itself (a navigation or a newer read superseding an older one) end as
    // ERR_ABORTED and are not failures; anything else the network refused, or any server error, is.
    page.on('requestfailed', (r) => {
      const error = r.failure()?.errorText ?? '';
      if (!r.url().includes('/v1/live') && !error.includes('ERR_ABORTED')) failed.push(`${r.url()} ${error}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 500) failed.push(`${r.url()} ${r.status()}`);
    });
    try {
      await signIn(page, email);
      await page.getByText('Signed in as Rita Portal').waitFor();

      // Submit a request with an attachment.
      await page.getByRole('link', { name: 'New request' }).click();
      await page.getByRole('heading', { name: 'Submit a request' }).waitFor();
      await page.getByLabel('Subject').fill('Printer on fire');
      await page.getByLabel('Describe the problem').fill('Smoke comes out of the paper tray since this morning.');
      await page.getByLabel('Attachments (optional)').setInputFiles({
        name: 'printer.log',
        mimeType: 'text/plain',
        buffer: Buffer.from('E51 fuser overheated\n'),
      });
      await page.getByRole('button', { name: 'Submit request' }).click();
      await page.waitForURL(
        (url) => /^\/portal\/requests\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'),
        {
          timeout: 20_000,
        },
      );
      const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      await page.getByRole('heading', { level: 1, name: 'Printer on fire' }).waitFor();
      await page.getByRole('button', { name: 'Download printer.log' }).waitFor({ timeout: 15_000 });
      const created = await api<TicketBody & { attachments?: { filename: string }[]; channel: string }>(
        'GET',
        `/v1/tickets/${id}`,
        { token: admin() },
      );
      expect(created.body).toMatchObject({ status: 'new', channel: 'web', requester: { id: made.body.id, email } });
      expect(created.body.attachments?.map((a) => a.filename)).toEqual(['printer.log']);

      // An agent takes it and replies through the API: the open page shows the reply without a reload.
      expect((await command(id, 'take')).status).toBe(200);
      const reply = 'Please switch it off and unplug it; a technician is on the way.';
      expect((await command(id, 'replies', { body: reply, visibility: 'public' })).status).toBe(200);
      expect((await command(id, 'replies', { body: 'Internal: fuser again', visibility: 'private_note' })).status).toBe(
        200,
      );
      await page.getByText(reply).waitFor({ timeout: 20_000 });
      expect(await page.getByText('Internal: fuser again').count()).toBe(0);
      await page.getByLabel('Write a reply').fill('Done, thank you.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.getByText('Your reply was sent.').waitFor();
      await page.getByText('Done, thank you.').first().waitFor();
      await shoot(page, 'request');

      // Two more requests (through the API, as the same requester), one of them solved: the list shows all three.
      const rita = token('requester', made.body.id, email);
      const more = [
        { title: 'VPN drops every hour', description: 'Since Monday the VPN disconnects about once an hour.' },
        { title: 'Laptop for a new colleague', description: 'Anna starts on the 1st and needs a laptop.', solve: true },
      ];
      for (const { solve, ...body } of more) {
        const other = await api<TicketBody>('POST', '/v1/tickets', { token: rita, body });
        expect(other.status).toBe(201);
        if (solve)
          expect((await command(other.body.id, 'resolve', { method: 'customer_communication' })).status).toBe(200);
      }
      // The list shows them.
      await page.getByRole('link', { name: 'Back to my requests' }).click();
      await page.getByRole('link', { name: 'Printer on fire' }).waitFor();
      await page.getByRole('link', { name: 'Laptop for a new colleague' }).waitFor();
      expect(await page.getByRole('link', { name: 'VPN drops every hour' }).count()).toBe(1);
      await shoot(page, 'my-requests');

      // Solved: within the feedback window (a few seconds here) the requester reopens it.
      await page.getByRole('link', { name: 'Printer on fire' }).click();
      await page.getByRole('heading', { level: 1, name: 'Printer on fire' }).waitFor();
      expect((await command(id, 'resolve', { method: 'customer_communication' })).status).toBe(200);
      // No reload: the open page learns of the resolve from the live stream (the window is short here).
      await page.getByRole('button', { name: 'Reopen this request' }).click({ timeout: 3_000 });
      await page.getByText('The request is open again.').waitFor();
      const reopened = await api<TicketBody & { reopenCount: number }>('GET', `/v1/tickets/${id}`, { token: admin() });
      expect(reopened.body).toMatchObject({ status: 'in_progress', reopenCount: 1 });

      // Solved again and closed when the window ends: "this is still a problem" opens a follow-up.
      expect((await command(id, 'resolve', { method: 'customer_communication' })).status).toBe(200);
      await waitForStatus(store(), id, 'closed');
      await page.reload();
      await page.getByRole('heading', { name: 'This is still a problem' }).waitFor();
      expect(await page.getByRole('button', { name: 'Reopen this request' }).count()).toBe(0);
      await page.getByLabel('What is still wrong?').fill('It is smoking again.');
      await page.getByRole('button', { name: 'This is still a problem' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/portal/requests/') && !url.pathname.endsWith(id), {
        timeout: 20_000,
      });
      const followUpId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      await page.getByRole('link', { name: 'Follows up on an earlier request' }).waitFor();
      await page.getByText('It is smoking again.').first().waitFor();
      const followUp = await api<TicketBody>('GET', `/v1/tickets/${followUpId}`, { token: admin() });
      expect(followUp.body.links.followUpOf).toBe(id);

      // A phone (390 px wide): the same request page, one column.
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const small = await phone.newPage();
        await small.goto(`${stack().gateway}/portal/requests/${encodeURIComponent(id)}`);
        await small.getByRole('heading', { level: 1, name: 'Printer on fire' }).waitFor();
        const overflow = await small.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await shoot(small, 'phone');
      } finally {
        await phone.close();
      }
      expect(failed).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it("shows the organization's requests where it shares them, and narrows to the requester's own", async () => {
    const unique = Math.random().toString(36).slice(2, 8);
    const org = await api<{ id: string; name: string }>('POST', '/v1/organizations', {
      token: admin(),
      body: { name: `Acme ${unique}`, shareTickets: true },
    });
    expect(org.status).toBe(201);
    const person = async (name: string) => {
      const email = uniqueAddress(name.toLowerCase());
      const made = await api<{ id: string }>('POST', '/v1/users', {
        token: admin(),
        body: { name, email, role: 'requester', organizationId: org.body.id },
      });
      expect(made.status).toBe(201);
      return { id: made.body.id, email };
    };
    const bob = await person('Bob');
    const sue = await person('Sue');
    const asBob = signToken({ sub: bob.id, role: 'requester', name: 'Bob', email: bob.email }, stack().jwtSecret);
    const made = await api<TicketBody>('POST', '/v1/tickets', {
      token: asBob,
      body: { title: 'Shared printer jams', description: 'The second floor printer jams on every job.' },
    });
    expect(made.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await signIn(page, sue.email);
      await page.getByRole('heading', { name: `Requests of ${org.body.name}` }).waitFor();
      await page.getByRole('link', { name: 'Shared printer jams' }).waitFor();
      await page.getByText('Requested by Bob').waitFor();
      await page.getByLabel('Show only my requests').check();
      await page.getByText('You have no requests yet.').waitFor();
      // The colleague's request opens read-only: requesters act only on their own (the API refuses the rest).
      await page.getByLabel('Show only my requests').uncheck();
      await page.getByRole('link', { name: 'Shared printer jams' }).click();
      await page.getByRole('heading', { level: 1, name: 'Shared printer jams' }).waitFor();
      await page.getByText('The second floor printer jams on every job.').waitFor();
      await page.getByText(/a colleague’s request/).waitFor();
      expect(await page.getByLabel('Write a reply').count()).toBe(0);
      const refused = await api('POST', `/v1/tickets/${made.body.id}/replies`, {
        token: token('requester', sue.id, sue.email),
        body: { body: 'Me too' },
      });
      expect(refused.status).toBe(403);
    } finally {
      await context.close();
    }
  });
});
