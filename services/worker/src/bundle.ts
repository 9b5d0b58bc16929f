// Build step: bundle the workflow code once, so a worker starts in a second instead of
// re-bundling with webpack at every start (and tests share one bundle).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { BundleOptions } from '@temporalio/worker';

export const BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');

/**
 * Modules evaluated once per worker and shared by every workflow it runs, instead of once per
 * workflow. The SDK re-evaluates any other module for each workflow it creates or takes back into
 * its cache: with zod and luxon that was ~3 MB and tens of milliseconds per ticket, so 1,000 cached
 * tickets held 3 GB and timers fired late while the worker rebuilt them (measured in `npm run bench`).
 * Only modules with no per-workflow state belong here, and none that exports a zod schema: the SDK
 * deep-freezes what they export, and a frozen schema cannot parse (zod memoises on first use). So
 * @helpdesk/business-calendar, which exports its calendar schema, stays per workflow (the
 * time-skipping and replay tests fail if it is added).
 */
export const SHARED_WORKFLOW_MODULES = [
  path.join(__dirname, 'workflows', 'shared-libraries'),
  '@helpdesk/contracts/workflow',
];

export async function bundleTicketWorkflows(
  opts: { workflowsPath?: string; logger?: BundleOptions['logger'] } = {},
): Promise<string> {
  const { workflowsPath = require.resolve('./workflows'), logger } = opts;
  const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules: SHARED_WORKFLOW_MODULES, logger });
  return code;
}

async function main() {
  const code = await bundleTicketWorkflows();
  fs.writeFileSync(BUNDLE_PATH, code);
  console.log(
    `workflow bundle written: ${path.relative(process.cwd(), BUNDLE_PATH)} (${(code.length / 1024).toFixed(0)} KiB)`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
