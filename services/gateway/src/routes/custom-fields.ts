// /v1/custom-fields: the fields admins define for tickets (staff read them). The definitions live
// in the versioned settings (`customFields`), changed through changeSettings like any setting, so
// a ticket's rules decide submit and resolve with the definitions of the settings it has. Also
// here: checking a ticket's values against the definitions, the list filters `cf.<key>=<value>`,
// and the served OpenAPI document's description of the current fields.
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { CUSTOM_FIELD_KEY_PATTERN, ZCustomFieldSchema } from '@helpdesk/contracts';
import type { CustomFieldDefinition, CustomValuesPatch } from '@helpdesk/contracts';
import { customIndexEntry } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import {
  WHO_MAY_ALSO,
  customFieldProblems,
  customFieldsOf,
  customValuesProblems,
  describeRoles,
  mayDo,
} from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { FieldProblem } from '../errors';
import { document } from '../openapi';
import { changeSettings } from '../settings-changes';
import { parse } from '../validate';

const ZCustomFieldListSchema = z.object({ items: z.array(ZCustomFieldSchema) }).meta({ id: 'CustomFieldList' });
/** A change: every attribute but the key, which names the field for good. */
const ZCustomFieldPatchSchema = ZCustomFieldSchema.omit({ key: true }).partial().extend({
  // null drops what a field had: its options (a kind without them), its types (then: every type).
  options: ZCustomFieldSchema.shape.options.unwrap().nullable().optional(),
  types: ZCustomFieldSchema.shape.types.unwrap().nullable().optional(),
});
const ZKeySchema = z.strictObject({
  key: z.string().regex(CUSTOM_FIELD_KEY_PATTERN, 'is not a custom field key'),
});

const EXAMPLE: z.output<typeof ZCustomFieldSchema> = {
  key: 'root_cause',
  label: 'Root cause',
  kind: 'dropdown',
  options: ['hardware', 'software', 'user'],
  types: ['incident'],
  requiredToResolve: true,
  active: true,
};

document({
  method: 'get',
  path: '/v1/custom-fields',
  summary: 'The custom fields tickets carry in `custom` (kept in the settings, `customFields`)',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.read_settings),
  responses: { 200: ZCustomFieldListSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/custom-fields/:key',
  summary: 'One custom field',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.read_settings),
  responses: { 200: ZCustomFieldSchema },
  problems: [403, 404],
});
document({
  method: 'post',
  path: '/v1/custom-fields',
  summary:
    'Define a custom field (a new settings version): text, number, date, dropdown, multi_select or checkbox, for some ticket types or all, required to submit or to resolve',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.change_settings),
  body: ZCustomFieldSchema,
  example: EXAMPLE,
  responses: { 201: ZCustomFieldSchema },
  problems: [403],
});
document({
  method: 'patch',
  path: '/v1/custom-fields/:key',
  summary: 'Change a custom field (a new settings version); `active: false` retires it, keeping the values set',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.change_settings),
  body: ZCustomFieldPatchSchema,
  example: { requiredToResolve: false, options: ['hardware', 'software', 'user', 'network'] },
  responses: { 200: ZCustomFieldSchema },
  problems: [403, 404, 409],
});
document({
  method: 'delete',
  path: '/v1/custom-fields/:key',
  summary: 'Remove a custom field (a new settings version); tickets keep the values they have',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.change_settings),
  responses: { 204: undefined },
  problems: [403, 404, 409],
});

/** What is wrong with one definition alone (options for the choice kinds only), named under `body`. */
function definitionProblems(def: CustomFieldDefinition): FieldProblem[] {
  return customFieldProblems([def]).map((p) => ({ ...p, field: p.field.replace(/^customFields\[0\]/, 'body') }));
}

/** A definition as stored: without the attributes left out (no `undefined` in the settings document). */
const stored = (d: CustomFieldDefinition): CustomFieldDefinition =>
  Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as unknown as CustomFieldDefinition;

