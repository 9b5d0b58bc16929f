// The directory: the people who use the helpdesk, the groups (queues) agents work in, and the
// organizations requesters belong to. Its home is the store (packages/persistence, `store.directory`);
// tickets name users by id and groups by name.

/** Roles a person can hold. Services are not people: they use API keys. */
export const USER_ROLES = ['admin', 'agent', 'requester'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Whether an agent takes new work now; routing offers tickets only to `online` agents. */
export const AVAILABILITIES = ['online', 'away', 'offline'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** How a group hands its new tickets to its members. */
export const ROUTING_RULES = ['manual', 'round_robin', 'least_open', 'skills'] as const;
export type RoutingRule = (typeof ROUTING_RULES)[number];

export interface DirectoryUser {
  /** Stable id, the `sub` of the user's tokens and what tickets store as assignee/requester id. */
  id: string;
  name: string;
  /** Lower-cased; unique across the directory. */
  email: string;
  role: UserRole;
  locale: string;
  /** IANA zone, e.g. "Europe/Paris". */
  timeZone: string;
  active: boolean;
  /** Requesters: the organization their email domain placed them in (or an admin did). */
  organizationId?: string | undefined;
  /** Agents: what routing's skills rule matches against. */
  skills: string[];
  /** Agents: open tickets they may hold at once for the least-open rule (null: no limit). */
  capacity?: number | null | undefined;
  availability: Availability;
  /** Agents: what their replies end with in the requester's mail (after their name). */
  signature?: string | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface GroupRouting {
  rule: RoutingRule;
  /** An offered ticket not taken within this goes to the next agent. */
  offerTimeoutMinutes: number;
  /** Skills rule: skills a ticket needs, by ticket type. */
  skillsByType?: Record<string, string[]> | undefined;
}

export interface DirectoryGroup {
  /** The group's name, as tickets carry it. */
  name: string;
  email?: string | undefined;
  /** User ids of the agents (and admins) in the group. */
  members: string[];
  /** Name of a business calendar in the settings (`businessCalendars`). */
  calendar?: string | undefined;
  routing: GroupRouting;
  createdAt: number;
  updatedAt: number;
}

export interface Organization {
  id: string;
  name: string;
  /** Lower-cased email domains whose new requesters join this organization. */
  domains: string[];
  /** Members may see each other's tickets. */
  shareTickets: boolean;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_ROUTING: GroupRouting = { rule: 'manual', offerTimeoutMinutes: 15 };

/** The domain of an address, lower-cased; undefined when it is not an address. */
export const emailDomain = (email: string): string | undefined => {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).toLowerCase() : undefined;
};
