// Starts the shared stack once per test run and hands its addresses to the tests. The e2e project
// runs on the Temporal dev server; the e2e-postgres project runs its files again on the Temporal
// server on PostgreSQL (global-setup-postgres.ts), each with a stack of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, webAppDirs } from '@helpdesk/dev-stack';
import type { RunningStack, StackOptions } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';
import { seedDirectory } from './directory';
import { E2E_SETTINGS, ROOT, serviceSpecs } from './stack-config';

export interface StackInfo {
  gateway: string;
  temporal: string;
  mongo: string;
  mailUi: string;
  smtp: string;
  inboundSmtp: string;
  inboundHttp: string;
  jwtSecret: string;
  dataDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** setup and teardown for vitest, for one stack on this Temporal (default: TEMPORAL, the dev server). */
export function stackSetup(temporal?: StackOptions['temporal']) {
  let stack: RunningStack | undefined;
  let dataDir: string | undefined;

  async function setup(project: TestProject) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-e2e-'));
    const jwtSecret = 'e2e-secret-at-least-16-chars';
    stack = await startStack({
      dataDir,
      persistent: false,
      services: serviceSpecs(),
      ...(temporal ? { temporal } : {}),
      // The gateway serves the web apps of this checkout, so browser tests load /console/ and /portal/.
      env: { AUTH_JWT_SECRET: jwtSecret, LOG_LEVEL: 'warn', ...webAppDirs(ROOT) },
      ...(process.env.MONGO_URL ? { mongoUrl: process.env.MONGO_URL } : {}),
    });
    // Short durations so timer paths run in seconds; ticket workflows read these at start.
    const store = await Store.connect(stack.urls.mongo);
    await store.putSettings(E2E_SETTINGS);
    // The agents and admins the tests' tokens name, in `support`: assignments are checked against them.
    await seedDirectory(store);
    await store.close();
    project.provide('stack', {
      gateway: stack.urls.gateway,
      temporal: stack.urls.temporal,
      mongo: stack.urls.mongo,
      mailUi: stack.urls.mailUi,
      smtp: stack.urls.smtp,
      inboundSmtp: stack.urls.inboundSmtp,
      inboundHttp: stack.urls.inboundHttp,
      jwtSecret,
      dataDir,
    });
  }

  async function teardown() {
    await stack?.stop();
    if (dataDir && !process.env.KEEP_E2E_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  }

  return { setup, teardown };
}

export const { setup, teardown } = stackSetup();
