// Commands checked against the directory before they reach a ticket: who is assigned must be an
// active agent or admin (in the ticket's group unless the settings allow otherwise), and a group
// must be one of the directory's (mirrored in `settings.groups`, see the gateway's group routes).
import type {
  Actor,
  AutomationAction,
  Organization,
  Settings,
  TicketCommand,
  TicketState,
  TCreateTicketRequest,
} from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { DirectoryRefusedError } from './errors';

/** Why `userId` cannot be assigned a ticket of `group`, or undefined when it can. */
export async function assigneeRefusal(
  store: Store,
  settings: Settings,
  userId: string,
  group: string | undefined,
  field: string,
): Promise<DirectoryRefusedError | undefined> {
  const user = await store.directory.user(userId);
  if (!user) return new DirectoryRefusedError('unknown_user', field, `names no user of the directory: ${userId}`);
  if (!user.active) return new DirectoryRefusedError('inactive_user', field, `names a deactivated user: ${userId}`);
  if (user.role === 'requester')
    return new DirectoryRefusedError('not_an_agent', field, `names a requester, who cannot be assigned: ${userId}`);
  if (group === undefined || settings.assignOutsideGroup) return undefined;
  const home = await store.directory.group(group);
  // A group the directory does not hold (a ticket older than its group's deletion) has no members to check.
  if (home && !home.members.includes(userId))
    return new DirectoryRefusedError(
      'not_in_group',
      field,
      `names ${userId}, who is not a member of the ticket's group ${group} (the setting assignOutsideGroup allows it)`,
    );
  return undefined;
}

const groupRefusal = (settings: Settings, group: string | undefined, field: string) =>
  group !== undefined && !settings.groups.includes(group)
    ? new DirectoryRefusedError(
        'unknown_group',
        field,
        `names no group of the directory: ${group} (groups: ${settings.groups.join(', ')})`,
      )
    : undefined;

/** Throws the directory's refusal of a new ticket's group and assignee, if any. */
export async function checkCreation(store: Store, settings: Settings, body: TCreateTicketRequest): Promise<void> {
  const refusal =
    groupRefusal(settings, body.group, 'body.group') ??
    (body.assignee ? await assigneeRefusal(store, settings, body.assignee, body.group, 'body.assignee') : undefined);
  if (refusal) throw refusal;
}

/**
 * Why automation actions (a trigger's, a time rule's, a macro's) cannot act, or undefined: a group
 * must be the directory's, an agent an active agent or admin (checked when the rule is saved and
 * when a macro is applied, so a rule never assigns "no-such-agent").
 */
export async function actionsRefusal(
  store: Store,
  settings: Settings,
  actions: AutomationAction[],
  where: string,
): Promise<DirectoryRefusedError | undefined> {
  for (const [i, action] of actions.entries()) {
    const refusal =
      action.type === 'assign_group'
        ? groupRefusal(settings, action.group, `${where}.${i}.group`)
        : action.type === 'assign_agent'
          ? await assigneeRefusal(store, settings, action.agent, undefined, `${where}.${i}.agent`)
          : undefined;
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * Throws the directory's refusal of a command, if any. A requester's commands are the rules' to
 * refuse (they may not assign or reclassify), so they are not looked up here.
 */
export async function checkCommand(
  store: Store,
  settings: Settings,
  ticketId: string,
  command: TicketCommand,
  actor: Actor,
): Promise<void> {
  if (actor.role === 'requester') return;
  const ticket = async (): Promise<Pick<TicketState, 'group'> | undefined> => store.getTicket(ticketId);
  let refusal: DirectoryRefusedError | undefined;
  switch (command.type) {
    case 'take': {
      const t = await ticket();
      if (t) refusal = await assigneeRefusal(store, settings, actor.id, t.group, 'token.sub');
      break;
    }
    case 'assign': {
      const t = await ticket();
      if (t) refusal = await assigneeRefusal(store, settings, command.assignee, t.group, 'body.assignee');
      break;
    }
    case 'modify':
    case 'submit':
      refusal = groupRefusal(settings, command.fields?.group, 'body.group');
      break;
    case 'reclassify':
      refusal = groupRefusal(settings, command.group, 'body.group');
      break;
    case 'apply_macro':
      refusal = await actionsRefusal(store, settings, command.macro.actions, 'macro.actions');
      break;
    case 'split':
      refusal = command.children
        .map((c, i) => groupRefusal(settings, c.fields.group, `body.children.${i}.group`))
        .find(Boolean);
      break;
    default:
      break;
  }
  if (refusal) throw refusal;
}

/**
 * The organization whose tickets this requester may see besides their own: theirs, when it shares
 * tickets (`shareTickets`). Its tickets are those whose company is its name (set from the
 * requester's organization when a ticket is created).
 */
export async function sharedOrganization(store: Store, actor: Actor): Promise<Organization | undefined> {
  if (actor.role !== 'requester') return undefined;
  const user = await store.directory.user(actor.id);
  if (!user?.active || !user.organizationId) return undefined;
  const organization = await store.directory.organization(user.organizationId);
  return organization?.shareTickets ? organization : undefined;
}
