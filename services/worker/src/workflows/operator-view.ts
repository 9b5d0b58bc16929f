// What an operator reads of a ticket in the Temporal UI besides its search attributes: the run's
// current details and the name of its deadline timer. Presentation only (no command, no rule):
// neither is part of what a replay compares.
import type { Settings, TicketState } from '@helpdesk/contracts/workflow';
import { nextTimer } from '@helpdesk/ticket-rules';
import type { Timer, TimerKind } from '@helpdesk/ticket-rules';

const DEADLINE_NAMES: Record<TimerKind, string> = {
  wait_over: 'wait over',
  feedback_over: 'feedback window lapses',
  response_due: 'response due',
  action_due: 'action due',
  sla_warning: 'warning',
  sla_due: 'due',
  time_rule: 'time rule',
};

/** e.g. "response due 2026-11-23T10:00:00.000Z": the deadline a timer stands for, by name and time. */
export const deadlineName = (timer: Timer): string =>
  `${timer.target ? `${timer.target} ` : ''}${DEADLINE_NAMES[timer.kind]}${timer.rule ? ` ${timer.rule}` : ''} ${new Date(timer.at).toISOString()}`;

/**
 * The run's current details (Markdown, as the UI renders them): status, assignee, next deadline,
 * after the ticket's reference and title. Those are the start's summary too, but a run continued as
 * new has no summary (continueAsNew takes none), and a title edited since shows here.
 */
export function currentDetails(state: TicketState, settings: Settings): string {
  const next = nextTimer(state, settings);
  return [
    `- Ticket: ${[state.reference, state.title].filter(Boolean).join(' · ')}`,
    `- Status: ${state.status}`,
    `- Assignee: ${state.assignee ?? 'none'}`,
    `- Next deadline: ${next ? deadlineName(next) : 'none'}`,
  ].join('\n');
}
