import path from 'node:path';
import type { Settings } from '@helpdesk/contracts';
import type { ServiceSpec } from '@helpdesk/dev-stack';

export const ROOT = path.resolve(__dirname, '..', '..');

export const serviceSpecs = (): ServiceSpec[] =>
  ['worker', 'notifier', 'gateway'].map((name) => ({
    name,
    entry: path.join(ROOT, 'services', name, 'dist', 'main.js'),
  }));

const SECOND_IN_HOURS = 1 / 3600;

/** Settings for the shared e2e stack: a feedback window of a few seconds, no service levels. */
export const E2E_SETTINGS: Partial<Settings> = {
  feedbackWindowHours: 4 * SECOND_IN_HOURS,
  responseDelayHours: null,
  actionDelayHours: null,
  brandSupportAddresses: { default: 'support@helpdesk.local', billing: 'billing@helpdesk.local' },
  mailLimitPerSenderPerHour: 5,
};