export function customFieldRoutes(store: Store, client: Client, taskQueue: string): Router {
  const router = Router();
  /**
   * A change of the definitions, worked out from the list as it is when stored (changeSettings
   * works it out again if another change landed first, through this gateway or another), so two
   * admins' changes never lose one another. The answer is the stored change's.
   */
  const change = async <T>(
    how: (defs: CustomFieldDefinition[]) => { defs: CustomFieldDefinition[]; answer: T },
  ): Promise<T> => {
    let answer!: T;
    await changeSettings(store, client, taskQueue, (current) => {
      const changed = how(customFieldsOf(current));
      answer = changed.answer;
      return { customFields: changed.defs.map(stored) };
    });
    return answer;
  };
  const mayRead = (res: Response) => {
    if (!mayDo(actorOf(res), 'read_settings')) throw new ForbiddenError('Only staff read the custom fields');
  };
  const mayChange = (res: Response) => {
    if (!mayDo(actorOf(res), 'change_settings')) throw new ForbiddenError('Only admins change the custom fields');
  };
  const find = (defs: CustomFieldDefinition[], key: string) => {
    const at = defs.findIndex((d) => d.key === key);
    if (at < 0) throw new NotFoundError(`Custom field ${key}`);
    return at;
  };

  router.get('/', async (_req, res) => {
    mayRead(res);
    res.json({ items: customFieldsOf(await store.getSettings()) });
  });

  router.get('/:key', async (req, res) => {
    mayRead(res);
    const { key } = parse(ZKeySchema, req.params, 'path');
    const defs = customFieldsOf(await store.getSettings());
    res.json(defs[find(defs, key)]);
  });

  router.post('/', async (req, res) => {
    mayChange(res);
    const def = parse(ZCustomFieldSchema, req.body);
    const problems = definitionProblems(def);
    if (problems.length > 0) throw new ValidationError(problems);
    const created = await change((defs) => {
      if (defs.some((d) => d.key === def.key))
        throw new ValidationError([{ field: 'body.key', message: `"${def.key}" is already a custom field` }]);
      return { defs: [...defs, def], answer: def };
    });
    res.status(201).location(`/v1/custom-fields/${created.key}`).json(stored(created));
  });

  router.patch('/:key', async (req, res) => {
    mayChange(res);
    const { key } = parse(ZKeySchema, req.params, 'path');
    const patch = parse(ZCustomFieldPatchSchema, req.body);
    if (Object.keys(patch).length === 0)
      throw new ValidationError([{ field: 'body', message: 'names no attribute to change' }]);
    const changed = await change((defs) => {
      const at = find(defs, key);
      const { options, types, ...rest } = patch;
      const next: CustomFieldDefinition = {
        ...defs[at],
        ...rest,
        key,
        ...(options !== undefined ? { options: options ?? undefined } : {}),
        ...(types !== undefined ? { types: types ?? undefined } : {}),
      } as CustomFieldDefinition;
      const problems = definitionProblems(next);
      if (problems.length > 0) throw new ValidationError(problems);
      return { defs: defs.map((d, i) => (i === at ? next : d)), answer: next };
    });
    res.json(stored(changed));
  });

  router.delete('/:key', async (req, res) => {
    mayChange(res);
    const { key } = parse(ZKeySchema, req.params, 'path');
    await change((defs) => {
      const at = find(defs, key);
      return { defs: defs.filter((_, i) => i !== at), answer: undefined };
    });
    res.status(204).end();
  });

  return router;
}

/**
 * The check of custom values a ticket is sent (create, modify, submit, split children): every key a
 * field, every value of its kind; else 400 naming each field. `where` is the fields' path.
 */
export const customValuesCheck =
  (store: Store) =>
  async (fields: { custom?: CustomValuesPatch | undefined; where: string }[]): Promise<void> => {
    const sent = fields.filter((f) => f.custom !== undefined && Object.keys(f.custom).length > 0);
    if (sent.length === 0) return;
    const defs = customFieldsOf(await store.getSettings());
    const problems: FieldProblem[] = sent.flatMap((f) =>
      customValuesProblems(defs, f.custom ?? {}, `${f.where}.custom`),
    );
    if (problems.length > 0) throw new ValidationError(problems);
  };

export const CUSTOM_FILTER_PREFIX = 'cf.';

/**
 * The list query split in two: `cf.<key>` parameters, as index entries (custom-index in the
 * persistence package), checked against the definitions, and the rest for the list's own schema.
 * A number is compared as its canonical form (`cf.n=5.0` finds 5), a checkbox takes true or false,
 * a date YYYY-MM-DD; a multi-select holds the option given.
 */
export async function customListFilter(
  store: Store,
  query: Record<string, unknown>,
): Promise<{ rest: Record<string, unknown>; custom?: string[] }> {
  const rest: Record<string, unknown> = {};
  const wanted: [string, unknown][] = [];
  for (const [name, value] of Object.entries(query)) {
    if (name.startsWith(CUSTOM_FILTER_PREFIX)) wanted.push([name.slice(CUSTOM_FILTER_PREFIX.length), value]);
    else rest[name] = value;
  }
  if (wanted.length === 0) return { rest };
  const defs = customFieldsOf(await store.getSettings());
  const problems: FieldProblem[] = [];
  const custom: string[] = [];
  for (const [key, raw] of wanted) {
    const field = `query.${CUSTOM_FILTER_PREFIX}${key}`;
    const def = defs.find((d) => d.key === key);
    if (!def) {
      problems.push({ field, message: 'is not a custom field (GET /v1/custom-fields lists them)' });
      continue;
    }
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) {
      problems.push({ field, message: 'takes one value (1 to 200 characters)' });
      continue;
    }
    const value = filterValue(def, raw);
    if (value === undefined) problems.push({ field, message: `is not a value of this ${def.kind} field` });
    else custom.push(customIndexEntry(key, value));
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { rest, custom };
}

