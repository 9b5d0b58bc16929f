// The ticket's rules: given its state and a command, either refuse (with the reason) or say what
// the ticket becomes, which events it records and which effects follow. Pure and deterministic:
// the workflow calls it in the update validator (to refuse without a trace) and in the handler.
import { CLOSE_AT_ONCE_METHODS, COMMAND_TYPES, DAY_MS } from '@helpdesk/contracts/workflow';
import type {
  CommandOf,
  CommandRequest,
  CommandType,
  RefusalCode,
  ResolutionMethod,
  TicketCommand,
  TicketState,
  TicketStatus,
} from '@helpdesk/contracts/workflow';
import { performActions } from './automation';
import { Change } from './builder';
import { customResolveRefusal, missingCustomFields, withCustomValues } from './custom-fields';
import { forSomeoneElse, isStaff, mayView } from './roles';
import { FROM, REQUIRED_TO_SUBMIT, WHO_MAY } from './rules';
import type { Context, Decision, Refused } from './types';

export function refuse(
  state: TicketState,
  code: RefusalCode,
  message: string,
  extra: { missing?: string[] } = {},
): Refused {
  return { ok: false, refusal: { code, message, status: state.status, ...extra } };
}

const reopenedStatus = (s: TicketState): TicketStatus => (s.assignee ? 'in_progress' : 'new');

/**
 * The smallest body a client would send for each command (the gateway's routes accept each of
 * them): what allowedCommands asks decide() about. `reply` is a public reply, `wait` one for more
 * information, `resolve` without a note.
 */
export function minimalCommand(type: CommandType, state: TicketState, ctx: Context): TicketCommand {
  switch (type) {
    case 'submit':
    case 'take':
    case 'release':
    case 'resume':
    case 'end_case':
    case 'reopen':
    case 'spam':
    case 'delete':
    case 'restore':
    case 'purge':
      return { type };
    case 'modify':
      return { type, fields: {} };
    case 'assign':
      return { type, assignee: ctx.actor.id };
    case 'wait':
      return { type, waitType: 'more_info', days: 1 };
    case 'reply':
      return { type, body: '.', visibility: 'public' };
    case 'customer_reply':
      return { type, body: '.', via: 'api' };
    case 'resolve':
      return { type, method: 'customer_communication' };
    case 'reclassify':
      return { type, group: state.group ?? 'default' };
    case 'attach':
      return { type, attachment: { id: 'offer', filename: 'offer.txt', contentType: 'text/plain', size: 1 } };
    case 'merge':
      return { type, targetId: `${state.id}-other` };
    case 'split':
      return { type, children: [{ id: `${state.id}-child`, fields: { title: '.', description: '.' } }] };
    case 'apply_macro':
      return { type, macro: { id: 'offer', name: 'offer', actions: [{ type: 'add_note', body: '.' }] } };
  }
}

/**
 * Commands this actor could send now: those whose minimal body decide() itself accepts, so a
 * command on offer is never refused for the ticket's state (one rule, not a second copy of it).
 * A refusal for missing fields keeps a command on offer: its body has to name them (a submit of
 * an incomplete draft, a resolve when the settings want a note).
 */
export function allowedCommands(state: TicketState, ctx: Context): CommandType[] {
  return COMMAND_TYPES.filter((type) => {
    const d = judge(state, { command: minimalCommand(type, state, ctx), actor: ctx.actor }, ctx);
    return d.ok || d.refusal.code === 'missing_fields';
  });
}

/** A reply sent to a ticket merged into this one lands here, whoever this one belongs to (spec: merge). */
const throughMerged = (state: TicketState, command: TicketCommand | undefined) =>
  command?.type === 'customer_reply' &&
  command.through !== undefined &&
  (state.links.mergedFrom ?? []).includes(command.through);

