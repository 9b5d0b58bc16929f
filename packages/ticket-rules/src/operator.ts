// What an operator does to a ticket's workflow outside the helpdesk (Temporal UI or CLI), and the
// admin's way back. A cancelled run closes the ticket, logged on its timeline; a run found ended
// while the ticket was open (terminated, timed out, failed, its history gone) marks the ticket
// halted; an admin's restart carries on from the read model's state and clears the mark.
import type { RunHalt, Settings, TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { Change, systemContext } from './builder';
import type { Accepted } from './types';

/** The run was cancelled: the ticket closes (no mail to the requester: nobody on the team decided it). */
export function runCancelled(s: TicketState, now: number, settings: Settings): Accepted | undefined {
  if (s.status === 'closed') return undefined;
  const change = new Change(s, systemContext(now, settings));
  change.record(
    'closed',
    { status: 'closed', waitType: undefined, waitUntil: undefined, closeIfNoResponse: undefined, attention: false },
    { data: { reason: 'workflow_cancelled' }, counts: false },
  );
  // A split parent must not wait for a child that can no longer resolve.
  if (s.links.parent && s.status !== 'resolved') change.effect({ type: 'child_resolved', parentId: s.links.parent });
  return change.done();
}

/** The run was found ended while the ticket was open: say so on the ticket and its timeline. */
export function runHalted(s: TicketState, run: RunHalt, now: number, settings: Settings): Accepted | undefined {
  if (s.status === 'closed' || s.halted === run) return undefined;
  return new Change(s, systemContext(now, settings))
    .record('workflow_halted', { halted: run, attention: true }, { data: { run }, counts: false })
    .done();
}

/** An admin restarted the ticket's workflow: the same first state in the starter and the new run. */
export function restarted(
  s: TicketState,
  restart: NonNullable<TicketWorkflowInput['restart']>,
  settings: Settings,
): Accepted {
  return new Change(s, { now: restart.at, actor: restart.actor, settings })
    .record('restarted', { halted: undefined, attention: true }, { data: { after: restart.after } })
    .done();
}