/** A query value as the index keeps it, or undefined when the field cannot hold it. */
function filterValue(def: CustomFieldDefinition, raw: string): string | undefined {
  switch (def.kind) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? String(n) : undefined;
    }
    case 'checkbox':
      return raw === 'true' || raw === 'false' ? raw : undefined;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : undefined;
    case 'dropdown':
    case 'multi_select':
      return (def.options ?? []).includes(raw) ? raw : undefined;
    case 'text':
      return raw;
  }
}

type JsonSchema = Record<string, unknown>;

/** The JSON schema of one field's values. */
function valueSchema(def: CustomFieldDefinition): JsonSchema {
  const described = {
    description: `${def.label}${def.types ? ` (types: ${def.types.join(', ')})` : ''}${
      def.requiredToSubmit ? '; required to submit' : ''
    }${def.requiredToResolve ? '; required to resolve' : ''}${def.active ? '' : '; inactive'}`,
  };
  switch (def.kind) {
    case 'text':
      return { type: 'string', minLength: 1, ...described };
    case 'number':
      return { type: 'number', ...described };
    case 'date':
      return { type: 'string', format: 'date', ...described };
    case 'checkbox':
      return { type: 'boolean', ...described };
    case 'dropdown':
      return { type: 'string', enum: def.options ?? [], ...described };
    case 'multi_select':
      return { type: 'array', items: { type: 'string', enum: def.options ?? [] }, uniqueItems: true, ...described };
  }
}

/** The JSON schema of a filter value (a query parameter: text). */
function filterSchema(def: CustomFieldDefinition): JsonSchema {
  switch (def.kind) {
    case 'number':
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
    case 'checkbox':
      return { type: 'string', enum: ['true', 'false'] };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'dropdown':
    case 'multi_select':
      return { type: 'string', enum: def.options ?? [] };
    case 'text':
      return { type: 'string', minLength: 1, maxLength: 200 };
  }
}

const CUSTOM_DESCRIPTION = /^Custom field values by key/;

/**
 * The OpenAPI document with the current custom fields: every `custom` object it describes (the
 * ticket, and the bodies that write one) gets a property per field, of its kind. Request bodies
 * take active fields only (others are refused) and null to clear; tickets may show any field they
 * had a value for, so their `custom` stays open to keys no longer defined.
 */
export function withCustomFields(doc: Record<string, unknown>, defs: CustomFieldDefinition[]): Record<string, unknown> {
  if (defs.length === 0) return doc;
  const copy = structuredClone(doc);
  const visit = (node: unknown, inRequest: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inRequest);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as JsonSchema;
    const properties = obj.properties as Record<string, JsonSchema> | undefined;
    const custom = properties?.custom;
    if (properties && custom && CUSTOM_DESCRIPTION.test(String(custom.description ?? ''))) {
      properties.custom = {
        type: 'object',
        description: custom.description,
        properties: Object.fromEntries(
          defs
            .filter((d) => !inRequest || d.active)
            .map((d) => [d.key, inRequest ? { anyOf: [valueSchema(d), { type: 'null' }] } : valueSchema(d)]),
        ),
        ...(inRequest ? { additionalProperties: false } : {}),
      };
    }
    for (const [k, v] of Object.entries(obj)) visit(v, inRequest || k === 'requestBody');
  };
  visit(copy, false);
  // The lists and counts take `cf.<key>` filters, one query parameter per field.
  const paths = copy.paths as Record<string, Record<string, { parameters?: unknown[] }>> | undefined;
  for (const path of ['/v1/tickets', '/v1/tickets/count']) {
    const list = paths?.[path]?.get;
    if (!list) continue;
    list.parameters = [
      ...(list.parameters ?? []),
      ...defs.map((d) => ({
        name: `${CUSTOM_FILTER_PREFIX}${d.key}`,
        in: 'query',
        required: false,
        description: `Custom field ${d.label} (${d.kind}) equals this value${
          d.kind === 'multi_select' ? ' (a multi-select: holds this option)' : ''
        }`,
        schema: filterSchema(d),
      })),
    ];
  }
  return copy;
}

const served = new WeakMap<Record<string, unknown>, { version: number; doc: Record<string, unknown> }>();
/**
 * The document to serve now: the built one with the custom fields of the current settings, made
 * once per settings version. The store unreachable: the built one (the document is still useful).
 */
export async function withCurrentCustomFields(
  built: Record<string, unknown>,
  store: Store,
): Promise<Record<string, unknown>> {
  const settings = await store.getSettings().catch(() => undefined);
  if (!settings) return built;
  const cached = served.get(built);
  if (cached?.version === settings.version) return cached.doc;
  const doc = withCustomFields(built, customFieldsOf(settings));
  served.set(built, { version: settings.version, doc });
  return doc;
}
