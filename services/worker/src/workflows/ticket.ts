// One workflow per ticket. The rules live in @helpdesk/ticket-rules (pure functions); this file wires them to
// Temporal: updates (validated, so a refused command leaves no trace), signals from other tickets,
// the timer loop, the read-model projection, effects, search attributes and continue-as-new.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  COMMAND_TYPES,
  REFUSAL_FAILURE_TYPE,
  SYSTEM_ACTOR,
  childReopenedSignal,
  childResolvedSignal,
  commandUpdates,
  newerSettings,
  notificationsQueueFor,
  mergedInSignal,
  settingsChangedSignal,
  stateQuery,
  syncUpdate,
  ticketSearchAttributes,
} from '@helpdesk/contracts/workflow';
import type {
  Actor,
  CommandRequest,
  Notification,
  NotifierActivities,
  Refusal,
  Settings,
  TicketEvent,
  TicketState,
  TicketWorkflowInput,
} from '@helpdesk/contracts/workflow';
import type { TicketActivities } from '../activities';
import {
  actsAt,
  allowedCommands,
  awaitsClose,
  childReopened,
  childResolved,
  createTicket,
  deadlinesMoved,
  decide,
  fireTimer,
  mergedIn,
  nextTimer,
  notificationFailed,
  pendingTimers,
  receiptTime,
  restarted,
  runCancelled,
} from '@helpdesk/ticket-rules';
import type { Accepted, Context, Effect, Timer } from '@helpdesk/ticket-rules';

/** What the timeline says of a mail that failed for good: the server's reply, not "Activity task failed". */
const failureReason = (err: unknown): string => (err instanceof ActivityFailure && err.cause ? err.cause.message : String(err));

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
/** Tickets started before projections became local keep the activity their history recorded. */
const LOCAL_PROJECTION_PATCH = 'projection-as-local-activity';
/** Settings are versioned: a change wakes a ticket only if it moves a deadline; timers re-read them. */
const VERSIONED_SETTINGS_PATCH = 'versioned-settings';
/** One deadline timer kept across commands instead of a cancel and restart per command. */
const KEPT_TIMER_PATCH = 'kept-deadline-timer';
/**
 * Receipt time decides: the close waits out a grace for commands received before it, a command
 * received after the lapse waits for the close, and a due deadline is checked again after the
 * settings re-read (a command may have moved it meanwhile).
 */
const RECEIPT_TIME_PATCH = 'receipt-time';
/** A reopened split child tells its parent (an activity older runs never scheduled). */
const CHILD_REOPENED_PATCH = 'child-reopened-signal';
/** An operator's cancellation closes the ticket, logged, instead of ending the run as cancelled. */
const OPERATOR_CANCEL_PATCH = 'operator-cancel-closes';

interface Alarm {
  at: number;
  rang: boolean;
  scope: CancellationScope;
}
const projectTicket = (state: TicketState, events: TicketEvent[]) =>
  patched(LOCAL_PROJECTION_PATCH) ? local.projectTicket(state, events) : activities.projectTicket(state, events);

/** The notifier that serves this ticket's task queue (resolved inside the workflow, per run). */
const notifierFor = (ticketsQueue: string) =>
  proxyActivities<NotifierActivities>({
    taskQueue: notificationsQueueFor(ticketsQueue),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
  });

