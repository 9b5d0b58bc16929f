// Custom fields as rules: definitions that hold together, values that fit their kind, the fields a
// ticket lacks to be submitted or resolved (by type, active only), and patches of values; and the
// hooks in decide() and creationRefusal that refuse with `missing_fields` naming `custom.<key>`.
import { describe, expect, it } from 'vitest';
import { customIndexTokens } from '@helpdesk/contracts';
import type { CustomFieldDefinition, TicketCommand } from '@helpdesk/contracts';
import {
  allowedCommands,
  createTicket,
  creationRefusal,
  customFieldProblems,
  customValuesProblems,
  decide,
  isCustomDate,
  missingCustomFields,
  patchCustomValues,
} from '../src';
import { alice, ctx, settings, ticket } from './fixtures';

const rootCause: CustomFieldDefinition = {
  key: 'root_cause',
  label: 'Root cause',
  kind: 'dropdown',
  options: ['hardware', 'software'],
  types: ['incident'],
  requiredToResolve: true,
  active: true,
};
const asset: CustomFieldDefinition = {
  key: 'asset',
  label: 'Asset tag',
  kind: 'text',
  requiredToSubmit: true,
  active: true,
};
const defs: CustomFieldDefinition[] = [
  rootCause,
  asset,
  { key: 'cost', label: 'Cost', kind: 'number', active: true },
  { key: 'due', label: 'Due', kind: 'date', active: true },
  { key: 'vip', label: 'VIP', kind: 'checkbox', active: true },
  { key: 'areas', label: 'Areas', kind: 'multi_select', options: ['eu', 'us', 'apac'], active: true },
  { key: 'old', label: 'Old', kind: 'text', requiredToResolve: true, requiredToSubmit: true, active: false },
];

describe('definitions', () => {
  it('accept a consistent set, and name each problem: a key twice, choices without options, options elsewhere, an option twice', () => {
    expect(customFieldProblems(defs)).toEqual([]);
    expect(
      customFieldProblems([
        rootCause,
        { ...asset, key: 'root_cause' },
        { key: 'pick', label: 'Pick', kind: 'multi_select', active: true },
        { key: 'n', label: 'N', kind: 'number', options: ['1'], active: true },
        { key: 'd', label: 'D', kind: 'dropdown', options: ['a', 'b', 'a'], active: true },
      ]),
    ).toEqual([
      { field: 'customFields[1].key', message: '"root_cause" is defined twice' },
      { field: 'customFields[2].options', message: 'a multi_select field needs its options' },
      { field: 'customFields[3].options', message: 'only dropdown and multi_select fields have options' },
      { field: 'customFields[4].options', message: '"a" is listed twice' },
    ]);
  });
});

