// Starting ticket workflows and sending them commands. Reads come from the read model; commands go
// to the ticket's workflow as Temporal Updates and answer once the read model has their effect.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  REFUSAL_FAILURE_TYPE,
  commandUpdates,
  stateQuery,
  ticketSearchAttributes,
  ticketWorkflowId,
} from '@helpdesk/contracts';
import {
  allowedCommands,
  createTicket,
  decideClosed,
  mayDo,
  mayView,
  restarted,
  runHalted,
} from '@helpdesk/ticket-rules';
import type { Accepted } from '@helpdesk/ticket-rules';
import type {
  Actor,
  Channel,
  CommandType,
  FollowUpOrigin,
  Refusal,
  RunHalt,
  TicketCommand,
  TicketLinks,
  TicketState,
  TicketWorkflowInput,
  TCreateTicketRequest,
} from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { DirectoryRefusedError, TicketForbiddenError, TicketNotFoundError, TicketRefusedError } from './errors';
import { checkCommand, checkCreation, sharedOrganization } from './directory';

export interface TicketsOptions {
  client: Client;
  store: Store;
  taskQueue: string;
  /** Told the outcome of every command (for metrics). */
  onCommand?: (command: TicketCommand['type'], outcome: string) => void;
}

export interface CreateOptions {
  followUp?: FollowUpOrigin;
  /** e.g. the parent of a split child. */
  links?: Partial<TicketLinks>;
  /** A deterministic id makes creation idempotent (e.g. derived from an email's identity). */
  ticketId?: string;
}

export interface CommandOptions {
  /** Temporal deduplicates Updates by id: a retried delivery is applied once. */
  updateId?: string;
  /**
   * When the gateway or the mail collector received the command (epoch ms); the ticket decides
   * deadlines by it (within a bounded grace). Unset: when this client was asked.
   */
  receivedAt?: number;
}

export interface CustomerMessage {
  body: string;
  from?: string;
  messageId?: string;
  ccs?: string[];
  subject?: string;
}

export interface CustomerReplyOptions extends CommandOptions {
  /** For mail: the support address it was sent to, used if it makes a follow-up. */
  supportAddress?: string;
  /** The follow-up's ticket id, when it must be deterministic. */
  followUpId?: string;
}

export type ReplyOutcome = { ticket: TicketState; outcome: 'added' | 'follow_up' };

/** How a run that ended without closing its ticket ended (describe()'s status). */
const HALTS: Partial<Record<WorkflowExecutionStatusName, RunHalt>> = {
  TERMINATED: 'terminated',
  CANCELLED: 'cancelled',
  TIMED_OUT: 'timed_out',
  FAILED: 'failed',
};
const HALT_WORDS: Record<RunHalt, string> = {
  terminated: 'was terminated outside the helpdesk (e.g. from the Temporal UI)',
  cancelled: 'was cancelled outside the helpdesk',
  timed_out: 'timed out',
  failed: 'failed',
  missing: 'no longer exists',
};

const closedRefusal = (message: string): Refusal => ({
  code: 'closed',
  message,
  status: 'closed',
});

export class Tickets {
  constructor(private readonly opts: TicketsOptions) {}

  get store(): Store {
    return this.opts.store;
  }

  async create(
    body: TCreateTicketRequest,
    actor: Actor,
    channel: Channel,
    options: CreateOptions = {},
  ): Promise<TicketState> {
    const { store } = this.opts;
    const settings = await store.getSettings();
    // Mail never fails on the directory (a collector default group the settings lost, say); API
    // callers are told what they named wrong, before anything is started.
    if (channel !== 'email' && !options.followUp) await checkCreation(store, settings, body);
    // A follow-up carries its closed ticket's requester (the rules copy it): that one stands.
    const {
      draft = false,
      assignee,
      ...fields
    } = options.followUp ? body : await this.withDirectoryRequester(body, actor, channel);
    const ticketId = options.ticketId ?? randomUUID();
    const reference = await store.allocateReference(ticketId, settings.numberingMask, new Date(), {
      fresh: !options.ticketId,
    });
    const input: TicketWorkflowInput = {
      ticketId,
      createdAt: Date.now(),
      reference,
      actor,
      channel,
      draft,
      fields,
      settings,
      ...(assignee ? { assignee } : {}),
      ...(options.followUp ? { followUp: options.followUp } : {}),
      ...(options.links ? { links: options.links } : {}),
    };
    // The first state comes from the same rules the workflow runs, at the same instant, so the
    // starter can write it to the read model itself: a plain start (one round trip, no waiting on
    // a workflow task) and the answer is already readable. The workflow projects the same state
    // again; the projection is idempotent (event ids, revision gate).
    const created = createTicket(input, { now: input.createdAt ?? Date.now(), actor, settings });
    // A retry with the same id must not start a second run, nor restart a closed ticket.
    const started = await this.startRun(input, created, 'REJECT_DUPLICATE');
    if (started !== created.state) return started; // the run a retry already started answered
    // Read-your-writes for the closed ticket too: its follow-up list shows the new ticket at once
    // (the workflow does the same, idempotently).
    for (const effect of created.effects) {
      if (effect.type === 'link_follow_up') await store.addFollowUp(effect.closedId, ticketId);
    }
    return created.state;
  }

