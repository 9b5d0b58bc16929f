// Custom fields as rules: whether definitions hold together, whether values fit them, which values
// a ticket still lacks to be submitted or resolved, and how a patch of values changes a ticket's.
// Pure: the gateway checks input with it, the ticket's rules (decide.ts, create.ts) refuse with it.
import { CHOICE_KINDS, CLOSE_AT_ONCE_METHODS } from '@helpdesk/contracts/workflow';
import type {
  CustomFieldDefinition,
  CustomValue,
  CustomValues,
  CustomValuesPatch,
  EditableFields,
  ResolutionMethod,
  Settings,
  TicketState,
} from '@helpdesk/contracts/workflow';
import type { Refused } from './types';

export interface CustomFieldProblem {
  field: string;
  message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" that exists (no 2026-02-30). */
export function isCustomDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The definitions of the settings (settings stored before custom fields existed have none). */
export const customFieldsOf = (settings: Pick<Settings, 'customFields'>): CustomFieldDefinition[] =>
  settings.customFields ?? [];

/**
 * Where definitions are wrong together or alone: a key defined twice, a choice kind without
 * options, options on another kind, an option listed twice. Fields are paths under `customFields`.
 */
export function customFieldProblems(defs: CustomFieldDefinition[]): CustomFieldProblem[] {
  const problems: CustomFieldProblem[] = [];
  const seen = new Set<string>();
  defs.forEach((d, i) => {
    const at = `customFields[${i}]`;
    if (seen.has(d.key)) problems.push({ field: `${at}.key`, message: `"${d.key}" is defined twice` });
    seen.add(d.key);
    const choice = CHOICE_KINDS.includes(d.kind);
    if (choice && !(d.options && d.options.length > 0))
      problems.push({ field: `${at}.options`, message: `a ${d.kind} field needs its options` });
    if (!choice && d.options !== undefined)
      problems.push({ field: `${at}.options`, message: `only dropdown and multi_select fields have options` });
    const options = d.options ?? [];
    const twice = options.find((o, j) => options.indexOf(o) !== j);
    if (twice !== undefined) problems.push({ field: `${at}.options`, message: `"${twice}" is listed twice` });
  });
  return problems;
}

/** Why a value does not fit its definition, or undefined when it does. */
export function customValueProblem(def: CustomFieldDefinition, value: CustomValue): string | undefined {
  switch (def.kind) {
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? undefined : 'is a text field: give a non-empty string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'is a number field: give a number';
    case 'date':
      return typeof value === 'string' && isCustomDate(value)
        ? undefined
        : 'is a date field: give a date as YYYY-MM-DD';
    case 'checkbox':
      return typeof value === 'boolean' ? undefined : 'is a checkbox field: give true or false';
    case 'dropdown':
      return typeof value === 'string' && (def.options ?? []).includes(value)
        ? undefined
        : `is a dropdown field: give one of ${(def.options ?? []).join(', ')}`;
    case 'multi_select': {
      const options = def.options ?? [];
      return Array.isArray(value) && value.every((v) => options.includes(v)) && new Set(value).size === value.length
        ? undefined
        : `is a multi-select field: give a list of distinct values among ${options.join(', ')}`;
    }
  }
}

/**
 * Problems of values sent for a ticket (null clears, and is always fine for a known key): a key no
 * active definition has, or a value of the wrong kind. `where` prefixes each field (e.g. body.custom).
 */
export function customValuesProblems(
  defs: CustomFieldDefinition[],
  values: CustomValuesPatch,
  where = 'custom',
): CustomFieldProblem[] {
  const problems: CustomFieldProblem[] = [];
  for (const [key, value] of Object.entries(values)) {
    const def = defs.find((d) => d.key === key);
    const field = `${where}.${key}`;
    if (!def) problems.push({ field, message: 'is not a custom field (GET /v1/custom-fields lists them)' });
    else if (value === null) continue;
    else if (!def.active) problems.push({ field, message: 'is an inactive custom field: it takes no values' });
    else {
      const problem = customValueProblem(def, value);
      if (problem) problems.push({ field, message: problem });
    }
  }
  return problems;
}

/** Whether a field applies to a ticket of this type (no type: only fields for every type). */
export const appliesTo = (def: CustomFieldDefinition, type: string | undefined): boolean =>
  def.types === undefined || (type !== undefined && def.types.includes(type));

const isEmpty = (v: CustomValue | undefined) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The custom fields (as `custom.<key>`) a ticket lacks for this step: active, applying to its type, required for it. */
export function missingCustomFields(
  ticket: { type?: string | undefined; custom?: CustomValues | undefined },
  settings: Pick<Settings, 'customFields'>,
  step: 'submit' | 'resolve',
): string[] {
  return customFieldsOf(settings)
    .filter((d) => d.active && (step === 'submit' ? d.requiredToSubmit : d.requiredToResolve))
    .filter((d) => appliesTo(d, ticket.type) && isEmpty(ticket.custom?.[d.key]))
    .map((d) => `custom.${d.key}`);
}

/** A ticket's values after a patch: null clears a key; none left is no `custom` at all. */
export function patchCustomValues(
  current: CustomValues | undefined,
  patch: CustomValuesPatch | undefined,
): CustomValues | undefined {
  if (patch === undefined) return current;
  const next: CustomValues = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

/**
 * Fields sent to a ticket as the state patch they make: `custom` merged into the ticket's values
 * (a command without `custom` is returned as it came, so tickets without custom fields decide and
 * record exactly as before).
 */
export function withCustomValues(
  state: Pick<TicketState, 'custom'> | undefined,
  fields: EditableFields,
): Omit<EditableFields, 'custom'> & { custom?: CustomValues | undefined } {
  if (!('custom' in fields)) return fields as Omit<EditableFields, 'custom'>;
  const { custom, ...rest } = fields;
  return { ...rest, custom: patchCustomValues(state?.custom, custom) };
}

/**
 * A resolve (or a reply that resolves) refused for the custom fields the ticket lacks to be
 * resolved. Methods that close at once (spam, merged, unknown address) are not held, as with
 * `resolutionRequiresMessage`.
 */
export function customResolveRefusal(
  state: TicketState,
  method: ResolutionMethod,
  settings: Pick<Settings, 'customFields'>,
): Refused | undefined {
  if (CLOSE_AT_ONCE_METHODS.includes(method)) return undefined;
  const missing = missingCustomFields(state, settings, 'resolve');
  if (missing.length === 0) return undefined;
  return {
    ok: false,
    refusal: {
      code: 'missing_fields',
      message: `Missing before resolve: ${missing.join(', ')}`,
      status: state.status,
      missing,
    },
  };
}