describe('values', () => {
  it('fit their kind, and each problem names its field', () => {
    expect(
      customValuesProblems(defs, {
        root_cause: 'software',
        asset: 'A-1',
        cost: 12.5,
        due: '2026-12-31',
        vip: true,
        areas: ['eu', 'us'],
        old: null,
      }),
    ).toEqual([]);
    const bad = customValuesProblems(
      defs,
      {
        root_cause: 'cosmic rays',
        asset: 3,
        cost: '12',
        due: '2026-02-30',
        vip: 'yes',
        areas: ['eu', 'mars'],
        nope: 'x',
        old: 'x',
      },
      'body.custom',
    );
    expect(bad.map((p) => p.field)).toEqual([
      'body.custom.root_cause',
      'body.custom.asset',
      'body.custom.cost',
      'body.custom.due',
      'body.custom.vip',
      'body.custom.areas',
      'body.custom.nope',
      'body.custom.old',
    ]);
    expect(bad.find((p) => p.field === 'body.custom.nope')?.message).toContain('is not a custom field');
    expect(bad.find((p) => p.field === 'body.custom.old')?.message).toContain('inactive');
    expect(customValuesProblems(defs, { areas: ['eu', 'eu'] })).toHaveLength(1);
    expect(customValuesProblems(defs, { asset: '  ' })).toHaveLength(1);
  });

  it('dates are calendar dates', () => {
    expect(['2026-01-31', '2024-02-29'].map(isCustomDate)).toEqual([true, true]);
    expect(['2026-02-29', '2026-13-01', '26-01-01', '2026-01-01T00:00:00Z'].map(isCustomDate)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('a patch sets and clears values; none left is no values at all', () => {
    expect(patchCustomValues({ a: 'x', b: 1 }, { b: null, c: true })).toEqual({ a: 'x', c: true });
    expect(patchCustomValues({ a: 'x' }, { a: null })).toBeUndefined();
    expect(patchCustomValues({ a: 'x' }, undefined)).toEqual({ a: 'x' });
  });

  it('index tokens: one per value, one per option of a multi-select', () => {
    expect(customIndexTokens({ cost: 5, vip: false, areas: ['us', 'eu'] })).toEqual([
      'areas=eu',
      'areas=us',
      'cost=5',
      'vip=false',
    ]);
    expect(customIndexTokens(undefined)).toEqual([]);
  });
});

describe('required fields', () => {
  it('apply by type and while active; an empty value is missing', () => {
    const s = settings({ customFields: defs });
    expect(missingCustomFields({ type: 'incident' }, s, 'resolve')).toEqual(['custom.root_cause']);
    expect(missingCustomFields({ type: 'question' }, s, 'resolve')).toEqual([]);
    expect(missingCustomFields({}, s, 'resolve')).toEqual([]);
    expect(missingCustomFields({ type: 'incident', custom: { root_cause: 'hardware' } }, s, 'resolve')).toEqual([]);
    expect(missingCustomFields({ custom: { asset: '' } }, s, 'submit')).toEqual(['custom.asset']);
    expect(missingCustomFields({ custom: { asset: 'A-1' } }, s, 'submit')).toEqual([]);
    // Settings from before custom fields: nothing is required.
    const { customFields: _none, ...older } = settings();
    expect(missingCustomFields({ type: 'incident' }, older, 'resolve')).toEqual([]);
  });

  const withFields = (actor = alice) => ctx(actor, { customFields: defs });
  const resolve: TicketCommand = { type: 'resolve', method: 'customer_communication' };

  it('a resolve of a ticket lacking a required-to-resolve field is refused naming it; with the value it resolves', () => {
    const incident = ticket('in_progress', { type: 'incident' });
    const refused = decide(incident, { command: resolve, actor: alice }, withFields());
    expect(refused).toMatchObject({
      ok: false,
      refusal: { code: 'missing_fields', missing: ['custom.root_cause'], status: 'in_progress' },
    });
    // Still on offer: the caller has to set the field first.
    expect(allowedCommands(incident, withFields())).toContain('resolve');
    const reply: TicketCommand = {
      type: 'reply',
      body: 'Fixed',
      visibility: 'public',
      resolve: { method: 'customer_communication' },
    };
    expect(decide(incident, { command: reply, actor: alice }, withFields())).toMatchObject({
      ok: false,
      refusal: { code: 'missing_fields', missing: ['custom.root_cause'] },
    });
    // Spam (closing at once) is not held.
    expect(decide(incident, { command: { type: 'resolve', method: 'spam' }, actor: alice }, withFields()).ok).toBe(
      true,
    );

    const set = decide(
      incident,
      { command: { type: 'modify', fields: { custom: { root_cause: 'hardware' } } }, actor: alice },
      withFields(),
    );
    if (!set.ok) throw new Error(set.refusal.message);
    expect(set.state.custom).toEqual({ root_cause: 'hardware' });
    const resolved = decide(set.state, { command: resolve, actor: alice }, withFields());
    expect(resolved.ok && resolved.state.status).toBe('resolved');
  });

  it('modify merges values and null clears one; a ticket without custom fields changes as before', () => {
    const t = ticket('in_progress', { custom: { cost: 1, vip: true } });
    const d = decide(
      t,
      { command: { type: 'modify', fields: { custom: { cost: 2, vip: null } } }, actor: alice },
      withFields(),
    );
    expect(d.ok && d.state.custom).toEqual({ cost: 2 });
    const plain = decide(
      ticket('in_progress'),
      { command: { type: 'modify', fields: { priority: 'high' } }, actor: alice },
      ctx(alice),
    );
    expect(plain.ok && 'custom' in plain.state).toBe(false);
  });

  it('required-to-submit joins the missing fields of a submit and of a creation', () => {
    const draft = ticket('draft');
    const submit = decide(draft, { command: { type: 'submit' }, actor: alice }, withFields());
    expect(submit).toMatchObject({ ok: false, refusal: { code: 'missing_fields', missing: ['custom.asset'] } });
    const ok = decide(
      draft,
      { command: { type: 'submit', fields: { custom: { asset: 'A-7' } } }, actor: alice },
      withFields(),
    );
    expect(ok.ok && [ok.state.status, ok.state.custom]).toEqual(['new', { asset: 'A-7' }]);

    const full = { title: 'Printer', description: 'Jammed', requester: { id: 'rita', email: 'rita@example.com' } };
    const s = settings({ customFields: defs });
    expect(creationRefusal({ fields: full }, alice, s)).toMatchObject({ missing: ['custom.asset'] });
    expect(creationRefusal({ fields: { ...full, custom: { asset: 'A-1', cost: null } } }, alice, s)).toBeUndefined();
    const { state } = createTicket(
      {
        ticketId: 'n1',
        reference: 'TK-1',
        actor: alice,
        channel: 'web',
        draft: false,
        fields: { ...full, custom: { asset: 'A-1', cost: null } },
        settings: s,
      },
      withFields(),
    );
    expect(state.custom).toEqual({ asset: 'A-1' });
  });
});
