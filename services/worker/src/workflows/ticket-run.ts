// One run of a ticket's workflow: its state and the effects of a change (commit, send, settle,
// drain). The workflow (ticket.ts) owns the handlers and the timer loop and calls in here; the rules
// themselves stay in @helpdesk/ticket-rules. Every method issues its commands in the order the
// single closure it came from did: recorded histories replay against it (test/replay.test.ts).
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  SYSTEM_ACTOR,
  newerSettings,
  notificationsQueueFor,
  ticketSearchAttributes,
  webhooksQueueFor,
} from '@helpdesk/contracts/workflow';
import type {
  Actor,
  AutomationWebhookCall,
  CommandRequest,
  Notification,
  NotifierActivities,
  Settings,
  TicketEvent,
  TicketState,
  TicketWorkflowInput,
  WebhookActivities,
} from '@helpdesk/contracts/workflow';
import {
  awaitsClose,
  createTicket,
  deadlinesMoved,
  notificationFailed,
  receiptTime,
  restarted,
  runCancelled,
  slaRefreshed,
  withTriggers,
} from '@helpdesk/ticket-rules';
import type { Accepted, Effect } from '@helpdesk/ticket-rules';
import type { TicketActivities } from '../activities';
import { currentDetails } from './operator-view';
import {
  CHILD_REOPENED_PATCH,
  DIRECTORY_RECIPIENTS_PATCH,
  LOCAL_PROJECTION_PATCH,
  OPERATOR_CANCEL_PATCH,
  VERSIONED_SETTINGS_PATCH,
} from './patches';

const DIRECTORY_REFERENCE = /^(user|group):(.+)$/;

/**
 * A notification as a run started before directory references would have sent it (undefined: it
 * sent none), so replaying such a run schedules the same activities. Only a notification that names
 * a reference asks, so runs that never do carry no marker.
 */
function asRecorded(notification: Notification): Notification | undefined {
  if (!notification.to.some((t) => DIRECTORY_REFERENCE.test(t)) || patched(DIRECTORY_RECIPIENTS_PATCH)) {
    return notification;
  }
  const to = notification.to.flatMap((t) => {
    const [, kind, key] = DIRECTORY_REFERENCE.exec(t) ?? [];
    if (!kind || !key) return [t];
    if (kind === 'group') return [`${key}@groups.helpdesk.local`];
    return key.includes('@') ? [key] : [];
  });
  return to.length > 0 ? { ...notification, to } : undefined;
}

/** What the timeline says of a mail that failed for good: the server's reply, not "Activity task failed". */
const failureReason = (err: unknown): string =>
  err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);

const activities = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// The projection runs as a local activity: in the worker, inside the workflow task that accepted
// the command, so a command answers after one round trip to the server instead of three.
const local = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** `first`: the run's first state, which its starter has usually projected already (one read then, no write). */
const projectTicket = (state: TicketState, events: TicketEvent[], first: boolean) =>
  patched(LOCAL_PROJECTION_PATCH)
    ? first
      ? local.projectTicket(state, events, 'workflow')
      : local.projectTicket(state, events)
    : activities.projectTicket(state, events);

/** The notifier that serves this ticket's task queue (resolved inside the workflow, per run). */
const notifierFor = (ticketsQueue: string) =>
  proxyActivities<NotifierActivities>({
    taskQueue: notificationsQueueFor(ticketsQueue),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
  });

/** The webhook worker that serves this ticket's task queue: a rule's call, retried with backoff, then given up. */
const webhooksFor = (ticketsQueue: string) =>
  proxyActivities<WebhookActivities>({
    taskQueue: webhooksQueueFor(ticketsQueue),
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
  });

/** An effect that needs the read model written first (it reads it, or other tickets will). */
interface Task {
  effect: Effect;
  actor: Actor;
}

export class TicketRun {
  state: TicketState;
  settings: Settings;
  /** Something changed that the timer loop must look at (a commit, settings that moved a deadline). */
  wake = false;
  purged = false;
  /** Update handlers waiting for a pending close to become final (see RECEIPT_TIME_PATCH). */
  private awaitingClose = 0;
  private unprojected: TicketEvent[] = [];
  private projectedRevision: number;
  private readonly tasks: Task[] = [];
  private readonly sending = new Set<Promise<void>>();
  /** Rules' webhook calls in flight (see callWebhook). */
  private readonly calling = new Set<Promise<void>>();
  /** Mail asked for and not yet sent: carried into the next run if the workflow continues as new. */
  private readonly unsent = new Map<string, Notification>();
  /** Mail an operator's cancellation interrupted: sent again while the ticket closes. */
  private readonly interrupted: Notification[] = [];
  /** Projections and tasks, one at a time and in order (see settle). */
  private settling: Promise<void> = Promise.resolve();
  private readonly notifier: ReturnType<typeof notifierFor>;

