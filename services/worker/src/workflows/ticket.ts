// One workflow per ticket. The rules live in @helpdesk/ticket-rules (pure functions); the run's state
// and the effects of a change live in TicketRun (ticket-run.ts). This file wires them to Temporal:
// updates (validated, so a refused command leaves no trace), signals from other tickets, the timer
// loop, continue-as-new and an operator's cancellation.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  COMMAND_TYPES,
  REFUSAL_FAILURE_TYPE,
  childReopenedSignal,
  childResolvedSignal,
  commandUpdates,
  newerSettings,
  mergedInSignal,
  settingsChangedSignal,
  stateQuery,
  syncUpdate,
} from '@helpdesk/contracts/workflow';
import type { CommandRequest, Refusal, TicketState, TicketWorkflowInput } from '@helpdesk/contracts/workflow';
import {
  actsAt,
  breachedBefore,
  childReopened,
  childResolved,
  decide,
  fireTimer,
  mergedIn,
  nextTimer,
  pendingTimers,
  receiptTime,
} from '@helpdesk/ticket-rules';
import type { Context, Timer } from '@helpdesk/ticket-rules';
import { deadlineName } from './operator-view';
import {
  KEPT_TIMER_PATCH,
  OPERATOR_CANCEL_PATCH,
  RECEIPT_TIME_PATCH,
  SERVICE_LEVEL_GRACE_PATCH,
  VERSIONED_SETTINGS_PATCH,
} from './patches';
import { TicketRun } from './ticket-run';

interface Alarm {
  at: number;
  rang: boolean;
  scope: CancellationScope;
}

