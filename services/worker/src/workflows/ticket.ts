// One workflow per ticket. The rules live in ../domain (pure functions); this file wires them to
// Temporal: updates (validated, so a refused command leaves no trace), the timer loop, the read
// model projection, notifications, search attributes and continue-as-new.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  COMMAND_TYPES,
  NOTIFICATIONS_TASK_QUEUE,
  REFUSAL_FAILURE_TYPE,
  commandUpdates,
  searchAttributes,
  settingsChangedSignal,
  stateQuery,
  syncUpdate,
} from '@helpdesk/contracts/workflow';
import type {
  Actor,
  CommandRequest,
  NotifierActivities,
  Refusal,
  Settings,
  TicketEvent,
  TicketState,
  TicketWorkflowInput,
} from '@helpdesk/contracts/workflow';
import type { TicketActivities } from '../activities';
import { allowedCommands, createTicket, decide, fireTimer, nextTimer, pendingTimers } from '../domain';
import type { Accepted, Context, Effect } from '../domain';

const store = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const notifier = proxyActivities<NotifierActivities>({
  taskQueue: NOTIFICATIONS_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

/** Continue as new past this many history events even if the server has not suggested it yet. */
const DEFAULT_HISTORY_LIMIT = 10_000;

// A function, so TypeScript does not narrow `state.status` across awaits that may change it.
const isOpen = (s: TicketState) => s.status !== 'closed';

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: refusal.message, details: [refusal], nonRetryable: true });
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketState> {
  // No await before the handlers are set: an update that came with the start must find them.
  let settings: Settings = input.settings;
  const ctx = (actor: Actor): Context => ({ now: Date.now(), actor, settings });

  let state: TicketState;
  let unprojected: TicketEvent[] = [];
  let projectedRevision = input.continued?.projectedRevision ?? 0;
  let wake = false;
  let purged = false;
  const sending = new Set<Promise<void>>();

  const indexState = () => {
    upsertSearchAttributes([
      { key: searchAttributes.status, value: state.status },
      { key: searchAttributes.reference, value: state.reference },
      { key: searchAttributes.assignee, value: state.assignee ?? null },
      { key: searchAttributes.group, value: state.group ?? null },
      { key: searchAttributes.priority, value: state.priority ?? null },
      { key: searchAttributes.requester, value: state.requester?.id ?? null },
    ]);
  };

  const runEffect = (effect: Effect) => {
    switch (effect.type) {
      case 'notify': {
        // Fire and track: a ticket action never waits on mail, but the workflow never ends with mail in flight.
        const p: Promise<void> = notifier.sendNotification(effect.notification).then(
          () => undefined,
          (err: unknown) => log.warn('notification failed for good', { id: effect.notification.id, error: String(err) }),
        );
        sending.add(p);
        void p.finally(() => sending.delete(p));
        break;
      }
      case 'purge':
        purged = true;
        break;
      case 'child_resolved':
        // Split parents are wired in by the lifecycle work; nothing to tell yet.
        break;
    }
  };

  const commit = (result: Accepted) => {
    const before = state;
    state = result.state;
    unprojected.push(...result.events);
    if (
      before === undefined ||
      before.status !== state.status ||
      before.assignee !== state.assignee ||
      before.group !== state.group ||
      before.priority !== state.priority
    ) {
      indexState();
    }
    result.effects.forEach(runEffect);
    wake = true;
  };

  // Projections run one at a time and in order; each writes the newest state and the events so far.
  let projecting: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    projecting = projecting.then(async () => {
      if (state.revision <= projectedRevision && unprojected.length === 0) return;
      const snapshot = state;
      const events = unprojected;
      unprojected = [];
      try {
        await store.projectTicket(snapshot, events);
        projectedRevision = Math.max(projectedRevision, snapshot.revision);
      } catch (err) {
        unprojected = [...events, ...unprojected];
        throw err;
      }
    });
    return projecting;
  };

  if (input.continued) {
    state = input.continued.state;
  } else {
    state = undefined as unknown as TicketState; // set by the first commit, right below
    commit(createTicket(input, ctx(input.actor)));
  }

  setHandler(stateQuery, () => state);
  setHandler(syncUpdate, async () => {
    await flush();
    return state;
  });
  setHandler(settingsChangedSignal, (next) => {
    settings = next;
    wake = true;
  });

  for (const type of COMMAND_TYPES) {
    const check = (req: CommandRequest) => {
      if (!req || typeof req !== 'object' || !req.command || req.command.type !== type || !req.actor) {
        throw refusalFailure({ code: 'invalid_input', message: `Expected a ${type} command with an actor`, status: state.status });
      }
      const decision = decide(state, req, ctx(req.actor));
      if (!decision.ok) {
        throw refusalFailure({ ...decision.refusal, allowed: allowedCommands(state, ctx(req.actor)) });
      }
      return decision;
    };
    setHandler(
      commandUpdates[type] as unknown as typeof commandUpdates.take,
      async (req) => {
        // State may have moved since validation (another update ran first): decide again.
        commit(check(req as CommandRequest));
        if (purged) {
          await store.purgeTicket(state.id);
          return state;
        }
        await flush();
        return state;
      },
      { validator: (req) => void check(req as CommandRequest) },
    );
  }

  await flush();

  const historyLimit = DEFAULT_HISTORY_LIMIT;
  while (isOpen(state) && !purged) {
    const timer = nextTimer(state, settings);
    if (timer && timer.at <= Date.now()) {
      commit(fireTimer(state, timer, Date.now(), settings));
      await flush();
      continue;
    }
    wake = false;
    const woke = timer ? await condition(() => wake, timer.at - Date.now()) : (await condition(() => wake), true);
    if (!woke && timer && pendingTimers(state, settings).some((t) => t.kind === timer.kind && t.at === timer.at)) {
      commit(fireTimer(state, timer, Math.max(Date.now(), timer.at), settings));
      await flush();
    }
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > historyLimit) && isOpen(state) && !purged) {
      await condition(allHandlersFinished);
      await flush();
      await Promise.all(sending);
      await continueAsNew<typeof ticketWorkflow>({ ...input, settings, continued: { state, projectedRevision } });
    }
  }

  await condition(allHandlersFinished);
  if (!purged) await flush();
  await Promise.all(sending);
  return state;
}
