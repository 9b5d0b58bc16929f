// Custom fields: fields admins define (settings `customFields`) that tickets carry in `custom`.
// Plain types and pure functions only: bundled into workflow code, where the ticket's rules check
// required fields against the definitions of the settings the ticket has.

export const CUSTOM_FIELD_KINDS = ['text', 'number', 'date', 'dropdown', 'multi_select', 'checkbox'] as const;
export type CustomFieldKind = (typeof CUSTOM_FIELD_KINDS)[number];

/** Kinds whose values are taken from the definition's `options`. */
export const CHOICE_KINDS: readonly CustomFieldKind[] = ['dropdown', 'multi_select'];

/**
 * A key: lower-case letters, digits and `_`, starting with a letter. Safe as a store key, in a query
 * parameter (`cf.<key>`) and in the index tokens (`<key>=<value>`, so never an `=`).
 */
export const CUSTOM_FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export interface CustomFieldDefinition {
  key: string;
  label: string;
  kind: CustomFieldKind;
  /** dropdown and multi_select: the values allowed (and only those kinds have them). */
  options?: string[] | undefined;
  /** Ticket types it applies to; left out: every type (and tickets without one). */
  types?: string[] | undefined;
  /** A ticket of a type it applies to cannot be submitted without a value. */
  requiredToSubmit?: boolean | undefined;
  /** A ticket of a type it applies to cannot be resolved without a value. */
  requiredToResolve?: boolean | undefined;
  /** An inactive field takes no values and is required nowhere; values already set stay. */
  active: boolean;
}

/**
 * A value: text, dropdown → string; date → "YYYY-MM-DD"; number → number; checkbox → boolean;
 * multi_select → the chosen options.
 */
export type CustomValue = string | number | boolean | string[];
export type CustomValues = Record<string, CustomValue>;
/** What a create, modify or submit sends: values to set, null to clear one. */
export type CustomValuesPatch = Record<string, CustomValue | null>;

/**
 * The read model's index entries of a ticket's values, one `<key>=<value>` string each (one per
 * option of a multi-select), so one multikey index serves an equality filter on any field.
 */
export function customIndexTokens(custom: CustomValues | undefined): string[] {
  if (!custom) return [];
  const tokens: string[] = [];
  for (const [key, value] of Object.entries(custom)) {
    for (const v of Array.isArray(value) ? value : [value]) tokens.push(`${key}=${String(v)}`);
  }
  return [...new Set(tokens)].sort();
}