  constructor(private readonly input: TicketWorkflowInput) {
    this.settings = input.settings;
    this.notifier = notifierFor(workflowInfo().taskQueue);
    this.projectedRevision = input.continued?.projectedRevision ?? 0;
    if (input.continued) {
      this.state = input.continued.state;
      if (input.restart) this.commit(restarted(this.state, input.restart, this.settings), input.restart.actor);
    } else {
      // The starter computed (and projected) the same first state from the same input and instant.
      const created = createTicket(input, {
        now: input.createdAt ?? Date.now(),
        actor: input.actor,
        settings: this.settings,
      });
      this.state = created.state;
      this.apply(created, input.actor, undefined);
    }
    for (const n of input.continued?.pendingNotifications ?? []) this.send(n);
  }

  /** An accepted change: the new state, its events to project, its effects started or queued. */
  commit(result: Accepted | undefined, actor: Actor): void {
    if (result) this.apply(result, actor, this.state);
  }

  private apply(accepted: Accepted, actor: Actor, before: TicketState | undefined): void {
    // The triggers in effect now act on what just happened (nothing, when there are none).
    const result = withTriggers(before, accepted, { now: accepted.state.updatedAt, actor, settings: this.settings });
    this.state = result.state;
    this.unprojected.push(...result.events);
    const indexed = (s: TicketState) => JSON.stringify(ticketSearchAttributes(s).map((a) => a.value));
    // A ticket started with its search attributes (a starter that sets createdAt sets them too)
    // has nothing to index until they change.
    if (before ? indexed(before) !== indexed(this.state) : this.input.createdAt === undefined) {
      upsertSearchAttributes(ticketSearchAttributes(this.state));
    }
    for (const effect of result.effects) {
      if (effect.type === 'notify') {
        const notification = asRecorded(effect.notification);
        if (notification) this.send(notification);
      } else if (effect.type === 'call_webhook') this.callWebhook(effect);
      else if (effect.type === 'purge') this.purged = true;
      else this.tasks.push({ effect, actor });
    }
    this.showDetails();
    this.wake = true;
  }

  /** The Temporal UI's current details follow the state and the settings its deadlines derive from. */
  private showDetails(): void {
    setCurrentDetails(currentDetails(this.state, this.settings));
  }

  // A ticket action never waits on mail, but the workflow never ends with mail in flight.
  private send(notification: Notification): void {
    this.unsent.set(notification.id, notification);
    const p: Promise<void> = this.notifier.sendNotification(notification).then(
      () => void this.unsent.delete(notification.id),
      (err: unknown) => {
        this.unsent.delete(notification.id);
        if (isCancellation(err) && patched(OPERATOR_CANCEL_PATCH)) return void this.interrupted.push(notification);
        log.warn('notification failed for good', { id: notification.id, error: String(err) });
        this.commit(
          notificationFailed(this.state, notification, failureReason(err), Date.now(), this.settings),
          this.input.actor,
        );
      },
    );
    this.sending.add(p);
    void p.finally(() => this.sending.delete(p));
  }

  /**
   * A rule's webhook call: like mail, it never holds the ticket up (a receiver that is down must not
   * delay projections), and the run does not end or continue as new while one is in flight.
   */
  private callWebhook(effect: Extract<Effect, { type: 'call_webhook' }>): void {
    const s = this.state;
    const call: AutomationWebhookCall = {
      id: `${s.id}:${s.eventSeq}:${effect.webhook}`,
      type: 'automation',
      at: new Date(s.updatedAt).toISOString(),
      rule: effect.rule,
      ticket: {
        id: s.id,
        reference: s.reference,
        status: s.status,
        title: s.title,
        priority: s.priority,
        severity: s.severity,
        group: s.group,
        assignee: s.assignee,
        tags: s.tags,
        requester: s.requester,
      },
    };
    const p: Promise<void> = webhooksFor(workflowInfo().taskQueue)
      .callWebhook(effect.webhook, call)
      .then(
        () => undefined,
        (err: unknown) => {
          if (!isCancellation(err)) log.warn('webhook call failed for good', { id: call.id, error: String(err) });
        },
      );
    this.calling.add(p);
    void p.finally(() => this.calling.delete(p));
  }

  private async runTask({ effect, actor }: Task): Promise<void> {
    const { state } = this;
    switch (effect.type) {
      case 'link_follow_up':
        await activities.linkFollowUp(effect.closedId, state.id);
        break;
      case 'merge_into':
        await activities.deliverMergedThread({ id: state.id, reference: state.reference }, effect.targetId);
        break;
      case 'start_children':
        await activities.startChildTickets(state, effect.children, actor);
        break;
      case 'child_resolved':
        await activities.signalParentChildResolved(effect.parentId, state.id);
        break;
      case 'child_reopened':
        if (patched(CHILD_REOPENED_PATCH)) await activities.signalParentChildReopened(effect.parentId, state.id);
        break;
      default:
        break;
    }
  }

