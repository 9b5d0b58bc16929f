// Replays the recorded histories of real ticket runs (scripts/record-histories.js) against the
// current workflow bundle: a change that would break tickets already running fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

const DIR = path.join(__dirname, 'histories');
// The bundle the build wrote (npm test builds first), i.e. exactly the code a worker would run.
const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');
// histories/<generation>/<path>.json: each generation of the workflow code that recorded them.
const files = fs
  .readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    fs
      .readdirSync(path.join(DIR, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${d.name}/${f}`),
  );

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('replay of recorded ticket histories', () => {
  it('has histories to replay and a built workflow bundle', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(fs.existsSync(WORKFLOW_BUNDLE_PATH)).toBe(true);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH }, replayName: file },
          history,
          `replay-${file}`,
        ),
      ).resolves.toBeUndefined();
    }, 30_000);
  }
});
