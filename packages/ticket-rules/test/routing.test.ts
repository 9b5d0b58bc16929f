// Routing's pick: round robin, least open with capacity, skills, availability, re-offers.
import { describe, expect, it } from 'vitest';
import { decide, pickAgent, requiredSkills } from '../src';
import { ctx, robot, ticket } from './fixtures';
import type { RoutingAgent } from '../src';

const agent = (id: string, over: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id,
  available: true,
  openTickets: 0,
  skills: [],
  ...over,
});

/** Route `count` tickets one after another, as the queue does, counting each pick as an open ticket. */
function route(
  rule: Parameters<typeof pickAgent>[0],
  agents: RoutingAgent[],
  count: number,
  required: string[] = [],
): string[] {
  const ring = agents.map((a) => ({ ...a }));
  let pointer = 0;
  const picks: string[] = [];
  for (let i = 0; i < count; i++) {
    const pick = pickAgent(rule, ring, pointer, { required });
    if (!pick) break;
    pointer = pick.pointer;
    picks.push(pick.agent);
    const chosen = ring.find((a) => a.id === pick.agent);
    if (chosen) chosen.openTickets++;
  }
  return picks;
}

const tally = (picks: string[]) => picks.reduce<Record<string, number>>((t, p) => ({ ...t, [p]: (t[p] ?? 0) + 1 }), {});

describe('routing picks', () => {
  it('round robin goes around the ring in member order, whatever the load', () => {
    const picks = route('round_robin', [agent('a', { openTickets: 9 }), agent('b'), agent('c')], 30);
    expect(picks.slice(0, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(tally(picks)).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('round robin skips agents who are not available and resumes after the last pick', () => {
    const agents = [agent('a'), agent('b', { available: false }), agent('c')];
    expect(route('round_robin', agents, 4)).toEqual(['a', 'c', 'a', 'c']);
    expect(pickAgent('round_robin', agents, 1)).toEqual({ agent: 'c', pointer: 0 });
    expect(pickAgent('round_robin', agents, 7)).toEqual({ agent: 'c', pointer: 0 });
  });

  it('least open evens out prior load, ties by the ring from the pointer', () => {
    const picks = route('least_open', [agent('a', { openTickets: 4 }), agent('b', { openTickets: 1 }), agent('c')], 9);
    expect(picks.slice(0, 4)).toEqual(['c', 'b', 'c', 'b']);
    // 4+1, 1+4, 0+4: within one of each other.
    expect(tally(picks)).toEqual({ a: 1, b: 4, c: 4 });
  });

  it('least open respects capacity, and nobody is offered past it', () => {
    const agents = [
      agent('a', { capacity: 2 }),
      agent('b', { capacity: 3 }),
      agent('c', { openTickets: 1, capacity: 1 }),
    ];
    const picks = route('least_open', agents, 10);
    expect(tally(picks)).toEqual({ a: 2, b: 3 });
  });

  it('skills: only agents with every required skill, least open among them', () => {
    const agents = [
      agent('a', { skills: ['vpn'] }),
      agent('b'),
      agent('c', { skills: ['vpn', 'linux'], openTickets: 1 }),
    ];
    expect(tally(route('skills', agents, 5, ['vpn']))).toEqual({ a: 3, c: 2 });
    expect(route('skills', agents, 2, ['vpn', 'linux'])).toEqual(['c', 'c']);
    expect(route('skills', agents, 1, ['windows'])).toEqual([]);
    expect(tally(route('skills', agents, 3))).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('required skills come from the ticket type', () => {
    const routing = { skillsByType: { network: ['vpn'] } };
    expect(requiredSkills(routing, 'network')).toEqual(['vpn']);
    expect(requiredSkills(routing, 'billing')).toEqual([]);
    expect(requiredSkills(routing, undefined)).toEqual([]);
    expect(requiredSkills({}, 'network')).toEqual([]);
  });

  it('a re-offer goes to someone not tried yet, then to whoever was tried longest ago', () => {
    const agents = [agent('a'), agent('b'), agent('c')];
    expect(pickAgent('round_robin', agents, 0, { tried: ['a'] })?.agent).toBe('b');
    expect(pickAgent('least_open', agents, 0, { tried: ['a', 'b'] })?.agent).toBe('c');
    expect(pickAgent('round_robin', agents, 0, { tried: ['b', 'c', 'a'] })?.agent).toBe('b');
    expect(pickAgent('round_robin', [agent('a')], 0, { tried: ['a'] })?.agent).toBe('a');
  });

  it('manual, nobody available, or no members: no pick', () => {
    expect(pickAgent('manual', [agent('a')], 0)).toBeUndefined();
    expect(pickAgent('round_robin', [agent('a', { available: false })], 0)).toBeUndefined();
    expect(pickAgent('least_open', [], 0)).toBeUndefined();
  });
});

describe("an offer's assign names what it expects", () => {
  const offer = { type: 'assign', assignee: 'bob', ifUnchanged: { assignee: null } } as const;

  it('assigns a ticket still new and unassigned', () => {
    const d = decide(ticket('new'), { command: offer }, ctx(robot));
    expect(d.ok && [d.state.assignee, d.state.status]).toEqual(['bob', 'new']);
  });

  it('is refused, leaving the ticket as it was, once an agent took it or it was assigned meanwhile', () => {
    const taken = ticket('in_progress', { assignee: 'alice' });
    const d = decide(taken, { command: offer }, ctx(robot));
    expect(d.ok ? undefined : d.refusal.code).toBe('invalid_transition');
    const handed = ticket('new', { assignee: 'carol' });
    expect(decide(handed, { command: offer }, ctx(robot)).ok).toBe(false);
    expect(decide(handed, { command: { ...offer, ifUnchanged: { assignee: 'carol' } } }, ctx(robot)).ok).toBe(true);
  });
});
