// The gateway's ticket operations: reads come from the read model, commands go to the ticket's
// workflow as Temporal Updates and answer once the read model has their effect.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSAL_FAILURE_TYPE, commandUpdates, syncUpdate, ticketWorkflowId } from '@helpdesk/contracts';
import type { Actor, Channel, Refusal, TicketCommand, TicketState, TicketWorkflowInput, TCreateTicketRequest } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { CommandRefusedError, ForbiddenError, NotFoundError } from './errors';

export interface TicketServiceOptions {
  client: Client;
  store: Store;
  taskQueue: string;
}

export class TicketService {
  constructor(private readonly opts: TicketServiceOptions) {}

  async create(body: TCreateTicketRequest, actor: Actor, channel: Channel): Promise<TicketState> {
    const { store, client, taskQueue } = this.opts;
    const { draft = false, assignee, ...fields } = body;
    const ticketId = randomUUID();
    const settings = await store.getSettings();
    const reference = await store.allocateReference(ticketId, settings.numberingMask);
    const input: TicketWorkflowInput = { ticketId, reference, actor, channel, draft, fields, settings, ...(assignee ? { assignee } : {}) };
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

  /** A ticket the actor may see, or 404 / 403. */
  async get(id: string, actor: Actor): Promise<TicketState> {
    const ticket = await this.opts.store.getTicket(id);
    if (!ticket) throw new NotFoundError(`Ticket ${id}`);
    if (actor.role === 'requester' && ticket.requester?.id !== actor.id) throw new ForbiddenError('This ticket belongs to another requester');
    return ticket;
  }

  async command(id: string, command: TicketCommand, actor: Actor): Promise<TicketState> {
    await this.get(id, actor);
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
