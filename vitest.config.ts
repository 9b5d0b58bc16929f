// One test run: pure unit tests, and end-to-end tests against one shared stack (Temporal dev
// server, store, SMTP sink, the three services) that the global setup starts on free ports; the
// tests that drive tickets through Temporal run again on the production-like stack (the Temporal
// server on PostgreSQL).
// Forks, not threads: the Temporal native bridge does not belong in worker threads.
import { defineConfig } from 'vitest/config';

const E2E_ON_POSTGRES = [
  'api',
  'lifecycle',
  'mail',
  'durability',
  'routing',
  'sla-policies',
  'window-race',
  'slice',
  'edges',
  'directory',
  'live',
];

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/repo/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        // The requester portal's components, in a simulated browser (jsdom).
        test: {
          name: 'portal',
          include: ['services/portal/test/**/*.test.tsx'],
          environment: 'jsdom',
          pool: 'forks',
        },
      },
      {
        // The agent console's components, in a simulated browser (jsdom).
        test: {
          name: 'console',
          include: ['services/console/test/**/*.test.tsx'],
          environment: 'jsdom',
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The same tests on the Temporal server on PostgreSQL (4 history shards): every path a ticket
        // takes through Temporal (commands, timers, mail, routing queues, service levels, restarts of
        // the worker). Left out, because they test what the Temporal server does not touch: the
        // gateway's input checks and fuzzing, sign-in, the store's capabilities and read path, the
        // browser pages, the dev server's Web UI, and the outage tests, which start private stacks.
        test: {
          name: 'e2e-postgres',
          include: E2E_ON_POSTGRES.map((name) => `test/e2e/${name}.test.ts`),
          globalSetup: ['test/support/global-setup-postgres.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
