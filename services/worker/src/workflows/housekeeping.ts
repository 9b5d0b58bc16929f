// Run by a Temporal Schedule (see ../schedules.ts): data expires by schedule, not by TTL indexes,
// which FerretDB v1 does not have.
import { proxyActivities } from '@temporalio/workflow';
import type { TicketActivities } from '../activities';

const { purgeSuspendedMail, purgeIdempotencyKeys } = proxyActivities<TicketActivities>({
  startToCloseTimeout: '10 minutes',
});

export async function housekeepingWorkflow(): Promise<{ suspendedPurged: number; idempotencyKeysPurged: number }> {
  return { suspendedPurged: await purgeSuspendedMail(), idempotencyKeysPurged: await purgeIdempotencyKeys() };
}
