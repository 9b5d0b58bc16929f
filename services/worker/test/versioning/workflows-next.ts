// The workflow code of version N+1 (the worker deployed over N in test/versioning.test.ts): every
// workflow of N as built, and the ticket workflow with the intake timer, guarded by patched() as a
// real change must be. A ticket started on N has no marker for the patch: replaying its history,
// patched() answers false at the start, so it keeps N's path for the rest of its run.
import { patched } from '@temporalio/workflow';
import type { TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { INTAKE_PATCH } from './intake-patch';
import { ticketWithIntakeTimer } from './ticket-next';

export {
  accountMailWorkflow,
  groupQueueWorkflow,
  housekeepingWorkflow,
  settingsBroadcastWorkflow,
} from '../../dist/workflows';

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  // Asked once, at the start: the whole run takes one path.
  return ticketWithIntakeTimer(input, patched(INTAKE_PATCH));
}
