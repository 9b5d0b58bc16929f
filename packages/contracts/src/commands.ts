import type { MacroApplication } from './automation';
import type { Settings } from './settings';
import type { CustomValuesPatch } from './custom-fields';
// Commands a ticket accepts. Each is a Temporal Update named after its `type`, so the workflow
// history reads as a list of what people did. Plain types: bundled into workflow code.
import type {
  Actor,
  AttachmentRef,
  Channel,
  MessageVisibility,
  ResolutionMethod,
  TicketFields,
  TicketStatus,
} from './ticket';

/** `custom` is a patch of the ticket's values: a key set to null clears that value. */
export type EditableFields = Partial<Omit<TicketFields, 'ccs' | 'tags' | 'custom'>> & {
  ccs?: string[];
  tags?: string[];
  custom?: CustomValuesPatch;
};

export type TicketCommand =
  | { type: 'submit'; fields?: EditableFields }
  | { type: 'modify'; fields: EditableFields }
  | { type: 'take' }
  | {
      type: 'assign';
      assignee: string;
      /**
       * Only while the ticket is still `new` and held by this assignee (null: nobody): routing's
       * offers carry it, so an agent's take or a hand assignment in the meantime wins.
       */
      ifUnchanged?: { assignee: string | null };
    }
  | { type: 'release'; reason?: 'release' | 'return_to_queue' | 'robot_rejected' | 'manual' }
  | { type: 'wait'; waitType: 'more_info'; days?: number; closeIfNoResponse?: boolean }
  | { type: 'wait'; waitType: 'until'; until: number }
  | { type: 'wait'; waitType: 'case'; caseId?: string }
  | { type: 'resume' }
  | {
      type: 'reply';
      body: string;
      visibility: MessageVisibility;
      /** private_message: who receives it (emails or user ids). */
      recipients?: string[];
      /** "Send & resolve": resolve in the same action. */
      resolve?: { method: ResolutionMethod };
    }
  /** through: written to a ticket merged into this one (the sender owns that one, maybe not this). */
  | {
      type: 'customer_reply';
      body: string;
      from?: string;
      messageId?: string;
      ccs?: string[];
      subject?: string;
      via: Channel;
      through?: string;
    }
  | { type: 'resolve'; method: ResolutionMethod; note?: string }
  | { type: 'reopen' }
  | { type: 'spam' }
  | { type: 'delete' }
  | { type: 'restore' }
  | { type: 'reclassify'; typeName?: string; group?: string; severity?: string }
  | { type: 'end_case' }
  | { type: 'attach'; attachment: AttachmentRef }
  | { type: 'merge'; targetId: string; targetReference?: string }
  /** Child ids come with the command so the workflow stays deterministic. */
  | { type: 'split'; children: { id: string; fields: EditableFields }[] }
  | { type: 'purge' }
  /** A macro: its actions and reply as one command (the gateway fills the reply's placeholders). */
  | { type: 'apply_macro'; macro: MacroApplication };

export type CommandType = TicketCommand['type'];
export type CommandOf<T extends CommandType> = Extract<TicketCommand, { type: T }>;

export const COMMAND_TYPES = [
  'submit',
  'modify',
  'take',
  'assign',
  'release',
  'wait',
  'resume',
  'reply',
  'customer_reply',
  'resolve',
  'reopen',
  'spam',
  'delete',
  'restore',
  'reclassify',
  'end_case',
  'attach',
  'merge',
  'split',
  'purge',
  'apply_macro',
] as const satisfies readonly CommandType[];

/** What travels in an Update: the command and who sent it. */
export interface CommandRequest<C extends TicketCommand = TicketCommand> {
  command: C;
  actor: Actor;
  /**
   * The settings as the sender read them. A settings change signals only the tickets whose
   * deadlines it moves; the others learn of it from their next command (or timer).
   */
  settings?: Settings;
  /**
   * When the gateway or the mail collector received the command (epoch ms). The ticket decides
   * by it, within a bounded grace, rather than by when a busy worker got to it.
   */
  receivedAt?: number;
}

export const REFUSAL_CODES = ['invalid_transition', 'missing_fields', 'closed', 'forbidden', 'invalid_input'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Why a command was refused; carried in the ApplicationFailure's details. */
export interface Refusal {
  code: RefusalCode;
  message: string;
  status: TicketStatus;
  missing?: string[];
  allowed?: CommandType[];
}

/** ApplicationFailure type used for every refusal, so clients can recognise one. */
export const REFUSAL_FAILURE_TYPE = 'TicketCommandRefused';
