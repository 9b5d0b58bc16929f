// The same change as workflows-next.ts without its patched() guard: the deploy that breaks tickets
// already running. test/versioning.test.ts replays a ticket started on N against it and expects the
// non-determinism error, so the test fails if the guard stops being what keeps old tickets safe.
import type { TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { ticketWithIntakeTimer } from './ticket-next';

export {
  accountMailWorkflow,
  groupQueueWorkflow,
  housekeepingWorkflow,
  settingsBroadcastWorkflow,
} from '../../dist/workflows';

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  return ticketWithIntakeTimer(input, true);
}
