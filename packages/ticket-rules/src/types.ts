// What a decision produces. The workflow applies `state`, projects `events`, and carries out
// `effects`; nothing here touches Temporal, so every rule can be tested as a plain function.
import type {
  Actor,
  EditableFields,
  Notification,
  Refusal,
  Settings,
  TicketEvent,
  TicketState,
} from '@helpdesk/contracts/workflow';
import type { RuleMark } from './automation';

export type Effect =
  | { type: 'notify'; notification: Notification }
  /** Tell the parent of a split that this child resolved. */
  | { type: 'child_resolved'; parentId: string }
  /** Tell the parent of a split that this child, resolved before, was reopened. */
  | { type: 'child_reopened'; parentId: string }
  /** Copy this ticket's thread into the target, which it was merged into. */
  | { type: 'merge_into'; targetId: string }
  /** Create the tickets this one was split into. */
  | { type: 'start_children'; children: { id: string; fields: EditableFields }[] }
  /** List this follow-up on the closed ticket it follows. */
  | { type: 'link_follow_up'; closedId: string }
  | { type: 'purge' }
  /** A trigger's or time rule's webhook call (the rule that asked is named in the delivery). */
  | { type: 'call_webhook'; webhook: string; rule: RuleMark };

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
  /** When the command was received, if it was stamped (see receipt.ts); recorded with customer replies. */
  receivedAt?: number;
}
