// A ticket's first state, and whether a creation may be asked at all. createTicket never refuses:
// the caller checked the request with creationRefusal, and a started workflow must have a ticket
// to hold.
import type { Actor, EditableFields, Settings, TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { Change } from './builder';
import { withCustomValues } from './custom-fields';
import { missingToSubmit, received } from './decide';
import { followUpFields } from './follow-up';
import { forSomeoneElse, isStaff } from './roles';
import type { Accepted, Context } from './types';

/** What a creation asks for, before the ticket has an id or a reference. */
export interface CreationRequest {
  fields: EditableFields;
  draft?: boolean | undefined;
  assignee?: string | undefined;
}

export type CreationRefusal =
  { code: 'forbidden'; message: string } | { code: 'missing_fields'; message: string; missing: string[] };

/** The fields a creation fills in when they are not given: the same at the check and at the start. */
function withDefaults(f: EditableFields, actor: Actor, settings: Settings) {
  const requester =
    f.requester ?? (actor.role === 'requester' ? { id: actor.id, name: actor.name, email: actor.email } : undefined);
  return {
    // Custom values arrive as a patch (null clears): a new ticket keeps only the values set.
    ...withCustomValues(undefined, f),
    category: f.category ?? settings.categories[0],
    requester,
    primaryContact: f.primaryContact ?? requester,
  };
}

/**
 * Whether this actor may create this ticket: requesters create only for themselves and assign no
 * one, and a ticket submitted at once needs what a submit needs (every missing field is named).
 */
export function creationRefusal(
  request: CreationRequest,
  actor: Actor,
  settings: Settings,
): CreationRefusal | undefined {
  if (forSomeoneElse(actor, request.fields.requester))
    return { code: 'forbidden', message: 'Requesters create tickets only for themselves' };
  if (actor.role === 'requester' && request.assignee)
    return { code: 'forbidden', message: 'Requesters cannot assign tickets' };
  if (request.draft) return undefined;
  const missing = missingToSubmit(withDefaults(request.fields, actor, settings), settings);
  return missing.length > 0
    ? { code: 'missing_fields', message: `Missing before submit: ${missing.join(', ')}`, missing }
    : undefined;
}

export function createTicket(input: TicketWorkflowInput, ctx: Context): Accepted {
  const { actor } = ctx;
  const staff = isStaff(actor);
  const carried = input.followUp ? followUpFields(input.followUp, ctx.settings) : undefined;
  const f = withDefaults({ ...carried?.fields, ...input.fields }, actor, ctx.settings);
  const assignee =
    input.assignee ?? carried?.assignee ?? (ctx.settings.autoAssignCreator && staff ? actor.id : undefined);
  const blank: TicketState = {
    id: input.ticketId,
    reference: input.reference,
    status: 'draft',
    channel: input.followUp ? 'closed_ticket' : input.channel,
    ...f,
    brand: f.brand ?? ctx.settings.defaultBrand,
    supportAddress: f.supportAddress ?? ctx.settings.brandSupportAddresses[f.brand ?? ctx.settings.defaultBrand],
    ccs: f.ccs ?? [],
    tags: f.tags ?? [],
    notifyThirdParty: f.notifyThirdParty ?? false,
    assignee,
    read: staff && ctx.settings.autoReadInternal,
    awaiting: 'agent',
    attention: false,
    deleted: false,
    links: {
      followUps: [],
      children: [],
      ...input.links,
      ...(input.followUp ? { followUpOf: input.followUp.of.id } : {}),
    },
    breaches: [],
    createdAt: ctx.now,
    createdBy: actor.id,
    updatedAt: ctx.now,
    lastActionAt: ctx.now,
    reopenCount: 0,
    revision: 0,
    eventSeq: 0,
  };
  const change = new Change(blank, ctx);
  change.record('created', input.draft ? {} : { status: 'new', submittedAt: ctx.now }, {
    data: {
      draft: input.draft,
      ...(input.links ? { links: input.links } : {}),
      ...(input.followUp
        ? { followUpOf: input.followUp.of.id, via: input.followUp.via, message: input.followUp.message }
        : {}),
    },
  });
  if (input.followUp) {
    change.effect({ type: 'link_follow_up', closedId: input.followUp.of.id });
    change.notify('follow_up_created', [change.current.requester?.email], { cc: change.current.ccs });
  } else if (!input.draft) {
    received(change, ctx);
  }
  return change.done();
}
