// What a decision produces. The workflow applies `state`, projects `events`, and carries out
// `effects`; nothing here touches Temporal, so every rule can be tested as a plain function.
import type { Actor, Notification, Refusal, Settings, TicketEvent, TicketState } from '@helpdesk/contracts/workflow';

export type Effect =
  | { type: 'notify'; notification: Notification }
  /** Tell the parent of a split that this child resolved. */
  | { type: 'child_resolved'; parentId: string }
  | { type: 'purge' };

export interface Accepted {
  ok: true;
  state: TicketState;
  events: TicketEvent[];
  effects: Effect[];
}

export interface Refused {
  ok: false;
  refusal: Refusal;
}

export type Decision = Accepted | Refused;

/** Everything a decision may depend on besides the state and the command. */
export interface Context {
  now: number;
  actor: Actor;
  settings: Settings;
}
