// A closed ticket's run has ended, so no workflow is there to ask: the ticket client asks decide()
// itself, on the read model's state, and carries out the one store write an acceptance names.
// Same rules, same refusals (with the commands allowed instead) as on a running ticket.
import type { CommandRequest, TicketState } from '@helpdesk/contracts/workflow';
import { decide, reclassification } from './decide';
import type { Accepted, Context, Refused } from './types';

export type ClosedWrite = { write: 'purge' } | { write: 'reclassify'; patch: ReturnType<typeof reclassification> };

export type ClosedDecision = Refused | ({ ok: true; decision: Accepted } & ClosedWrite);

export function decideClosed(state: TicketState, request: CommandRequest, ctx: Context): ClosedDecision {
  const decision = decide(state, request, ctx);
  if (!decision.ok) return decision;
  const { command } = request;
  if (state.status === 'closed' && command.type === 'purge') return { ok: true, decision, write: 'purge' };
  if (state.status === 'closed' && command.type === 'reclassify')
    return { ok: true, decision, write: 'reclassify', patch: reclassification(command) };
  // Closed is final: decide() accepts nothing else there (the transition matrix holds it to that).
  throw new Error(`decideClosed: ${command.type} on a ${state.status} ticket is not a closed ticket's command`);
}