// A function, so TypeScript does not narrow `state.status` across awaits that may change it.
const isOpen = (s: TicketState) => s.status !== 'closed';
const sameTimer = (a: Timer | undefined, b: Timer) => a?.kind === b.kind && a.at === b.at;

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: refusal.message, details: [refusal], nonRetryable: true });
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  // No await before the handlers are set: an update that came with the start must find them.
  let settings: Settings = input.settings;
  const notifier = notifierFor(workflowInfo().taskQueue);
  const ctx = (actor: Actor, with_: Settings = settings): Context => ({ now: Date.now(), actor, settings: with_ });

  let state: TicketState = input.continued ? input.continued.state : (undefined as unknown as TicketState);
  let unprojected: TicketEvent[] = [];
  let projectedRevision = input.continued?.projectedRevision ?? 0;
  let wake = false;
  let purged = false;
  /** Effects that need the read model written first (they read it, or other tickets will). */
  const tasks: { effect: Effect; actor: Actor }[] = [];
  const sending = new Set<Promise<void>>();
  /** Mail asked for and not yet sent: carried into the next run if the workflow continues as new. */
  const unsent = new Map<string, Notification>();
  /** Mail an operator's cancellation interrupted: sent again while the ticket closes. */
  const interrupted: Notification[] = [];
  /** Update handlers waiting for a pending close to become final (see RECEIPT_TIME_PATCH). */
  let awaitingClose = 0;

  const indexState = () => upsertSearchAttributes(ticketSearchAttributes(state));

  const commit = (result: Accepted | undefined, actor: Actor) => {
    if (!result) return;
    const before = state as TicketState | undefined;
    state = result.state;
    unprojected.push(...result.events);
    const indexed = (s: TicketState) => JSON.stringify(ticketSearchAttributes(s).map((a) => a.value));
    // A ticket started with its search attributes (a starter that sets createdAt sets them too)
    // has nothing to index until they change.
    if (before ? indexed(before) !== indexed(state) : input.createdAt === undefined) indexState();
    for (const effect of result.effects) {
      if (effect.type === 'notify') send(effect.notification);
      else if (effect.type === 'purge') purged = true;
      else tasks.push({ effect, actor });
    }
    wake = true;
  };

  // A ticket action never waits on mail, but the workflow never ends with mail in flight.
  const send = (notification: Notification) => {
    unsent.set(notification.id, notification);
    const p: Promise<void> = notifier.sendNotification(notification).then(
      () => void unsent.delete(notification.id),
      (err: unknown) => {
        unsent.delete(notification.id);
        if (isCancellation(err) && patched(OPERATOR_CANCEL_PATCH)) return void interrupted.push(notification);
        log.warn('notification failed for good', { id: notification.id, error: String(err) });
        commit(notificationFailed(state, notification, failureReason(err), Date.now(), settings), input.actor);
      },
    );
    sending.add(p);
    void p.finally(() => sending.delete(p));
  };

  const runTask = async ({ effect, actor }: { effect: Effect; actor: Actor }) => {
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
  };

  // Projections run one at a time and in order; each writes the newest state and the events so far.
  // Only a cancellation makes one fail (activities retry until they succeed): what it interrupted
  // goes back in line, and the next settle, in a scope no cancellation reaches, does it again.
  let settling: Promise<void> = Promise.resolve();
  const settle = (): Promise<void> => {
    const step = async () => {
      if (purged) return;
      if (state.revision > projectedRevision || unprojected.length > 0) {
        const snapshot = state;
        const events = unprojected;
        unprojected = [];
        try {
          await projectTicket(snapshot, events);
        } catch (err) {
          unprojected = [...events, ...unprojected];
          throw err;
        }
        projectedRevision = Math.max(projectedRevision, snapshot.revision);
      }
      while (tasks.length > 0) {
        const task = tasks.shift();
        if (!task) continue;
        try {
          await runTask(task);
        } catch (err) {
          tasks.unshift(task);
          throw err;
        }
      }
    };
    settling = settling.then(step, step);
    return settling;
  };

  /**
   * Nothing left in flight: no update handler running, everything projected, every task and mail
   * done (a mail that failed for good is itself on the timeline). Checked again after each wait,
   * since an update may arrive meanwhile; the caller acts right after, with no await in between.
   */
  const drained = (withMail: boolean) =>
    allHandlersFinished() &&
    (!withMail || sending.size === 0) &&
    (purged || (unprojected.length === 0 && tasks.length === 0 && state.revision <= projectedRevision));
  /** withMail: also wait for mail in flight (at the end); continuing as new carries it instead. */
  const drain = async (withMail: boolean) => {
    while (!drained(withMail)) {
      await condition(allHandlersFinished);
      await settle();
      if (withMail) await Promise.all(sending);
    }
  };

  // The starter computed (and projected) the same first state from the same input and instant.
  if (!input.continued) commit(createTicket(input, { ...ctx(input.actor), now: input.createdAt ?? Date.now() }), input.actor);
  else if (input.restart) commit(restarted(state, input.restart, settings), input.restart.actor);
  for (const n of input.continued?.pendingNotifications ?? []) send(n);

  setHandler(stateQuery, () => state);
  setHandler(syncUpdate, async () => {
    await settle();
    return state;
  });
  /** Take newer settings; true when they move one of the ticket's deadlines. */
  const adopt = (candidate: Settings | undefined): boolean => {
    const next = newerSettings(settings, candidate);
    if (next === settings) return false;
    const moved = !state || deadlinesMoved(state, settings, next);
    settings = next;
    return moved;
  };
  /** Before a deadline acts, the settings it derives from must be current (a change may have moved it). */
  const refreshSettings = async (): Promise<boolean> => (patched(VERSIONED_SETTINGS_PATCH) ? adopt(await local.currentSettings()) : false);

  setHandler(settingsChangedSignal, (next) => {
    // A change that moves no deadline records nothing (the broadcast skips most such tickets).
    if (adopt(next) || !patched(VERSIONED_SETTINGS_PATCH)) wake = true;
  });
  setHandler(childResolvedSignal, ({ childId }) => commit(childResolved(state, childId, Date.now(), settings), input.actor));
  setHandler(childReopenedSignal, ({ childId }) => commit(childReopened(state, childId, Date.now(), settings), input.actor));
  setHandler(mergedInSignal, (m) => commit(mergedIn(state, m, Date.now(), settings), input.actor));

  /**
   * A command received once the feedback window had lapsed waits until the close is final (then it
   * is refused as closed, and a reply makes a follow-up), or until a command received before the
   * lapse reopens the ticket (then it applies to the reopened ticket). True when it waited.
   */
  const waitOutClose = async (req: CommandRequest): Promise<boolean> => {
    const at = receiptTime(req.receivedAt, Date.now(), settings);
    if (!awaitsClose(state, settings, at)) return false;
    awaitingClose++;
    try {
      await condition(() => purged || !awaitsClose(state, settings, at));
    } finally {
      awaitingClose--;
    }
    return true;
  };

  for (const type of COMMAND_TYPES) {
    const check = (req: CommandRequest) => {
      if (!req || typeof req !== 'object' || !req.command || req.command.type !== type || !req.actor) {
        throw refusalFailure({ code: 'invalid_input', message: `Expected a ${type} command with an actor`, status: state.status });
      }
      if (purged) throw refusalFailure({ code: 'invalid_transition', message: 'The ticket was purged', status: state.status });
      const current = ctx(req.actor, newerSettings(settings, req.settings));
      if (req.receivedAt !== undefined) current.receivedAt = receiptTime(req.receivedAt, current.now, current.settings);
      const decision = decide(state, req, current);
      if (!decision.ok) throw refusalFailure({ ...decision.refusal, allowed: allowedCommands(state, current) });
      return decision;
    };
    setHandler(
      commandUpdates[type] as unknown as typeof commandUpdates.take,
      // Not cancellable: an operator's cancellation closes the ticket, and a command accepted
      // before it still answers once its state is projected.
      (req) =>
        CancellationScope.nonCancellable(async () => {
          const request = req as CommandRequest;
          adopt(request.settings);
          if (patched(RECEIPT_TIME_PATCH) && (await waitOutClose(request))) await settle();
          // State may have moved since validation (another update ran first): decide again.
          commit(check(request), request.actor);
          if (purged) {
            // A projection already under way must land first, or it would bring the ticket back.
            await settling.catch(() => undefined);
            await activities.purgeTicket(state.id);
            return state;
          }
          await settle();
          return state;
        }),
      { validator: (req) => void check(req as CommandRequest) },
    );
  }

  /** The one deadline timer: replaced (cancelled) only when a deadline comes earlier than it. */
  let alarm: Alarm | undefined;
  const armAlarm = (at: number): Alarm => {
    alarm?.scope.cancel();
    const next: Alarm = { at, rang: false, scope: new CancellationScope() };
    next.scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => void (next.rang = true),
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
    return next;
  };

  const run = async (): Promise<TicketState> => {
    await settle();
    while (isOpen(state) && !purged) {
      const timer = nextTimer(state, settings);
      const receipt = patched(RECEIPT_TIME_PATCH);
      // When the deadline acts: a close waits out the receipt grace (see ticket-rules receipt.ts).
      const due = timer && (receipt ? actsAt(timer, settings) : timer.at);
      if (timer && due !== undefined && due <= Date.now()) {
        if (await refreshSettings()) continue;
        // The re-read awaited: a command may have moved or removed the deadline meanwhile.
        if (receipt && !sameTimer(nextTimer(state, settings), timer)) continue;
        commit(fireTimer(state, timer, Date.now(), settings), input.actor);
      } else if (!wake && patched(KEPT_TIMER_PATCH)) {
        // Most commands move a deadline later (the action delay restarts): the armed timer is kept,
        // rings early, finds nothing due and is armed again. Only an earlier deadline replaces it.
        // A command thus records no timer cancel and restart of its own.
        if (due !== undefined && (!alarm || alarm.at > due)) alarm = armAlarm(due);
        const ringing = alarm;
        await condition(() => wake || ringing?.rang === true);
        if (ringing?.rang && alarm === ringing) alarm = undefined;
        continue;
      } else if (!wake) {
        const woke = timer ? await condition(() => wake, timer.at - Date.now()) : (await condition(() => wake), true);
        if (!woke && timer && pendingTimers(state, settings).some((t) => t.kind === timer.kind && t.at === timer.at)) {
          if (await refreshSettings()) continue;
          commit(fireTimer(state, timer, Math.max(Date.now(), timer.at), settings), input.actor);
        }
      }
      // Cleared before settling, so a signal committed while the projection runs wakes the next turn.
      wake = false;
      await settle();
      const info = workflowInfo();
      const long = info.continueAsNewSuggested || info.historyLength > settings.continueAsNewAfterEvents;
      // Not while a command waits for a pending close: it must be answered by this run.
      if (long && isOpen(state) && !purged && awaitingClose === 0) {
        await drain(false);
        // Mail still in flight is sent again by the next run (the notifier sends each id once).
        const { restart: _restarted, ...carried } = input;
        await continueAsNew<typeof ticketWorkflow>({ ...carried, settings, continued: { state, projectedRevision, pendingNotifications: [...unsent.values()] } });
      }
    }
    // A purged ticket's mail no longer matters: end at once so its history can be deleted.
    await drain(!purged);
    return state;
  };

  /**
   * An operator cancelled the run (Temporal UI or CLI): the ticket closes, logged on its timeline,
   * so the read model tells the truth; what the cancellation interrupted is done again first.
   */
  const closeCancelled = async (): Promise<TicketState> => {
    log.warn('ticket workflow cancelled by an operator: closing the ticket', { ticketId: state.id, status: state.status });
    commit(runCancelled(state, Date.now(), settings), SYSTEM_ACTOR);
    do {
      for (const n of interrupted.splice(0)) send(n);
      await drain(!purged);
    } while (interrupted.length > 0 && !purged);
    return state;
  };

  try {
    return await run();
  } catch (err) {
    if (!isCancellation(err) || !patched(OPERATOR_CANCEL_PATCH)) throw err;
    return await CancellationScope.nonCancellable(closeCancelled);
  }
}
