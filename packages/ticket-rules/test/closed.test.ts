// A closed ticket's run has ended, so the ticket client decides its commands with decideClosed on
// the read model's state: the same decide() as the workflow, answered the same way (the matrix in
// transitions.test.ts covers it), turned into the one store write the client carries out.
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '@helpdesk/contracts';
import type { Actor, CommandType } from '@helpdesk/contracts';
import { allowedCommands, decide, decideClosed } from '../src';
import { SAMPLE, admin, alice, ctx, rita, robot, ticket } from './fixtures';

const closed = () => ticket('closed');

describe('closed tickets', () => {
  it('a requester reclassifying their closed ticket is forbidden (403), not told it is closed, and hears what they may do', () => {
    for (const reclassifyClosed of [false, true]) {
      const r = decideClosed(closed(), { command: SAMPLE.reclassify, actor: rita }, ctx(rita, { reclassifyClosed }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.refusal).toMatchObject({ code: 'forbidden', status: 'closed', allowed: [] });
    }
  });

  it('staff reclassify a closed ticket only when the setting allows it; the write names the fields the command gave', () => {
    const refused = decideClosed(closed(), { command: SAMPLE.reclassify, actor: alice }, ctx(alice));
    expect(refused.ok ? 'ok' : [refused.refusal.code, refused.refusal.message]).toEqual([
      'closed',
      expect.stringMatching(/reclassifyClosed/),
    ]);
    expect(refused.ok ? [] : refused.refusal.allowed).toEqual([]);

    const accepted = decideClosed(
      closed(),
      { command: { type: 'reclassify', typeName: 'incident', severity: 'high' }, actor: alice },
      ctx(alice, { reclassifyClosed: true }),
    );
    expect(accepted.ok && accepted.write === 'reclassify' ? accepted.patch : undefined).toEqual({
      type: 'incident',
      severity: 'high',
    });
    expect(accepted.ok && accepted.decision.state.status).toBe('closed');
    expect(accepted.ok && accepted.decision.events.map((e) => e.type)).toEqual(['reclassified']);
  });

  it('a reclassification naming nothing, or of a deleted closed ticket, is refused as on an open ticket', () => {
    const on = ctx(admin, { reclassifyClosed: true });
    const empty = decideClosed(closed(), { command: { type: 'reclassify' }, actor: admin }, on);
    expect(empty.ok ? 'ok' : [empty.refusal.code, empty.refusal.allowed]).toEqual([
      'invalid_input',
      ['reclassify', 'purge'],
    ]);
    const deleted = decideClosed(ticket('closed', { deleted: true }), { command: SAMPLE.reclassify, actor: admin }, on);
    expect(deleted.ok ? 'ok' : deleted.refusal.code).toBe('invalid_transition');
  });

  it('only an admin purges; anyone else is forbidden and told what they may do', () => {
    const purged = decideClosed(closed(), { command: SAMPLE.purge, actor: admin }, ctx(admin));
    expect(purged.ok && purged.write).toBe('purge');
    for (const actor of [alice, rita, robot]) {
      const r = decideClosed(closed(), { command: SAMPLE.purge, actor }, ctx(actor, { reclassifyClosed: true }));
      expect(r.ok ? 'ok' : [r.refusal.code, r.refusal.allowed]).toEqual([
        'forbidden',
        actor === alice ? ['reclassify'] : [],
      ]);
    }
  });

  it("for every command and role, the answer is decide()'s, and only purge and reclassify ever reach the store", () => {
    const writes = new Set<string>();
    for (const actor of [admin, alice, rita, robot, { id: 'mallory', role: 'requester' } as Actor]) {
      for (const reclassifyClosed of [false, true]) {
        for (const type of COMMAND_TYPES) {
          const request = { command: SAMPLE[type], actor };
          const c = ctx(actor, { reclassifyClosed });
          const r = decideClosed(closed(), request, c);
          const d = decide(closed(), request, c);
          expect(r.ok, `${actor.role} ${type}`).toBe(d.ok);
          if (!r.ok && !d.ok) expect(r.refusal).toEqual({ ...d.refusal, allowed: allowedCommands(closed(), c) });
          if (r.ok) writes.add(`${actor.role}:${type}`);
        }
      }
    }
    expect([...writes].sort()).toEqual(['admin:purge', 'admin:reclassify', 'agent:reclassify']);
  });

  it('is only for closed tickets', () => {
    expect(() => decideClosed(ticket('new'), { command: SAMPLE.take, actor: alice }, ctx(alice))).toThrow(
      /not a closed ticket/,
    );
  });

  it('every other command on a closed ticket is refused as closed for whoever may send it', () => {
    const others: CommandType[] = COMMAND_TYPES.filter((t) => t !== 'purge' && t !== 'reclassify');
    for (const type of others) {
      const r = decideClosed(closed(), { command: SAMPLE[type], actor: alice }, ctx(alice));
      expect(r.ok ? 'ok' : r.refusal.code, type).toBe('closed');
    }
  });
});
