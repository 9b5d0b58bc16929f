// How settings change, in one place: checked across fields, stored with the next version and
// broadcast to open tickets; and the directory's groups, the home of `groups` and
// `groupCalendars`, mirrored into them. The settings route and the group routes both use it.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import {
  REFERENCE_PATTERN,
  automationSettingsProblems,
  settingsBroadcastId,
  settingsProblems,
  slaSettingsProblems,
} from '@helpdesk/contracts';
import type { Settings } from '@helpdesk/contracts';
import { DirectoryConflictError, renderReference, validateMask } from '@helpdesk/persistence';
import type { SettingsChange, Store } from '@helpdesk/persistence';
import { customFieldProblems } from '@helpdesk/ticket-client';
import { ValidationError } from './errors';
import type { FieldProblem } from './errors';

/** A mask must render references, and ones the mail collector finds in a subject's "[…]". */
function maskProblems(mask: Settings['numberingMask'] | undefined): { field: string; message: string }[] {
  if (mask === undefined) return [];
  try {
    validateMask(mask);
  } catch (err) {
    return [{ field: 'numberingMask', message: err instanceof Error ? err.message : 'is invalid' }];
  }
  const sample = renderReference(mask, new Date(), 1);
  return REFERENCE_PATTERN.test(sample)
    ? []
    : [
        {
          field: 'numberingMask',
          message: `renders references such as "${sample}": use letters, digits, _ / . - (3 to 41, starting with a letter or digit)`,
        },
      ];
}

/**
 * The one way settings change (the settings, rules and custom-field routes, and the directory
 * when its groups change): worked out from the current settings and checked across fields, then
 * stored as the next version only if no other change landed meanwhile, else worked out again
 * (Store.changeSettings), so two admins adding a rule at once keep both, across gateways too;
 * then broadcast to the open tickets. A plain patch sets the fields it names over whatever is current.
 */