function preconditions(
  state: TicketState,
  type: CommandType,
  ctx: Context,
  command?: TicketCommand,
): Refused | undefined {
  if (!WHO_MAY[type].includes(ctx.actor.role)) {
    return refuse(state, 'forbidden', `A ${ctx.actor.role} may not ${type.replace('_', ' ')} a ticket`);
  }
  if (!mayView(state, ctx.actor) && !throughMerged(state, command)) {
    return refuse(state, 'forbidden', 'Requesters may act only on their own tickets');
  }
  if (state.status === 'closed' && !(type === 'purge' || (type === 'reclassify' && ctx.settings.reclassifyClosed))) {
    const why =
      type === 'reclassify'
        ? 'Closed tickets cannot be reclassified (setting reclassifyClosed)'
        : 'The ticket is closed and can no longer change';
    return refuse(state, 'closed', `${why}; a reply to it creates a follow-up ticket`);
  }
  if (state.deleted && type !== 'restore' && type !== 'purge') {
    return refuse(state, 'invalid_transition', 'The ticket is deleted; restore it first');
  }
  if (!FROM[type].includes(state.status)) {
    return refuse(state, 'invalid_transition', `Cannot ${type.replace('_', ' ')} a ticket that is ${state.status}`);
  }
  return undefined;
}

/**
 * The one answer to "may this actor do this command to this ticket now, and what follows": the
 * workflow asks it of a running ticket, the ticket client of a closed one (whose run has ended).
 * A refusal names the commands the actor could send instead.
 */
export function decide(state: TicketState, request: CommandRequest, ctx: Context): Decision {
  const decision = judge(state, request, ctx);
  return decision.ok ? decision : { ok: false, refusal: { ...decision.refusal, allowed: allowedCommands(state, ctx) } };
}

function judge(state: TicketState, request: CommandRequest, ctx: Context): Decision {
  const pre = preconditions(state, request.command.type, ctx, request.command);
  if (pre) return pre;
  const decision = apply(state, request.command, ctx);
  // Attention marks a ticket that came back to the inbox; someone on staff acting on it clears it
  // (spec 002). The end of a case is itself such a return, so it keeps the mark.
  if (decision.ok && isStaff(ctx.actor) && decision.state.attention && request.command.type !== 'end_case') {
    decision.state = { ...decision.state, attention: false };
  }
  return reportReopenedChild(state, decision);
}

/** A split child that a command took out of `resolved` (reopen, customer reply) tells its parent. */
function reportReopenedChild(before: TicketState, decision: Decision): Decision {
  const parentId = before.links.parent;
  if (!decision.ok || !parentId || before.status !== 'resolved') return decision;
  if (decision.state.status === 'resolved' || decision.state.status === 'closed') return decision;
  return { ...decision, effects: [...decision.effects, { type: 'child_reopened', parentId }] };
}

/** Staff acting on a `new` ticket take it: the first update assigns them (spec 002). */
function autoTake(change: Change, ctx: Context): void {
  const s = change.current;
  if (s.status === 'new' && isStaff(ctx.actor)) {
    change.record(
      'taken',
      { status: 'in_progress', assignee: ctx.actor.id, read: true, attention: false },
      { data: { auto: true } },
    );
  }
}

/** The fields a ticket still lacks to be submitted (spec 002), every one of them; custom ones (`custom.<key>`) last. */
export function missingToSubmit(
  s: Partial<Pick<TicketState, (typeof REQUIRED_TO_SUBMIT)[number] | 'type' | 'custom'>>,
  settings?: Pick<Context['settings'], 'customFields'>,
): string[] {
  const missing: string[] = REQUIRED_TO_SUBMIT.filter((f) => {
    const v = s[f];
    return v === undefined || v === '' || (typeof v === 'object' && !v.id);
  });
  return settings ? [...missing, ...missingCustomFields(s, settings, 'submit')] : missing;
}