  /**
   * Requesters are created on first contact: the requester's address (or a requester's own token's)
   * finds or makes the directory's requester, merged by email (made with the id given when it is
   * free). The ticket keeps an API caller's id; mail's takes the directory's. Its company is the requester's organization's name when they
   * have one. An unknown sender's mail (kept as a draft and rejected) makes no one.
   */
  private async withDirectoryRequester(
    body: TCreateTicketRequest,
    actor: Actor,
    channel: Channel,
  ): Promise<TCreateTicketRequest> {
    const person =
      body.requester ??
      (actor.role === 'requester' ? { id: actor.id, name: actor.name, email: actor.email } : undefined);
    if (!person?.email || (channel === 'email' && body.draft)) return body;
    const { directory } = this.opts.store;
    const user = await directory.ensureRequester({ email: person.email, name: person.name, id: person.id });
    const organization = user.organizationId ? await directory.organization(user.organizationId) : undefined;
    return {
      ...body,
      // Mail names the sender by address: the directory's id stands (the address itself when this
      // mail made them); an API caller's own id is kept.
      requester: { ...person, id: channel === 'email' ? user.id : person.id },
      ...(organization ? { company: organization.name } : {}),
    };
  }

  /**
   * Start a ticket's run and write its first state (computed by the starter) to the read model:
   * answered at once, without waiting on a workflow task. A run this id already has (a retry, or
   * another admin's restart) is answered from what it holds instead.
   */
  private async startRun(
    input: TicketWorkflowInput,
    first: Accepted,
    workflowIdReusePolicy: WorkflowIdReusePolicy,
  ): Promise<TicketState> {
    const { store, client, taskQueue } = this.opts;
    try {
      await client.workflow.start('ticketWorkflow', {
        workflowId: ticketWorkflowId(input.ticketId),
        taskQueue,
        args: [input],
        workflowIdReusePolicy,
        // Indexed at start: the workflow's first task then has nothing to upsert.
        typedSearchAttributes: ticketSearchAttributes(first.state).flatMap(({ key, value }) =>
          value === null ? [] : [{ key, value }],
        ),
        // What the Temporal UI names the run by, fixed at start (the workflow keeps its current details).
        staticSummary: [first.state.reference, first.state.title].filter(Boolean).join(' · '),
        staticDetails: [
          `- Requester: ${first.state.requester?.email ?? first.state.requester?.id ?? 'none'}`,
          `- Channel: ${first.state.channel}`,
          `- Created: ${new Date(first.state.createdAt).toISOString()}`,
        ].join('\n'),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return this.existing(input.ticketId, err);
    }
    await store.projectTicket(first.state, first.events, input.continued ? undefined : 'starter');
    return first.state;
  }

  /** The ticket a retried creation already started: from the read model, else from its workflow. */
  private async existing(ticketId: string, cause: Error): Promise<TicketState> {
    const projected = await this.opts.store.getTicket(ticketId);
    if (projected) return projected;
    try {
      return await this.opts.client.workflow.getHandle(ticketWorkflowId(ticketId)).query(stateQuery);
    } catch {
      throw cause;
    }
  }

  /** A follow-up of a closed ticket (spec 000/001), by an agent or from a customer's reply. */
  async createFollowUp(
    closed: TicketState,
    origin: Omit<FollowUpOrigin, 'of'>,
    actor: Actor,
    fields: TCreateTicketRequest = {},
    ticketId?: string,
  ): Promise<TicketState> {
    if (closed.status !== 'closed') {
      throw new TicketRefusedError({
        code: 'invalid_transition',
        message: 'Only a closed ticket can have a follow-up',
        status: closed.status,
      });
    }
    return this.create(fields, actor, 'closed_ticket', {
      followUp: { ...origin, of: closed },
      ...(ticketId ? { ticketId } : {}),
    });
  }

  /**
   * A ticket the actor may see. `shared`: to read only, a requester also sees the tickets of an
   * organization that shares them (never to act on them).
   */
  async get(id: string, actor: Actor, opts: { shared?: boolean } = {}): Promise<TicketState> {
    const ticket = await this.opts.store.getTicket(id);
    if (!ticket) throw new TicketNotFoundError(id);
    if (!mayView(ticket, actor)) {
      const organization = opts.shared ? await sharedOrganization(this.opts.store, actor) : undefined;
      if (!organization || ticket.company !== organization.name)
        throw new TicketForbiddenError('This ticket belongs to another requester');
    }
    return ticket;
  }

  /** The commands this actor could send to the ticket now: the rules' own answer, with the settings in effect. */
  async allowedCommands(ticket: TicketState, actor: Actor): Promise<CommandType[]> {
    return allowedCommands(ticket, { now: Date.now(), actor, settings: await this.opts.store.getSettings() });
  }

  async command(id: string, command: TicketCommand, actor: Actor, options: CommandOptions = {}): Promise<TicketState> {
    try {
      // Checked before the Update: a refused assignment never reaches the ticket.
      await checkCommand(this.opts.store, await this.opts.store.getSettings(), id, command, actor);
      const ticket = await this.send(id, command, actor, { ...options, receivedAt: options.receivedAt ?? Date.now() });
      if (command.type === 'purge') await this.deleteHistory(id);
      this.opts.onCommand?.(command.type, 'accepted');
      return ticket;
    } catch (err) {
      const outcome =
        err instanceof TicketRefusedError
          ? err.refusal.code
          : err instanceof TicketNotFoundError
            ? 'not_found'
            : err instanceof TicketForbiddenError
              ? 'forbidden'
              : err instanceof DirectoryRefusedError
                ? err.code
                : 'error';
      this.opts.onCommand?.(command.type, outcome);
      throw err;
    }
  }

  /**
   * A customer's message: added to an open ticket, reopens a resolved one, lands in the target of
   * a merged one, and makes a follow-up of a closed one. Exactly one of these, also when the
   * feedback window lapses at the same moment: the workflow either takes the reply or refuses it
   * as closed, and only a refusal makes a follow-up.
   */
  async customerReply(
    id: string,
    message: CustomerMessage,
    actor: Actor,
    via: Channel,
    options: CustomerReplyOptions = {},
  ): Promise<ReplyOutcome> {
    const receivedAt = options.receivedAt ?? Date.now();
    const own = await this.get(id, actor);
    // Later replies to a merged ticket land in its target (spec: merge), whoever the target belongs
    // to: the command names the merged ticket it came through, which the target checks.
    let ticket = own;
    let through: string | undefined;
    for (let hops = 0; ticket.links.mergedInto && hops < 5; hops++) {
      const target = await this.opts.store.getTicket(ticket.links.mergedInto);
      if (!target) break;
      through = ticket.id;
      ticket = target;
    }
    // A requester is answered with (and follows up) the target only when it is theirs too.
    const visible = (t: TicketState) => (mayView(t, actor) ? t : own);
    const command: TicketCommand = {
      type: 'customer_reply',
      body: message.body,
      via,
      ...(message.from ? { from: message.from } : {}),
      ...(message.messageId ? { messageId: message.messageId } : {}),
      ...(message.ccs ? { ccs: message.ccs } : {}),
      ...(message.subject ? { subject: message.subject } : {}),
      ...(through ? { through } : {}),
    };
    if (ticket.status !== 'closed') {
      try {
        return {
          ticket: visible(await this.command(ticket.id, command, actor, { ...options, receivedAt })),
          outcome: 'added',
        };
      } catch (err) {
        if (!(err instanceof TicketRefusedError) || err.refusal.code !== 'closed') throw err;
        // The workflow said closed; wait (briefly) for the read model to say so too, so the
        // closing projection cannot land after the follow-up link and overwrite it.
        ticket = { ...((await this.closedInReadModel(ticket.id)) ?? ticket), status: 'closed' };
      }
    }
    const origin: Omit<FollowUpOrigin, 'of'> =
      via === 'email'
        ? {
            via: 'email',
            message: {
              body: message.body,
              ...(message.from ? { from: message.from } : {}),
              ...(message.messageId ? { messageId: message.messageId } : {}),
            },
            ccs: message.ccs ?? [],
            ...(options.supportAddress ? { supportAddress: options.supportAddress } : {}),
          }
        : { via: 'customer_reply', message: { body: message.body, ...(message.from ? { from: message.from } : {}) } };
    const followUp = await this.createFollowUp(visible(ticket), origin, actor, {}, options.followUpId);
    return { ticket: followUp, outcome: 'follow_up' };
  }

  private async send(id: string, command: TicketCommand, actor: Actor, options: CommandOptions): Promise<TicketState> {
    // A requester may act only on their own ticket: that needs the read model first. Anyone else
    // goes straight to the workflow, which knows whether the ticket exists and is still open.
    // (A reply through a merged ticket was checked on that one by customerReply.)
    if (actor.role === 'requester' && !(command.type === 'customer_reply' && command.through)) {
      const current = await this.get(id, actor);
      if (current.status === 'closed') return this.onClosed(current, command, actor);
    }
    const handle = this.opts.client.workflow.getHandle(ticketWorkflowId(id));
    const update = commandUpdates[command.type] as unknown as typeof commandUpdates.take;
    // One id for every attempt below: a retry can never apply the command twice.
    const updateId = options.updateId ?? randomUUID();
    const attempt = async () =>
      handle.executeUpdate(update, {
        // The current settings ride along: a ticket a settings change did not need to wake learns of it here.
        args: [
          {
            command: command as { type: 'take' },
            actor,
            settings: await this.opts.store.getSettings(),
            ...(options.receivedAt !== undefined ? { receivedAt: options.receivedAt } : {}),
          },
        ],
        updateId,
      });
    try {
      for (let retries = 0; ; retries++) {
        try {
          return await attempt();
        } catch (err) {
          // The server aborted the Update because the workflow task carrying it failed (seen when a
          // ticket continues as new as the Update arrives): nothing was applied, so it is sent again.
          if (!isAbortedByTaskFailure(err) || retries >= 3) throw err;
          await new Promise((r) => setTimeout(r, 100 * 2 ** retries));
        }
      }
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) throw new TicketRefusedError(refusal);
      if (isWorkflowGone(err)) {
        // No such ticket, or its workflow ended (closed, or purged): the read model says which.
        const now = await this.opts.store.getTicket(id);
        if (!now) throw new TicketNotFoundError(id);
        if (now.status === 'closed') return this.onClosed(now, command, actor);
        throw new TicketRefusedError(await this.haltedRefusal(now));
      }
      throw err;
    }
  }

  /**
   * The run is gone while the read model says the ticket is open: an operator terminated it (or it
   * was cancelled by older code, timed out, failed, or its history is gone). Termination runs no
   * workflow code, so this is where it is found: the ticket is marked halted, on its timeline too,
   * and the refusal says how to get it back.
   */
  private async haltedRefusal(ticket: TicketState): Promise<Refusal> {
    const run = await this.runHalt(ticket.id);
    if (!run) return closedRefusal('The ticket is closed and can no longer change');
    const marked = runHalted(ticket, run, Date.now(), await this.opts.store.getSettings());
    if (marked) await this.opts.store.projectTicket(marked.state, marked.events);
    return {
      code: 'invalid_transition',
      message: `The ticket's workflow ${HALT_WORDS[run]}; an admin can restart it: POST /v1/tickets/${ticket.id}/restart`,
      status: ticket.status,
      allowed: [],
    };
  }

  /** How the ticket's run ended if it ended without closing it; undefined while it runs or once it completed. */
  private async runHalt(id: string): Promise<RunHalt | undefined> {
    try {
      const { status } = await this.opts.client.workflow.getHandle(ticketWorkflowId(id)).describe();
      return HALTS[status.name];
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'missing';
      throw err;
    }
  }

  /**
   * An admin's way back for a ticket whose run ended while it was open (halted): a fresh run from
   * the read model's state, which records the restart on the timeline and clears the mark. Like a
   * creation, the starter computes that first state with the workflow's rules and projects it.
   */
  async restart(id: string, actor: Actor): Promise<TicketState> {
    const { store } = this.opts;
    if (!mayDo(actor, 'restart')) throw new TicketForbiddenError("Only admins restart a ticket's workflow");
    const ticket = await store.getTicket(id);
    if (!ticket) throw new TicketNotFoundError(id);
    if (ticket.status === 'closed')
      throw new TicketRefusedError(closedRefusal('The ticket is closed, which is final: there is nothing to restart'));
    const after = await this.runHalt(id);
    if (!after)
      throw new TicketRefusedError({
        code: 'invalid_transition',
        message: "The ticket's workflow is running: there is nothing to restart",
        status: ticket.status,
      });
    const settings = await store.getSettings();
    const restart = { actor, at: Date.now(), after };
    const input: TicketWorkflowInput = {
      ticketId: id,
      reference: ticket.reference,
      actor,
      channel: ticket.channel,
      draft: false,
      fields: {},
      settings,
      continued: { state: ticket, projectedRevision: ticket.revision },
      restart,
    };
    // Only a run that ended without completing is replaced: a closed ticket never restarts.
    return this.startRun(input, restarted(ticket, restart, settings), 'ALLOW_DUPLICATE_FAILED_ONLY');
  }

  private async closedInReadModel(id: string, timeoutMs = 10_000): Promise<TicketState | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t = await this.opts.store.getTicket(id);
      if (!t || t.status === 'closed' || Date.now() > deadline) return t;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Purge means for good: the workflow's history goes too, not only the read model. */
  private async deleteHistory(id: string): Promise<void> {
    const { client } = this.opts;
    // Let the run finish first (it ends right after the purge); deleting a running one races it.
    await Promise.race([
      client.workflow
        .getHandle(ticketWorkflowId(id))
        .result()
        .catch(() => undefined),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    try {
      await client.workflowService.deleteWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId: ticketWorkflowId(id) },
      });
    } catch (err) {
      if (!(err instanceof Error && /not found/i.test(err.message))) throw err;
    }
  }

