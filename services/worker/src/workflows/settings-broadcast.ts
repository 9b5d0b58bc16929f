// Settings changed: tell every open ticket, durably (a crash mid-way resumes the broadcast).
import { proxyActivities } from '@temporalio/workflow';
import type { Settings } from '@helpdesk/contracts/workflow';
import type { TicketActivities } from '../activities';

const { broadcastSettings } = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
});

/** `previous`: the settings before the change, so only tickets whose deadlines move are told. */
export async function settingsBroadcastWorkflow(settings: Settings, previous?: Settings): Promise<number> {
  return broadcastSettings(settings, previous);
}