function apply(state: TicketState, cmd: TicketCommand, ctx: Context): Decision {
  const change = new Change(state, ctx);
  switch (cmd.type) {
    case 'submit': {
      const fields = withCustomValues(state, { ...(cmd.fields ?? {}) });
      if (forSomeoneElse(ctx.actor, fields.requester)) {
        return refuse(state, 'forbidden', 'Requesters submit tickets only for themselves');
      }
      // As at creation, the requester is the primary contact unless someone else is named.
      const requester = fields.requester ?? state.requester;
      if (!state.primaryContact && !fields.primaryContact && requester) fields.primaryContact = requester;
      const missing = missingToSubmit({ ...state, ...fields }, ctx.settings);
      if (missing.length > 0)
        return refuse(state, 'missing_fields', `Missing before submit: ${missing.join(', ')}`, { missing });
      change.record('submitted', { ...fields, status: 'new', submittedAt: ctx.now });
      return received(change, ctx).done();
    }
    case 'modify': {
      change.record('modified', withCustomValues(state, cmd.fields), { data: { fields: Object.keys(cmd.fields) } });
      autoTake(change, ctx);
      return change.done();
    }
    case 'take':
      return change
        .record('taken', { status: 'in_progress', assignee: ctx.actor.id, read: true, attention: false })
        .done();
    case 'assign': {
      if (cmd.ifUnchanged && (state.status !== 'new' || (state.assignee ?? null) !== cmd.ifUnchanged.assignee)) {
        return refuse(state, 'invalid_transition', 'The ticket was taken or assigned meanwhile');
      }
      if (cmd.assignee === ctx.actor.id && isStaff(ctx.actor)) {
        return change.record('taken', { status: 'in_progress', assignee: ctx.actor.id, attention: false }).done();
      }
      change.record('assigned', { status: 'new', assignee: cmd.assignee, attention: false });
      return change.notify('assigned', [`user:${cmd.assignee}`]).done();
    }
    case 'release':
      return change
        .record('released', { status: 'new', assignee: undefined }, { data: { reason: cmd.reason ?? 'release' } })
        .done();
    case 'wait':
      return waitFor(state, change, cmd, ctx);
    case 'resume':
      return change
        .record('resumed', {
          status: 'in_progress',
          waitType: undefined,
          waitUntil: undefined,
          closeIfNoResponse: undefined,
          attention: false,
        })
        .done();
    case 'end_case':
      if (state.waitType !== 'case') return refuse(state, 'invalid_transition', 'The ticket is not waiting on a case');
      return change
        .record(
          'resumed',
          { status: 'in_progress', waitType: undefined, attention: true },
          { data: { reason: 'case_ended' } },
        )
        .done();
    case 'reply':
      return reply(state, change, cmd, ctx);
    case 'customer_reply':
      return customerReply(state, change, cmd, ctx);
    case 'resolve': {
      const lacking = customResolveRefusal(state, cmd.method, ctx.settings);
      if (lacking) return lacking;
      if (ctx.settings.resolutionRequiresMessage && !cmd.note && !CLOSE_AT_ONCE_METHODS.includes(cmd.method)) {
        return refuse(
          state,
          'missing_fields',
          'Resolving needs a resolution email or an internal note in the same action',
          {
            missing: ['note'],
          },
        );
      }
      if (cmd.note) change.record('note_added', {}, { data: { body: cmd.note, visibility: 'private_note' } });
      return resolve(change, cmd.method, ctx).done();
    }
    case 'reopen':
      return change
        .record('reopened', {
          status: reopenedStatus(state),
          resolution: undefined,
          reopenCount: state.reopenCount + 1,
          attention: true,
        })
        .done();
    case 'spam':
      return resolve(change, 'spam', ctx).done();
    case 'delete':
      if (state.deleted) return refuse(state, 'invalid_transition', 'The ticket is already deleted');
      return change.record('deleted', { deleted: true }).done();
    case 'restore':
      if (!state.deleted) return refuse(state, 'invalid_transition', 'The ticket is not deleted');
      return change.record('restored', { deleted: false }).done();
    case 'reclassify': {
      const patch = reclassification(cmd);
      if (Object.keys(patch).length === 0) return refuse(state, 'invalid_input', 'Give a type, group or severity');
      return change.record('reclassified', patch, { data: patch }).done();
    }
    case 'attach':
      return change
        .record(
          'attachment_added',
          { attachments: [...(state.attachments ?? []), cmd.attachment] },
          { data: { attachment: cmd.attachment } },
        )
        .done();
    case 'merge': {
      if (cmd.targetId === state.id) return refuse(state, 'invalid_input', 'A ticket cannot be merged into itself');
      change.record(
        'linked',
        { links: { ...state.links, mergedInto: cmd.targetId } },
        {
          data: { mergedInto: cmd.targetId, reference: cmd.targetReference },
        },
      );
      resolve(change, 'merged', ctx);
      return change.effect({ type: 'merge_into', targetId: cmd.targetId }).done();
    }
    case 'split': {
      if (cmd.children.length === 0) return refuse(state, 'invalid_input', 'A split needs at least one child ticket');
      autoTake(change, ctx);
      const ids = cmd.children.map((c) => c.id);
      change.record(
        'waiting',
        {
          status: 'waiting',
          waitType: 'split',
          waitUntil: undefined,
          links: {
            ...state.links,
            children: [...state.links.children, ...ids],
            childrenResolved: state.links.childrenResolved ?? [],
          },
        },
        { data: { children: ids } },
      );
      return change.effect({ type: 'start_children', children: cmd.children }).done();
    }
    case 'purge':
      return change.effect({ type: 'purge' }).done();
    case 'apply_macro':
      return applyMacro(state, change, cmd, ctx);
  }
}

