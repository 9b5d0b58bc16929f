// Routing: which agent of a group is offered a waiting ticket, by the group's rule. Pure and
// deterministic (safe in workflow code): the group queue workflow gathers the agents and keeps the
// round-robin pointer; this only decides.
import type { GroupRouting, RoutingRule } from '@helpdesk/contracts/workflow';

/** One member of the group as routing sees it at the moment of the pick. */
export interface RoutingAgent {
  id: string;
  /** Active, staff, and `online`: only these are offered tickets. */
  available: boolean;
  /** Open tickets (new, in progress, waiting) assigned to them now. */
  openTickets: number;
  /** Most open tickets they take from routing at once; null/undefined: no limit. */
  capacity?: number | null | undefined;
  skills: readonly string[];
}

export interface RoutingPick {
  agent: string;
  /** The round-robin pointer after this pick: the ring position after the chosen agent. */
  pointer: number;
}

export interface PickOptions {
  /** Skills the ticket needs (skills rule). */
  required?: readonly string[];
  /** Agents already offered this ticket, oldest first: offered again only when nobody else can take it. */
  tried?: readonly string[];
}

/** The skills a ticket of this type needs in a group (skills rule); none when the type names none. */
export const requiredSkills = (routing: Pick<GroupRouting, 'skillsByType'>, type: string | undefined): string[] =>
  (type !== undefined ? routing.skillsByType?.[type] : undefined) ?? [];

/** Whether routing acts at all under this rule (`manual`: people assign by hand). */
export const routesAutomatically = (rule: RoutingRule): boolean => rule !== 'manual';

const underCapacity = (a: RoutingAgent): boolean =>
  a.capacity === null || a.capacity === undefined || a.openTickets < a.capacity;

/**
 * The agent to offer a ticket to, or undefined when nobody can take it now (it waits).
 * `agents` is the ring in the group's member order; `pointer` is where the ring starts this time.
 * - round_robin: the first eligible agent from the pointer on;
 * - least_open: the eligible agent with the fewest open tickets, ties broken by ring order from the pointer;
 * - skills: like least_open among the agents who have every required skill;
 * - manual: nobody.
 * Eligible: available, under their capacity, and not already tried for this ticket. When every
 * eligible agent has been tried, the ones tried longest ago come first again (never the last one
 * while someone else can take it).
 */
export function pickAgent(
  rule: RoutingRule,
  agents: readonly RoutingAgent[],
  pointer: number,
  opts: PickOptions = {},
): RoutingPick | undefined {
  if (!routesAutomatically(rule) || agents.length === 0) return undefined;
  const n = agents.length;
  const start = ((pointer % n) + n) % n;
  const required = opts.required ?? [];
  const ring = agents
    .map((agent, index) => ({ agent, index, order: (index - start + n) % n }))
    .filter(
      ({ agent }) =>
        agent.available &&
        underCapacity(agent) &&
        (rule !== 'skills' || required.every((s) => agent.skills.includes(s))),
    )
    .sort((a, b) => a.order - b.order);
  if (ring.length === 0) return undefined;
  const tried = opts.tried ?? [];
  // Untried agents first; then those tried longest ago; the last one tried only when alone.
  const fresh = ring.filter(({ agent }) => !tried.includes(agent.id));
  const pool =
    fresh.length > 0
      ? fresh
      : [...ring].sort((a, b) => tried.lastIndexOf(a.agent.id) - tried.lastIndexOf(b.agent.id) || a.order - b.order);
  let chosen = pool[0];
  if (fresh.length > 0 && rule !== 'round_robin') {
    for (const c of pool) if (c.agent.openTickets < (chosen?.agent.openTickets ?? Infinity)) chosen = c;
  }
  if (!chosen) return undefined;
  return { agent: chosen.agent.id, pointer: (chosen.index + 1) % n };
}