  /**
   * Project, then run the queued tasks. Projections run one at a time and in order; each writes the
   * newest state and the events so far. Only a cancellation makes one fail (activities retry until
   * they succeed): what it interrupted goes back in line, and the next settle, in a scope no
   * cancellation reaches, does it again.
   */
  settle(): Promise<void> {
    const step = async () => {
      if (this.purged) return;
      if (this.state.revision > this.projectedRevision || this.unprojected.length > 0) {
        const snapshot = this.state;
        const events = this.unprojected;
        this.unprojected = [];
        try {
          await projectTicket(snapshot, events, this.projectedRevision === 0 && !this.input.continued);
        } catch (err) {
          this.unprojected = [...events, ...this.unprojected];
          throw err;
        }
        this.projectedRevision = Math.max(this.projectedRevision, snapshot.revision);
      }
      while (this.tasks.length > 0) {
        const task = this.tasks.shift();
        if (!task) continue;
        try {
          await this.runTask(task);
        } catch (err) {
          this.tasks.unshift(task);
          throw err;
        }
      }
    };
    this.settling = this.settling.then(step, step);
    return this.settling;
  }

  /**
   * Nothing left in flight: no update handler running, everything projected, every task and mail
   * done (a mail that failed for good is itself on the timeline). Checked again after each wait,
   * since an update may arrive meanwhile; the caller acts right after, with no await in between.
   */
  private drained(withMail: boolean): boolean {
    return (
      allHandlersFinished() &&
      (!withMail || this.sending.size === 0) &&
      this.calling.size === 0 &&
      (this.purged ||
        (this.unprojected.length === 0 && this.tasks.length === 0 && this.state.revision <= this.projectedRevision))
    );
  }

  /** withMail: also wait for mail in flight (at the end); continuing as new carries it instead. */
  async drain(withMail: boolean): Promise<void> {
    while (!this.drained(withMail)) {
      await condition(allHandlersFinished);
      await this.settle();
      if (withMail) await Promise.all(this.sending);
      await Promise.all(this.calling);
    }
  }

  /** Purge the read model, after a projection already under way (or it would bring the ticket back). */
  async purge(): Promise<void> {
    await this.settling.catch(() => undefined);
    await activities.purgeTicket(this.state.id);
  }

  /** Take newer settings; true when they move one of the ticket's deadlines. */
  adopt(candidate: Settings | undefined): boolean {
    const next = newerSettings(this.settings, candidate);
    if (next === this.settings) return false;
    const moved = deadlinesMoved(this.state, this.settings, next);
    this.settings = next;
    if (moved) {
      this.showDetails();
      // The read model shows the SLA due instants the new settings give (no timeline event).
      this.commit(slaRefreshed(this.state, next), SYSTEM_ACTOR);
    }
    return moved;
  }

  /** Before a deadline acts, the settings it derives from must be current (a change may have moved it). */
  async refreshSettings(): Promise<boolean> {
    return patched(VERSIONED_SETTINGS_PATCH) ? this.adopt(await local.currentSettings()) : false;
  }

  /**
   * A command received once the feedback window had lapsed waits until the close is final (then it
   * is refused as closed, and a reply makes a follow-up), or until a command received before the
   * lapse reopens the ticket (then it applies to the reopened ticket). True when it waited.
   */
  async waitOutClose(req: CommandRequest): Promise<boolean> {
    const at = receiptTime(req.receivedAt, Date.now(), this.settings);
    if (!awaitsClose(this.state, this.settings, at)) return false;
    this.awaitingClose++;
    try {
      await condition(() => this.purged || !awaitsClose(this.state, this.settings, at));
    } finally {
      this.awaitingClose--;
    }
    return true;
  }

  /** Whether this run may continue as new now: not while a command waits for a pending close (this run must answer it). */
  get mayContinue(): boolean {
    return this.awaitingClose === 0;
  }

  /** What the next run starts from when this one continues as new (mail in flight is sent again: the notifier sends each id once). */
  continued(): NonNullable<TicketWorkflowInput['continued']> {
    return {
      state: this.state,
      projectedRevision: this.projectedRevision,
      pendingNotifications: [...this.unsent.values()],
    };
  }

  /**
   * An operator cancelled the run (Temporal UI or CLI): the ticket closes, logged on its timeline,
   * so the read model tells the truth; what the cancellation interrupted is done again first.
   * Called in a non-cancellable scope.
   */
  async closeCancelled(): Promise<TicketState> {
    log.warn('ticket workflow cancelled by an operator: closing the ticket', {
      ticketId: this.state.id,
      status: this.state.status,
    });
    this.commit(runCancelled(this.state, Date.now(), this.settings), SYSTEM_ACTOR);
    do {
      for (const n of this.interrupted.splice(0)) this.send(n);
      await this.drain(!this.purged);
    } while (this.interrupted.length > 0 && !this.purged);
    return this.state;
  }
}