// A function, so TypeScript does not narrow `state.status` across awaits that may change it.
const isOpen = (s: TicketState) => s.status !== 'closed';
const sameTimer = (a: Timer | undefined, b: Timer) => a?.kind === b.kind && a.at === b.at;

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: REFUSAL_FAILURE_TYPE,
    message: refusal.message,
    details: [refusal],
    nonRetryable: true,
  });
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  // No await before the handlers are set: an update that came with the start must find them.
  const run = new TicketRun(input);

  setHandler(stateQuery, () => run.state);
  setHandler(syncUpdate, async () => {
    await run.settle();
    return run.state;
  });
  setHandler(settingsChangedSignal, (next) => {
    // A change that moves no deadline records nothing (the broadcast skips most such tickets).
    if (run.adopt(next) || !patched(VERSIONED_SETTINGS_PATCH)) run.wake = true;
  });
  setHandler(childResolvedSignal, ({ childId }) =>
    run.commit(childResolved(run.state, childId, Date.now(), run.settings), input.actor),
  );
  setHandler(childReopenedSignal, ({ childId }) =>
    run.commit(childReopened(run.state, childId, Date.now(), run.settings), input.actor),
  );
  setHandler(mergedInSignal, (m) => run.commit(mergedIn(run.state, m, Date.now(), run.settings), input.actor));

  for (const type of COMMAND_TYPES) {
    const check = (req: CommandRequest) => {
      const { state } = run;
      if (!req || typeof req !== 'object' || !req.command || req.command.type !== type || !req.actor) {
        throw refusalFailure({
          code: 'invalid_input',
          message: `Expected a ${type} command with an actor`,
          status: state.status,
        });
      }
      if (run.purged)
        throw refusalFailure({ code: 'invalid_transition', message: 'The ticket was purged', status: state.status });
      const current: Context = {
        now: Date.now(),
        actor: req.actor,
        settings: newerSettings(run.settings, req.settings),
      };
      if (req.receivedAt !== undefined) current.receivedAt = receiptTime(req.receivedAt, current.now, current.settings);
      const decision = decide(state, req, current);
      // decide() names the commands allowed instead with every refusal.
      if (!decision.ok) throw refusalFailure(decision.refusal);
      return decision;
    };
    setHandler(
      commandUpdates[type] as unknown as typeof commandUpdates.take,
      // Not cancellable: an operator's cancellation closes the ticket, and a command accepted
      // before it still answers once its state is projected.
      (req) =>
        CancellationScope.nonCancellable(async () => {
          const request = req as CommandRequest;
          run.adopt(request.settings);
          if (patched(RECEIPT_TIME_PATCH) && (await run.waitOutClose(request))) await run.settle();
          // Breaches this command arrived too late to prevent come first (they are waiting out the grace).
          if (request.receivedAt !== undefined && patched(RECEIPT_TIME_PATCH) && patched(SERVICE_LEVEL_GRACE_PATCH)) {
            const now = Date.now();
            const at = receiptTime(request.receivedAt, now, run.settings);
            for (const late of breachedBefore(run.state, run.settings, at, now)) run.commit(late, input.actor);
          }
          // State may have moved since validation (another update ran first): decide again.
          run.commit(check(request), request.actor);
          if (run.purged) {
            await run.purge();
            return run.state;
          }
          await run.settle();
          return run.state;
        }),
      { validator: (req) => void check(req as CommandRequest) },
    );
  }

  /** The one deadline timer: replaced (cancelled) only when a deadline comes earlier than it. */
  let alarm: Alarm | undefined;
  const armAlarm = (at: number, timer: Timer): Alarm => {
    alarm?.scope.cancel();
    const next: Alarm = { at, rang: false, scope: new CancellationScope() };
    // The summary names the deadline in the Temporal UI; it rides on the command, so a replay of a
    // history recorded without it still matches.
    next.scope
      .run(() => sleep(Math.max(1, at - Date.now()), { summary: deadlineName(timer) }))
      .then(
        () => void (next.rang = true),
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
    return next;
  };

  const loop = async (): Promise<TicketState> => {
    await run.settle();
    while (isOpen(run.state) && !run.purged) {
      const timer = nextTimer(run.state, run.settings);
      const receipt = patched(RECEIPT_TIME_PATCH);
      // When the deadline acts: a close waits out the receipt grace (see ticket-rules receipt.ts).
      const due = timer && (receipt ? actsAt(timer, run.settings, patched(SERVICE_LEVEL_GRACE_PATCH)) : timer.at);
      if (timer && due !== undefined && due <= Date.now()) {
        if (await run.refreshSettings()) continue;
        // The re-read awaited: a command may have moved or removed the deadline meanwhile.
        if (receipt && !sameTimer(nextTimer(run.state, run.settings), timer)) continue;
        run.commit(fireTimer(run.state, timer, Date.now(), run.settings), input.actor);
      } else if (!run.wake && patched(KEPT_TIMER_PATCH)) {
        // Most commands move a deadline later (the action delay restarts): the armed timer is kept,
        // rings early, finds nothing due and is armed again. Only an earlier deadline replaces it.
        // A command thus records no timer cancel and restart of its own.
        if (timer && due !== undefined && (!alarm || alarm.at > due)) alarm = armAlarm(due, timer);
        const ringing = alarm;
        await condition(() => run.wake || ringing?.rang === true);
        if (ringing?.rang && alarm === ringing) alarm = undefined;
        continue;
      } else if (!run.wake) {
        // Tickets that recorded no kept timer: a timer per turn (named too, which replay ignores).
        const woke = timer
          ? await condition(() => run.wake, timer.at - Date.now(), { summary: deadlineName(timer) })
          : (await condition(() => run.wake), true);
        if (
          !woke &&
          timer &&
          pendingTimers(run.state, run.settings).some((t) => t.kind === timer.kind && t.at === timer.at)
        ) {
          if (await run.refreshSettings()) continue;
          run.commit(fireTimer(run.state, timer, Math.max(Date.now(), timer.at), run.settings), input.actor);
        }
      }
      // Cleared before settling, so a signal committed while the projection runs wakes the next turn.
      run.wake = false;
      await run.settle();
      const info = workflowInfo();
      const long = info.continueAsNewSuggested || info.historyLength > run.settings.continueAsNewAfterEvents;
      if (long && isOpen(run.state) && !run.purged && run.mayContinue) {
        await run.drain(false);
        const { restart: _restarted, ...carried } = input;
        await continueAsNew<typeof ticketWorkflow>({ ...carried, settings: run.settings, continued: run.continued() });
      }
    }
    // A purged ticket's mail no longer matters: end at once so its history can be deleted.
    await run.drain(!run.purged);
    return run.state;
  };

  try {
    return await loop();
  } catch (err) {
    if (!isCancellation(err) || !patched(OPERATOR_CANCEL_PATCH)) throw err;
    return await CancellationScope.nonCancellable(() => run.closeCancelled());
  }
}