/** A macro: its reply first (as a reply command would send it), then its actions, as one change. */
function applyMacro(state: TicketState, change: Change, cmd: CommandOf<'apply_macro'>, ctx: Context): Decision {
  const { macro } = cmd;
  if (macro.actions.length === 0 && !macro.reply) return refuse(state, 'invalid_input', 'The macro does nothing');
  if (macro.reply) {
    const replied = reply(state, change, { type: 'reply', ...macro.reply }, ctx);
    if (!replied.ok) return replied;
  } else if (state.status !== 'resolved') autoTake(change, ctx);
  performActions(change, macro.actions, { kind: 'macro', id: macro.id, name: macro.name }, ctx);
  return change.done();
}

/** What a reclassification changes: the type, group and severity it names. */
export function reclassification(
  cmd: CommandOf<'reclassify'>,
): Partial<Pick<TicketState, 'type' | 'group' | 'severity'>> {
  return {
    ...(cmd.typeName !== undefined ? { type: cmd.typeName } : {}),
    ...(cmd.group !== undefined ? { group: cmd.group } : {}),
    ...(cmd.severity !== undefined ? { severity: cmd.severity } : {}),
  };
}

/** The requester hears the ticket arrived; the creation-notification address, when set, too. */
export function received(change: Change, ctx: Context): Change {
  change.notify('ticket_received', [change.current.requester?.email], { cc: change.current.ccs });
  if (ctx.settings.creationNotificationAddress)
    change.notify('creation_notice', [ctx.settings.creationNotificationAddress]);
  return change;
}

function waitFor(state: TicketState, change: Change, cmd: CommandOf<'wait'>, ctx: Context): Decision {
  if (state.status === 'new' && !isStaff(ctx.actor))
    return refuse(state, 'invalid_transition', 'Take the ticket before putting it on hold');
  autoTake(change, ctx);
  switch (cmd.waitType) {
    case 'more_info': {
      const days = cmd.days ?? ctx.settings.defaultWaitDays;
      if (!(days > 0)) return refuse(state, 'invalid_input', 'Wait days must be positive');
      change.record(
        'waiting',
        {
          status: 'waiting',
          waitType: 'more_info',
          waitUntil: ctx.now + Math.round(days * DAY_MS),
          closeIfNoResponse: cmd.closeIfNoResponse ?? ctx.settings.closeIfNoResponse,
          attention: false,
        },
        { data: { days } },
      );
      return change.done();
    }
    case 'until':
      if (cmd.until <= ctx.now) return refuse(state, 'invalid_input', 'The follow-up date must be in the future');
      change.record('waiting', { status: 'waiting', waitType: 'until', waitUntil: cmd.until, attention: false });
      return change.done();
    case 'case':
      change.record(
        'waiting',
        { status: 'waiting', waitType: 'case', waitUntil: undefined, attention: false },
        { data: { caseId: cmd.caseId } },
      );
      return change.done();
  }
}

