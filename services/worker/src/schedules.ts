// The worker makes sure its schedules exist when it starts (creating one that exists is a no-op).
import { ScheduleAlreadyRunning } from '@temporalio/client';
import type { Client } from '@temporalio/client';

export async function ensureSchedules(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: `helpdesk-housekeeping-${taskQueue}`,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: 'housekeepingWorkflow', taskQueue, args: [] },
      policies: { overlap: 'SKIP' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