export async function changeSettings(
  store: Store,
  client: Client,
  taskQueue: string,
  change: Partial<Settings> | SettingsChange,
): Promise<Settings> {
  const { settings, previous } = await store.changeSettings(async (current) => {
    const patch = typeof change === 'function' ? await change(current) : change;
    // Each field alone passed its schema; these are the rules across fields, on the result.
    const problems = [
      ...maskProblems(patch.numberingMask),
      ...settingsProblems({ ...current, ...patch }),
      ...slaSettingsProblems({ ...current, ...patch }),
      ...automationSettingsProblems({ ...current, ...patch }),
      ...(patch.customFields ? customFieldProblems(patch.customFields) : []),
    ];
    if (problems.length > 0)
      throw new ValidationError(problems.map((p) => ({ field: `body.${p.field}`, message: p.message })));
    return patch;
  });
  await client.workflow
    .start('settingsBroadcastWorkflow', {
      taskQueue,
      workflowId: settingsBroadcastId(taskQueue, settings.version),
      args: [settings, previous],
    })
    .catch((err: unknown) => {
      // This version's broadcast runs already: what it carries is this change.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  return settings;
}

/** A group's calendar must be one of the settings' business calendars. */
export function calendarProblems(settings: Settings, calendar: string | null | undefined): FieldProblem[] {
  if (!calendar || settings.businessCalendars === undefined) return [];
  return Object.hasOwn(settings.businessCalendars, calendar)
    ? []
    : [
        {
          field: 'body.calendar',
          message: `names no business calendar of the settings (${Object.keys(settings.businessCalendars).join(', ') || 'none'})`,
        },
      ];
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameMap = (a: Record<string, string>, b: Record<string, string>) =>
  sameList(Object.keys(a).sort(), Object.keys(b).sort()) && Object.entries(a).every(([k, v]) => b[k] === v);

/** What the settings must say about groups, read from the directory. */
async function groupSettingsOf(
  store: Store,
): Promise<Pick<Settings, 'groups'> & { groupCalendars: Record<string, string> }> {
  const groups = await store.directory.listGroups();
  return {
    groups: groups.map((g) => g.name),
    groupCalendars: Object.fromEntries(groups.flatMap((g) => (g.calendar ? [[g.name, g.calendar]] : []))),
  };
}

/**
 * A group that comes from the settings (named there, not created here) keeps the mailbox group
 * mail went to before the directory, until an admin gives it another email or members.
 */
const fromSettings = (name: string) => ({ name, email: `${name}@groups.helpdesk.local` });

/**
 * Groups named in the settings before the directory held any (the default `support`, or settings
 * restored from an older backup) become directory groups before the directory is read or changed,
 * so its view never drops them. Admin routes only: a few reads each time.
 */
export async function importSettingsGroups(store: Store): Promise<void> {
  const settings = await store.currentSettings();
  for (const name of settings.groups) {
    if (await store.directory.group(name)) continue;
    const calendar = settings.groupCalendars?.[name];
    await store.directory
      .createGroup({ ...fromSettings(name), ...(calendar ? { calendar } : {}) })
      .catch((err: unknown) => {
        if (!(err instanceof DirectoryConflictError)) throw err;
      });
  }
}

let syncing: Promise<unknown> = Promise.resolve();
/**
 * Mirror the directory's groups into the settings. Changes in this process are taken one at a
 * time; another gateway changing groups at once is caught by reading the directory again after
 * the write (the last writer sees the other's group and writes once more).
 */
export function syncGroupSettings(store: Store, client: Client, taskQueue: string): Promise<void> {
  const run = syncing.then(async () => {
    for (let round = 0; round < 5; round++) {
      const wanted = await groupSettingsOf(store);
      const current = await store.currentSettings();
      if (sameList(current.groups, wanted.groups) && sameMap(current.groupCalendars ?? {}, wanted.groupCalendars))
        return;
      await changeSettings(store, client, taskQueue, wanted);
    }
  });
  syncing = run.catch(() => undefined);
  return run;
}

/**
 * A settings change that names `groups` or `groupCalendars` is applied to the directory first:
 * new names become (empty) groups, calendars are set on theirs; dropping a group the directory
 * holds is refused (DELETE /v1/groups/{name} says what happens to it). The settings then take the
 * directory's view.
 */
export async function groupSettingsThroughDirectory(
  store: Store,
  patch: Partial<Settings>,
): Promise<Partial<Settings>> {
  if (patch.groups === undefined && patch.groupCalendars === undefined) return patch;
  await importSettingsGroups(store);
  // Calendars named may come in the same change.
  const settings = { ...(await store.getSettings()), ...patch };
  const existing = await store.directory.listGroups();
  const names = patch.groups ?? existing.map((g) => g.name);
  const dropped = existing.filter((g) => !names.includes(g.name));
  const problems: FieldProblem[] = [
    ...dropped.map((g) => ({
      field: 'body.groups',
      message: `leaves out ${g.name}, a group of the directory: delete it with DELETE /v1/groups/${g.name}`,
    })),
    ...Object.entries(patch.groupCalendars ?? {}).flatMap(([group, calendar]) => [
      ...(names.includes(group) ? [] : [{ field: `body.groupCalendars.${group}`, message: 'names no group' }]),
      ...calendarProblems(settings, calendar).map((p) => ({ ...p, field: `body.groupCalendars.${group}` })),
    ]),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  for (const name of names) {
    if (existing.some((g) => g.name === name)) continue;
    await store.directory.createGroup(fromSettings(name)).catch((err: unknown) => {
      if (!(err instanceof DirectoryConflictError)) throw err;
    });
  }
  if (patch.groupCalendars) {
    for (const g of await store.directory.listGroups()) {
      const calendar = patch.groupCalendars[g.name];
      if (calendar !== g.calendar) await store.directory.updateGroup(g.name, { calendar });
    }
  }
  return { ...patch, ...(await groupSettingsOf(store)) };
}
