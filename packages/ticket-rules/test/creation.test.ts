// Who may create which ticket, and what a ticket submitted at once must have: the gateway asks
// creationRefusal, and createTicket fills the same defaults, so the check and the start agree.
import { describe, expect, it } from 'vitest';
import type { Actor } from '@helpdesk/contracts';
import { createTicket, creationRefusal, describeRoles, isStaff, mayDo, mayView, whoMay } from '../src';
import { admin, alice, ctx, rita, robot, settings, ticket } from './fixtures';

const full = { title: 'Printer', description: 'Jammed', requester: { id: 'rita', email: 'rita@example.com' } };

describe('creation', () => {
  it('a requester creates only for themselves and assigns no one', () => {
    expect(creationRefusal({ fields: { ...full, requester: { id: 'someone' } } }, rita, settings())?.code).toBe(
      'forbidden',
    );
    expect(creationRefusal({ fields: full, assignee: 'alice' }, rita, settings())?.code).toBe('forbidden');
    expect(creationRefusal({ fields: { title: 'Mine', description: 'Help' } }, rita, settings())).toBeUndefined();
    expect(creationRefusal({ fields: full, assignee: 'bob' }, alice, settings())).toBeUndefined();
  });

  it('a ticket submitted at once names every field it lacks, as a submit does; a draft needs none', () => {
    expect(creationRefusal({ fields: {} }, alice, settings())).toMatchObject({
      code: 'missing_fields',
      missing: ['title', 'description', 'primaryContact', 'requester'],
    });
    expect(creationRefusal({ fields: {} }, rita, settings())).toMatchObject({ missing: ['title', 'description'] });
    expect(creationRefusal({ fields: full }, robot, settings({ categories: [] }))).toMatchObject({
      missing: ['category'],
    });
    expect(creationRefusal({ fields: {}, draft: true }, alice, settings())).toBeUndefined();
  });

  it('what the check accepts starts as a submitted ticket with the same defaults', () => {
    const input = {
      ticketId: 'n1',
      reference: 'TK-1',
      actor: rita,
      channel: 'web' as const,
      draft: false,
      fields: { title: 'Mine', description: 'Help' },
      settings: settings(),
    };
    expect(creationRefusal({ fields: input.fields }, rita, settings())).toBeUndefined();
    const { state } = createTicket(input, ctx(rita));
    expect([state.status, state.requester?.id, state.primaryContact?.id, state.category]).toEqual([
      'new',
      'rita',
      'rita',
      'general',
    ]);
  });
});

describe('roles', () => {
  it('staff are admins and agents; requesters see their own tickets only', () => {
    expect([admin, alice, rita, robot].map(isStaff)).toEqual([true, true, false, false]);
    const stranger: Actor = { id: 'mallory', role: 'requester' };
    expect([alice, rita, stranger, robot].map((a) => mayView(ticket('new'), a))).toEqual([true, true, false, true]);
  });

  it('the roles the API document shows come from the same tables', () => {
    expect(describeRoles(whoMay('take'))).toBe('admin, agent, service');
    expect(describeRoles(whoMay('reply', 'customer_reply'))).toBe('admin, agent, requester (own), service');
    expect(describeRoles(whoMay('purge'))).toBe('admin');
    expect([admin, alice, rita, robot].map((a) => mayDo(a, 'restart'))).toEqual([true, false, false, false]);
    expect([admin, alice, rita, robot].map((a) => mayDo(a, 'follow_up'))).toEqual([true, true, false, false]);
    expect(
      [admin, alice, rita, robot].map((a) => [
        mayDo(a, 'read_settings'),
        mayDo(a, 'change_settings'),
        mayDo(a, 'read_reports'),
      ]),
    ).toEqual([
      [true, true, true],
      [true, false, true],
      [false, false, false],
      [false, false, false],
    ]);
  });
});
