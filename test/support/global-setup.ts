// Starts the shared stack once per test run and hands its addresses to the tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack } from '@helpdesk/dev-stack';
import type { RunningStack } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';
import { seedDirectory } from './directory';
import { E2E_SETTINGS, serviceSpecs } from './stack-config';

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

let stack: RunningStack | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-e2e-'));
  const jwtSecret = 'e2e-secret-at-least-16-chars';
  stack = await startStack({
    dataDir,
    persistent: false,
    services: serviceSpecs(),
    env: { AUTH_JWT_SECRET: jwtSecret, LOG_LEVEL: 'warn' },
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

export async function teardown() {
  await stack?.stop();
  if (dataDir && !process.env.KEEP_E2E_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
}
