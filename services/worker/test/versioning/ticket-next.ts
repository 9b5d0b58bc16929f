// Version N+1 of the ticket workflow for test/versioning.test.ts: the ticket workflow exactly as the
// build wrote it (version N, imported from dist, not a copy), with one change in front of it that
// emits a command where a ticket's history has another: an intake timer armed at the start. The
// change sits outside the production code, so N+1 is N plus this change and nothing else.
import { CancellationScope, sleep } from '@temporalio/workflow';
import type { TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { ticketWorkflow as ticketWorkflowN } from '../../dist/workflows/ticket';
import { INTAKE_TIMER_MS, INTAKE_TIMER_SUMMARY } from './intake-patch';

/** The ticket workflow of version N, plus the intake timer when `newPath`. */
export async function ticketWithIntakeTimer(input: TicketWorkflowInput, newPath: boolean): Promise<TicketState> {
  // Armed before version N's code runs, which still sets its handlers before its first await.
  // Not cancellable: an operator's cancellation closes the ticket (N's behaviour), it does not end here.
  const intake = newPath
    ? CancellationScope.nonCancellable(() => sleep(INTAKE_TIMER_MS, { summary: INTAKE_TIMER_SUMMARY }))
    : undefined;
  const state = await ticketWorkflowN(input);
  // A run never ends with its timer pending, so a new ticket's history always shows it fired.
  await intake;
  return state;
}
