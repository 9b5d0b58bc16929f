// Build step: bundle the workflow code once, so a worker starts in a second instead of
// re-bundling with webpack at every start (and tests share one bundle).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');

async function main() {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: undefined });
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
