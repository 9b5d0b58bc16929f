// /docs renders the OpenAPI document in a real browser (Debian's chromium, driven by
// playwright-core): the page loads its assets from the gateway itself and lists the operations.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { stack } from '../support/api';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

describe('/docs', () => {
  it('renders every tag of the API in headless Chromium', async () => {
    expect(CHROMIUM, 'Chromium is needed for this test: apt-get install chromium (.ci/run does)').toBeTruthy();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      const res = await page.goto(`${stack().gateway}/docs`);
      expect(res?.status()).toBe(200);
      await page.waitForSelector('.swagger-ui .opblock-tag', { timeout: 20_000 });
      const tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
      expect(tags).toEqual(expect.arrayContaining(['tickets', 'commands', 'attachments', 'reports', 'settings']));
      expect(await page.textContent('.swagger-ui .title')).toContain('Helpdesk API');
      expect(failed).toEqual([]);
      await page.screenshot({ path: path.join(stack().dataDir, 'docs.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });
});
