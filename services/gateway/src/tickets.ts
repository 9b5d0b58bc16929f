// The gateway's ticket operations: reads come from the read model, commands go to the ticket's
// workflow as Temporal Updates and answer once the read model has their effect.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSAL_FAILURE_TYPE, commandUpdates, syncUpdate, ticketWorkflowId } from '@helpdesk/contracts';
import type { Actor, Channel, FollowUpOrigin, Refusal, TicketCommand, TicketState, TicketWorkflowInput, TCreateTicketRequest } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { CommandRefusedError, ForbiddenError, NotFoundError } from './errors';
import type { Metrics } from './middleware/metrics';

export interface TicketServiceOptions {
  client: Client;
  store: Store;
  taskQueue: string;
  metrics: Metrics;
}

export class TicketService {
  constructor(private readonly opts: TicketServiceOptions) {}

  async create(body: TCreateTicketRequest, actor: Actor, channel: Channel, followUp?: FollowUpOrigin): Promise<TicketState> {
    const { store, client, taskQueue } = this.opts;
    const { draft = false, assignee, ...fields } = body;
    const ticketId = randomUUID();
    const settings = await store.getSettings();
    const reference = await store.allocateReference(ticketId, settings.numberingMask);
    const input: TicketWorkflowInput = {
      ticketId,
      reference,
      actor,
      channel,
      draft,
      fields,
      settings,
      ...(assignee ? { assignee } : {}),
      ...(followUp ? { followUp } : {}),
    };
    // Start and wait for the first projection in one round trip: the answer is already readable.
    return client.workflow.executeUpdateWithStart(syncUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation('ticketWorkflow', {
        workflowId: ticketWorkflowId(ticketId),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  }

  /** A follow-up of a closed ticket (spec 000/001), by an agent or from a customer's reply. */
  async createFollowUp(closed: TicketState, origin: Omit<FollowUpOrigin, 'of'>, actor: Actor, fields: TCreateTicketRequest = {}): Promise<TicketState> {
    if (closed.status !== 'closed') {
      throw new CommandRefusedError({ code: 'invalid_transition', message: 'Only a closed ticket can have a follow-up', status: closed.status });
    }
    return this.create(fields, actor, 'closed_ticket', { ...origin, of: closed });
  }

  /**
   * A customer's message: added to an open ticket, reopens a resolved one, lands in the target of a
   * merged one, and makes a follow-up of a closed one. Exactly one of these, also when the
   * feedback window lapses at the same moment: the workflow either takes the reply or refuses it
   * as closed, and only a refusal makes a follow-up.
   */
  async customerReply(id: string, body: string, actor: Actor, via: Channel): Promise<{ ticket: TicketState; followUp: boolean }> {
    let ticket = await this.get(id, actor);
    for (let hops = 0; ticket.links.mergedInto && hops < 5; hops++) {
      const target = await this.opts.store.getTicket(ticket.links.mergedInto);
      if (!target) break;
      ticket = target;
    }
    const command: TicketCommand = { type: 'customer_reply', body, via, ...(actor.email ? { from: actor.email } : {}) };
    if (ticket.status !== 'closed') {
      try {
        return { ticket: await this.command(ticket.id, command, actor), followUp: false };
      } catch (err) {
        if (!(err instanceof CommandRefusedError) || err.code !== 'closed') throw err;
        ticket = (await this.opts.store.getTicket(ticket.id)) ?? ticket;
        // The read model may lag the workflow by a moment: the workflow said closed, so it is.
        ticket = { ...ticket, status: 'closed' };
      }
    }
    const followUp = await this.createFollowUp(ticket, { via: 'customer_reply', message: { body, ...(actor.email ? { from: actor.email } : {}) } }, actor);
    return { ticket: followUp, followUp: true };
  }

  /** A ticket the actor may see, or 404 / 403. */
  async get(id: string, actor: Actor): Promise<TicketState> {
    const ticket = await this.opts.store.getTicket(id);
    if (!ticket) throw new NotFoundError(`Ticket ${id}`);
    if (actor.role === 'requester' && ticket.requester?.id !== actor.id) throw new ForbiddenError('This ticket belongs to another requester');
    return ticket;
  }

  async command(id: string, command: TicketCommand, actor: Actor): Promise<TicketState> {
    try {
      const ticket = await this.send(id, command, actor);
      this.opts.metrics.commands.inc({ command: command.type, outcome: 'accepted' });
      return ticket;
    } catch (err) {
      const outcome = err instanceof CommandRefusedError ? err.code : err instanceof NotFoundError ? 'not_found' : 'error';
      this.opts.metrics.commands.inc({ command: command.type, outcome });
      throw err;
    }
  }

  private async send(id: string, command: TicketCommand, actor: Actor): Promise<TicketState> {
    const current = await this.get(id, actor);
    if (current.status === 'closed') return this.onClosed(current, command, actor);
    const handle = this.opts.client.workflow.getHandle(ticketWorkflowId(id));
    const update = commandUpdates[command.type] as unknown as typeof commandUpdates.take;
    try {
      return await handle.executeUpdate(update, { args: [{ command: command as { type: 'take' }, actor }] });
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) throw new CommandRefusedError(refusal);
      if (isWorkflowGone(err)) {
        // The workflow ended (closed or purged) between our read and the update.
        const now = await this.opts.store.getTicket(id);
        if (!now) throw new NotFoundError(`Ticket ${id}`);
        throw new CommandRefusedError({ code: 'closed', message: 'The ticket is closed and can no longer change', status: now.status });
      }
      throw err;
    }
  }

  /** A closed ticket's workflow has ended: only reclassification (if allowed) and purge remain. */
  private async onClosed(ticket: TicketState, command: TicketCommand, actor: Actor): Promise<TicketState> {
    const { store } = this.opts;
    const closed = (message: string) => new CommandRefusedError({ code: 'closed', message, status: 'closed' });
    if (command.type === 'purge') {
      if (actor.role !== 'admin') throw new CommandRefusedError({ code: 'forbidden', message: 'Only admins purge tickets', status: 'closed' });
      await store.purgeTicket(ticket.id);
      return ticket;
    }
    if (command.type === 'reclassify' && actor.role !== 'requester' && actor.role !== 'service') {
      if (!(await store.getSettings()).reclassifyClosed) throw closed('Closed tickets cannot be reclassified (setting reclassifyClosed)');
      const patch = {
        ...(command.typeName !== undefined ? { type: command.typeName } : {}),
        ...(command.group !== undefined ? { group: command.group } : {}),
        ...(command.severity !== undefined ? { severity: command.severity } : {}),
      };
      return (await store.reclassifyClosed(ticket.id, patch, actor, Date.now())) ?? ticket;
    }
    throw closed('The ticket is closed and can no longer change; a reply to it creates a follow-up ticket');
  }
}

function refusalOf(err: unknown): Refusal | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === REFUSAL_FAILURE_TYPE) {
    return cause.details?.[0] as Refusal | undefined;
  }
  return undefined;
}

function isWorkflowGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && /already completed|not found/i.test(err.message));
}
