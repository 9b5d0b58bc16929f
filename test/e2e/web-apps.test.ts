// The gateway serves the web apps' builds: /console/ and /portal/ from CONSOLE_DIR and PORTAL_DIR,
// index.html for client routes (never cached), hashed assets cached for a year, a CSP that lets
// the built apps run and talk only to this origin, and a clear 404 where an app is not served.
// A private gateway serves a small fake build, so this does not depend on the apps' own builds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/console/assets/app-3f2a1b.js"></script></head><body><div id="root"></div></body></html>';

describe('web apps served by the gateway', () => {
  let gateway: PrivateServices;
  let build: string;
  beforeAll(async () => {
    build = fs.mkdtempSync(path.join(os.tmpdir(), 'console-build-'));
    fs.mkdirSync(path.join(build, 'assets'));
    fs.writeFileSync(path.join(build, 'index.html'), INDEX);
    fs.writeFileSync(path.join(build, 'assets', 'app-3f2a1b.js'), 'console.log("console")');
    fs.writeFileSync(path.join(build, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    // The console from the fake build; the portal explicitly not served (empty: unset).
    gateway = await startPrivateServices(['gateway'], { env: { CONSOLE_DIR: build, PORTAL_DIR: '' } });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    fs.rmSync(build, { recursive: true, force: true });
  });
  const get = (p: string, init?: RequestInit) => fetch(`${gateway.gateway}${p}`, { redirect: 'manual', ...init });

  it('serves index.html at the root and for client routes, never cached, under a CSP the app can run with', async () => {
    for (const p of ['/console/', '/console/tickets/123', '/console/views/mine?x=1']) {
      const res = await get(p);
      expect([p, res.status]).toEqual([p, 200]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });

  it('caches hashed assets for a year and other files not at all; a missing asset is a 404, not the app', async () => {
    const asset = await get('/console/assets/app-3f2a1b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain('console');

    const icon = await get('/console/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');

    for (const p of ['/console/assets/app-old.js', '/console/missing.png']) {
      const res = await get(p);
      expect([p, res.status]).toEqual([p, 404]);
      expect(await res.text()).not.toContain('<div id="root">');
    }
  });

  it('redirects the bare prefix to the folder', async () => {
    const res = await get('/console');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/console/');
  });

  it('answers 404 with the reason where an app is not served', async () => {
    const res = await get('/portal/');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toContain('PORTAL_DIR');
  });

  it("the shared stack's gateway is given both apps of this checkout", async () => {
    // Built or not (the apps are built by `turbo run build`), both are configured there: never "not served".
    for (const p of ['/console/', '/portal/']) {
      const res = await fetch(`${stack().gateway}${p}`);
      const text = await res.text();
      expect([p, text]).not.toEqual([p, expect.stringContaining('is not served by this gateway')]);
      if (res.status === 200) expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      else expect([p, res.status, text]).toEqual([p, 404, expect.stringContaining('is not built')]);
    }
  });
});