  /**
   * A closed ticket's workflow has ended, so the rules decide here, on the read model's state (the
   * workflow's own decide(), refusals and `allowed` included); this only carries out the write
   * they name. command() then deletes a purged ticket's history.
   */
  private async onClosed(ticket: TicketState, command: TicketCommand, actor: Actor): Promise<TicketState> {
    const { store } = this.opts;
    const settings = await store.getSettings();
    const now = Date.now();
    const decided = decideClosed(ticket, { command, actor, settings }, { now, actor, settings });
    if (!decided.ok) throw new TicketRefusedError(decided.refusal);
    if (decided.write === 'purge') {
      await store.purgeTicket(ticket.id);
      return ticket;
    }
    // An atomic update rather than a projection of the decided state: reclassifications racing on
    // the same closed ticket each land, with their own event.
    return (await store.reclassifyClosed(ticket.id, decided.patch, actor, now)) ?? ticket;
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

/** gRPC's status code (the client reports codes as numbers). */
const GRPC_FAILED_PRECONDITION = 9;

/** Temporal's WorkflowNotReady for an Update: the workflow task it was delivered in failed, so it never applied. */
function isAbortedByTaskFailure(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  return (
    isGrpcServiceError(cause) &&
    cause.code === GRPC_FAILED_PRECONDITION &&
    /unexpected workflow task failure/i.test(cause.message)
  );
}

function isWorkflowGone(err: unknown): boolean {
  // The server fails an accepted Update this way when the run ends before it completes (a terminate).
  if (err instanceof WorkflowUpdateFailedError)
    return err.cause instanceof ApplicationFailure && err.cause.type === 'AcceptedUpdateCompletedWorkflow';
  return (
    err instanceof WorkflowNotFoundError || (err instanceof Error && /already completed|not found/i.test(err.message))
  );
}
