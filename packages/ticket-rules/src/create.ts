// A ticket's first state. Creation is never refused here: the caller validated the input, and a
// started workflow must have a ticket to hold.
import type { TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import { Change } from './builder';
import { received } from './decide';
import { followUpFields } from './follow-up';
import type { Accepted, Context } from './types';

export function createTicket(input: TicketWorkflowInput, ctx: Context): Accepted {
  const { actor } = ctx;
  const staff = actor.role === 'admin' || actor.role === 'agent';
  const carried = input.followUp ? followUpFields(input.followUp, ctx.settings) : undefined;
  const f = { ...carried?.fields, ...input.fields };
  const requester = f.requester ?? (actor.role === 'requester' ? { id: actor.id, name: actor.name, email: actor.email } : undefined);
  const assignee = input.assignee ?? carried?.assignee ?? (ctx.settings.autoAssignCreator && staff ? actor.id : undefined);
  const blank: TicketState = {
    id: input.ticketId,
    reference: input.reference,
    status: 'draft',
    channel: input.followUp ? 'closed_ticket' : input.channel,
    ...f,
    category: f.category ?? ctx.settings.categories[0],
    requester,
    primaryContact: f.primaryContact ?? requester,
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
    links: { followUps: [], children: [], ...input.links, ...(input.followUp ? { followUpOf: input.followUp.of.id } : {}) },
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
      ...(input.followUp ? { followUpOf: input.followUp.of.id, via: input.followUp.via, message: input.followUp.message } : {}),
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