function reply(state: TicketState, change: Change, cmd: CommandOf<'reply'>, ctx: Context): Decision {
  if (state.status === 'draft' && cmd.visibility !== 'private_note') {
    return refuse(
      state,
      'invalid_transition',
      'Submit the draft before writing to anyone; only private notes go on a draft',
    );
  }
  if (cmd.visibility === 'private_message' && !(cmd.recipients && cmd.recipients.length > 0)) {
    return refuse(state, 'missing_fields', 'A private message needs recipients', { missing: ['recipients'] });
  }
  if (cmd.resolve && !FROM.resolve.includes(state.status)) {
    return refuse(state, 'invalid_transition', `Cannot resolve a ticket that is ${state.status}`);
  }
  const lacking = cmd.resolve && customResolveRefusal(state, cmd.resolve.method, ctx.settings);
  if (lacking) return lacking;
  if (state.status !== 'resolved') autoTake(change, ctx);
  switch (cmd.visibility) {
    case 'public': {
      const first = state.firstPublicReplyAt === undefined;
      change.record(
        'replied',
        // The first response counts when it was received (see receipt.ts), as its deadline does.
        { awaiting: 'customer', ...(first ? { firstPublicReplyAt: ctx.receivedAt ?? ctx.now } : {}) },
        { data: { body: cmd.body, visibility: 'public', first } },
      );
      change.notify('agent_reply', [change.current.requester?.email], { cc: change.current.ccs, body: cmd.body });
      break;
    }
    case 'private_note':
      change.record('note_added', {}, { data: { body: cmd.body, visibility: 'private_note' } });
      break;
    case 'private_message':
      change.record(
        'message_sent',
        {},
        { data: { body: cmd.body, visibility: 'private_message', recipients: cmd.recipients } },
      );
      change.notify(
        'private_message',
        (cmd.recipients ?? []).filter((r) => r.includes('@')),
        { body: cmd.body },
      );
      break;
  }
  if (cmd.resolve) resolve(change, cmd.resolve.method, ctx);
  return change.done();
}

function customerReply(state: TicketState, change: Change, cmd: CommandOf<'customer_reply'>, ctx: Context): Decision {
  const data = {
    body: cmd.body,
    from: cmd.from,
    messageId: cmd.messageId,
    ...(cmd.ccs?.length ? { ccs: cmd.ccs } : {}),
    ...(cmd.through ? { through: cmd.through } : {}),
    // When it was received, which decides against the feedback window (see receipt.ts).
    ...(ctx.receivedAt !== undefined ? { receivedAt: ctx.receivedAt } : {}),
    visibility: 'public',
  };
  switch (state.status) {
    case 'draft': {
      // An email on a never-submitted draft fills its empty title and description (spec 002).
      const fill = {
        ...(state.description ? {} : { description: cmd.body }),
        ...(state.title || !cmd.subject ? {} : { title: cmd.subject }),
      };
      return change.record('customer_replied', { ...fill, awaiting: 'agent' }, { data, channel: cmd.via }).done();
    }
    case 'resolved':
      return change
        .record('customer_replied', { awaiting: 'agent' }, { data, channel: cmd.via })
        .record(
          'reopened',
          { status: reopenedStatus(state), resolution: undefined, reopenCount: state.reopenCount + 1, attention: true },
          {
            data: { by: 'customer_reply' },
            channel: cmd.via,
          },
        )
        .done();
    case 'waiting': {
      change.record('customer_replied', { awaiting: 'agent', attention: true }, { data, channel: cmd.via });
      if (state.waitType === 'more_info') {
        change.record(
          'resumed',
          { status: 'in_progress', waitType: undefined, waitUntil: undefined, closeIfNoResponse: undefined },
          {
            data: { reason: 'customer_reply' },
            channel: cmd.via,
          },
        );
      }
      return change.done();
    }
    default:
      return change.record('customer_replied', { awaiting: 'agent' }, { data, channel: cmd.via }).done();
  }
}

/** Resolve; the methods that skip the feedback window close at once (spec 002 table). */
export function resolve(change: Change, method: ResolutionMethod, ctx: Context): Change {
  const s = change.current;
  change.record('resolved', {
    status: 'resolved',
    resolution: { method, at: ctx.now, by: ctx.actor.id },
    waitType: undefined,
    waitUntil: undefined,
    closeIfNoResponse: undefined,
    attention: false,
  });
  if (s.links.parent) change.effect({ type: 'child_resolved', parentId: s.links.parent });
  if (CLOSE_AT_ONCE_METHODS.includes(method)) return close(change, ctx);
  if (method !== 'spam') change.notify('resolved', [s.requester?.email], { cc: s.ccs });
  return change;
}

export function close(change: Change, ctx: Context): Change {
  change.record('closed', { status: 'closed', attention: false }, { counts: false });
  const s = change.current;
  if (ctx.settings.notifyOnClose && s.resolution?.method !== 'spam' && s.resolution?.method !== 'unknown_address') {
    change.notify('closed', [s.requester?.email]);
  }
  return change;
}
