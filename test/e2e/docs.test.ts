// /docs renders the OpenAPI document in a real browser (Debian's chromium, driven by
// playwright-core): the page loads its assets from the gateway itself, lists the operations with
// tickets first, tells how to get a token, and shows the schema of an answer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { stack } from '../support/api';

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

describe('/docs', () => {
  it('renders every tag of the API and the schemas of its answers in headless Chromium', async () => {
    expect(CHROMIUM, 'Chromium is needed for this test: apt-get install chromium (.ci/run does)').toBeTruthy();
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      const res = await page.goto(`${stack().gateway}/docs`);
      expect(res?.status()).toBe(200);
      await page.waitForSelector('.swagger-ui .opblock-tag', { timeout: 20_000 });
      const tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
      // Tickets first, in the document's own order.
      expect(tags.slice(0, 2)).toEqual(['tickets', 'commands']);
      expect(tags).toEqual(expect.arrayContaining(['tickets', 'commands', 'attachments', 'reports', 'settings']));
      expect(await page.textContent('.swagger-ui .title')).toContain('Helpdesk API');
      expect(await page.textContent('.swagger-ui .info')).toContain('npm run token -- --role agent --sub alice');

      // An answer shows its schema, not "string": the 200 of GET /v1/tickets/{id} lists a ticket's fields.
      const op = page.locator('#operations-tickets-get_v1_tickets__id_');
      await op.locator('.opblock-summary-control').click();
      const ok = op.locator('tr.response[data-code="200"]');
      await ok.locator('button[data-name="model"]').click();
      const model = ok.locator('.model-box');
      await model.waitFor({ timeout: 10_000 });
      const fields = await model
        .locator('article[data-json-schema-level="1"]')
        .locator('.json-schema-2020-12__title')
        .allTextContents();
      expect(await model.locator('.json-schema-2020-12__title').first().textContent()).toBe('Ticket');
      expect(fields).toEqual(
        expect.arrayContaining(['id', 'reference', 'status', 'requester', 'assignee', 'revision']),
      );
      // The outage answers are there too, with their Retry-After header.
      const down = op.locator('tr.response[data-code="503"]');
      expect(await down.textContent()).toContain('Retry-After');
      expect(await op.locator('tr.response[data-code="504"]').count()).toBe(1);
      expect(failed).toEqual([]);
      await page.screenshot({ path: path.join(stack().dataDir, 'docs.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });
});
