// The directory: users, groups and organizations. Emails are stored lower-cased and are unique (the
// index is the guard, so two first contacts from one address at once make one requester).
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { DEFAULT_ROUTING, emailDomain } from '@helpdesk/contracts';
import type { DirectoryGroup, DirectoryUser, Organization, UserRole } from '@helpdesk/contracts';
import { isDuplicateKey } from '../errors';
import type { GroupDoc, OrganizationDoc, UserDoc } from '../models';

/** A user, group or organization with that key (or that email) exists already. */
export class DirectoryConflictError extends Error {
  constructor(
    readonly what: 'user' | 'group' | 'organization',
    readonly key: string,
  ) {
    super(`A ${what} with ${key} already exists`);
    this.name = 'DirectoryConflictError';
  }
}

export type NewUser = Pick<DirectoryUser, 'name' | 'email' | 'role'> &
  Partial<Omit<DirectoryUser, 'name' | 'email' | 'role' | 'createdAt' | 'updatedAt'>>;
export type UserPatch = Partial<Omit<DirectoryUser, 'id' | 'createdAt' | 'updatedAt'>>;
export type NewGroup = Pick<DirectoryGroup, 'name'> & Partial<Omit<DirectoryGroup, 'name' | 'createdAt' | 'updatedAt'>>;
export type GroupPatch = Partial<Omit<DirectoryGroup, 'name' | 'createdAt' | 'updatedAt'>>;
export type NewOrganization = Pick<Organization, 'name'> &
  Partial<Omit<Organization, 'name' | 'createdAt' | 'updatedAt'>>;
export type OrganizationPatch = Partial<Omit<Organization, 'id' | 'createdAt' | 'updatedAt'>>;

export interface UserFilter {
  role?: UserRole | undefined;
  active?: boolean | undefined;
  organizationId?: string | undefined;
  /** Ids listed: at most this many (the directory of a helpdesk is small; callers page by name). */
  ids?: string[] | undefined;
  /** Members of this group. */
  group?: string | undefined;
  /** Roles listed (any of them). */
  roles?: UserRole[] | undefined;
}

const normalEmail = (email: string) => email.trim().toLowerCase();

/** A patch as an update: a field given as undefined is cleared (an organization left, a calendar removed). */
function setOrUnset(patch: Record<string, unknown>): { $set: Record<string, unknown>; $unset?: Record<string, ''> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) $unset[key] = '';
    else $set[key] = value;
  }
  return Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
}
const userOf = ({ _id, ...rest }: UserDoc): DirectoryUser => ({ id: _id, ...rest });
const groupOf = ({ _id, ...rest }: GroupDoc): DirectoryGroup => ({ name: _id, ...rest });
const organizationOf = ({ _id, ...rest }: OrganizationDoc): Organization => ({ id: _id, ...rest });

export class DirectoryRepository {
  constructor(
    private readonly users: Model<UserDoc>,
    private readonly groups: Model<GroupDoc>,
    private readonly organizations: Model<OrganizationDoc>,
  ) {}

  // ---- users

  async createUser(input: NewUser, now = Date.now()): Promise<DirectoryUser> {
    const email = normalEmail(input.email);
    const doc: UserDoc = {
      _id: input.id ?? `u-${randomUUID()}`,
      name: input.name,
      email,
      role: input.role,
      locale: input.locale ?? 'en',
      timeZone: input.timeZone ?? 'UTC',
      active: input.active ?? true,
      organizationId: input.organizationId ?? (await this.organizationForEmail(email))?.id,
      skills: input.skills ?? [],
      capacity: input.capacity ?? null,
      availability: input.availability ?? (input.role === 'requester' ? 'offline' : 'online'),
      ...(input.signature ? { signature: input.signature } : {}),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.users.create(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const byId = await this.users.exists({ _id: doc._id });
      throw new DirectoryConflictError('user', byId ? `id ${doc._id}` : `email ${email}`);
    }
    return userOf(doc);
  }

  async user(id: string): Promise<DirectoryUser | undefined> {
    const doc = await this.users.findById(id).lean<UserDoc>();
    return doc ? userOf(doc) : undefined;
  }

  async userByEmail(email: string): Promise<DirectoryUser | undefined> {
    const doc = await this.users.findOne({ email: normalEmail(email) }).lean<UserDoc>();
    return doc ? userOf(doc) : undefined;
  }

  async listUsers(filter: UserFilter = {}, limit = 500): Promise<DirectoryUser[]> {
    const query: Record<string, unknown> = {};
    if (filter.role) query.role = filter.role;
    if (filter.active !== undefined) query.active = filter.active;
    if (filter.organizationId) query.organizationId = filter.organizationId;
    if (filter.ids) query._id = { $in: filter.ids };
    if (filter.roles) query.role = { $in: filter.roles };
    if (filter.group !== undefined) {
      const group = await this.group(filter.group);
      query._id = { $in: (group?.members ?? []).filter((m) => !filter.ids || filter.ids.includes(m)) };
    }
    const docs = await this.users.find(query).sort({ name: 1, _id: 1 }).limit(limit).lean<UserDoc[]>();
    return docs.map(userOf);
  }

  /** Apply a change; undefined when there is no such user. A changed email must stay unique. */
  async updateUser(id: string, patch: UserPatch, now = Date.now()): Promise<DirectoryUser | undefined> {
    const update = setOrUnset({
      ...patch,
      ...(patch.email !== undefined ? { email: normalEmail(patch.email) } : {}),
      updatedAt: now,
    });
    const set = update.$set;
    try {
      const doc = await this.users.findOneAndUpdate({ _id: id }, update, { new: true }).lean<UserDoc>();
      return doc ? userOf(doc) : undefined;
    } catch (err) {
      if (isDuplicateKey(err)) throw new DirectoryConflictError('user', `email ${String(set.email)}`);
      throw err;
    }
  }

  /**
   * The requester with this address, created on first contact (placed in the organization that
   * owns the address's domain). Two first contacts at once make one: the unique email decides.
   */
  async ensureRequester(
    person: { email: string; name?: string | undefined; id?: string | undefined },
    now = Date.now(),
  ): Promise<DirectoryUser> {
    const found = await this.userByEmail(person.email);
    if (found) return found;
    const name = person.name || person.email;
    // The caller's id when it is free (a token's sub, an API caller's own id), else a new one.
    for (const id of person.id ? [person.id, undefined] : [undefined]) {
      try {
        return await this.createUser({ email: person.email, name, role: 'requester', ...(id ? { id } : {}) }, now);
      } catch (err) {
        if (!(err instanceof DirectoryConflictError)) throw err;
        const winner = await this.userByEmail(person.email);
        if (winner) return winner;
        // The id belongs to someone with another address: try again with a fresh id.
        if (!err.key.startsWith('id ')) throw err;
      }
    }
    throw new DirectoryConflictError('user', `email ${normalEmail(person.email)}`);
  }

  // ---- groups

  async createGroup(input: NewGroup, now = Date.now()): Promise<DirectoryGroup> {
    const doc: GroupDoc = {
      _id: input.name,
      email: input.email,
      members: input.members ?? [],
      calendar: input.calendar,
      routing: input.routing ?? DEFAULT_ROUTING,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.groups.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new DirectoryConflictError('group', `name ${input.name}`);
      throw err;
    }
    return groupOf(doc);
  }

  async group(name: string): Promise<DirectoryGroup | undefined> {
    const doc = await this.groups.findById(name).lean<GroupDoc>();
    return doc ? groupOf(doc) : undefined;
  }

  async listGroups(): Promise<DirectoryGroup[]> {
    const docs = await this.groups.find({}).sort({ _id: 1 }).lean<GroupDoc[]>();
    return docs.map(groupOf);
  }

  /** The groups a user is a member of. */
  async groupsOf(userId: string): Promise<DirectoryGroup[]> {
    const docs = await this.groups.find({ members: userId }).sort({ _id: 1 }).lean<GroupDoc[]>();
    return docs.map(groupOf);
  }

  async updateGroup(name: string, patch: GroupPatch, now = Date.now()): Promise<DirectoryGroup | undefined> {
    const doc = await this.groups
      .findOneAndUpdate({ _id: name }, setOrUnset({ ...patch, updatedAt: now }), { new: true })
      .lean<GroupDoc>();
    return doc ? groupOf(doc) : undefined;
  }

  async deleteGroup(name: string): Promise<boolean> {
    const { deletedCount } = await this.groups.deleteOne({ _id: name });
    return deletedCount > 0;
  }

  // ---- organizations

  async createOrganization(input: NewOrganization, now = Date.now()): Promise<Organization> {
    const doc: OrganizationDoc = {
      _id: input.id ?? `org-${randomUUID()}`,
      name: input.name,
      domains: (input.domains ?? []).map((d) => d.toLowerCase()),
      shareTickets: input.shareTickets ?? false,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.organizations.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new DirectoryConflictError('organization', `id ${doc._id}`);
      throw err;
    }
    return organizationOf(doc);
  }

  async organization(id: string): Promise<Organization | undefined> {
    const doc = await this.organizations.findById(id).lean<OrganizationDoc>();
    return doc ? organizationOf(doc) : undefined;
  }

  async listOrganizations(): Promise<Organization[]> {
    const docs = await this.organizations.find({}).sort({ name: 1, _id: 1 }).lean<OrganizationDoc[]>();
    return docs.map(organizationOf);
  }

  async updateOrganization(id: string, patch: OrganizationPatch, now = Date.now()): Promise<Organization | undefined> {
    const set: Record<string, unknown> = { ...patch, updatedAt: now };
    if (patch.domains) set.domains = patch.domains.map((d) => d.toLowerCase());
    const doc = await this.organizations
      .findOneAndUpdate({ _id: id }, setOrUnset(set), { new: true })
      .lean<OrganizationDoc>();
    return doc ? organizationOf(doc) : undefined;
  }

  async deleteOrganization(id: string): Promise<boolean> {
    const { deletedCount } = await this.organizations.deleteOne({ _id: id });
    return deletedCount > 0;
  }

  /** An organization with this name (names are shown as a ticket's company, so they are kept unique). */
  async organizationByName(name: string): Promise<Organization | undefined> {
    const doc = await this.organizations.findOne({ name }).lean<OrganizationDoc>();
    return doc ? organizationOf(doc) : undefined;
  }

  /** Organizations that already own any of these domains. */
  async organizationsWithDomains(domains: string[]): Promise<Organization[]> {
    if (domains.length === 0) return [];
    const docs = await this.organizations
      .find({ domains: { $in: domains.map((d) => d.toLowerCase()) } })
      .lean<OrganizationDoc[]>();
    return docs.map(organizationOf);
  }

  /** The organization that owns the address's domain, if any. */
  async organizationForEmail(email: string): Promise<Organization | undefined> {
    const domain = emailDomain(email);
    if (!domain) return undefined;
    const doc = await this.organizations.findOne({ domains: domain }).lean<OrganizationDoc>();
    return doc ? organizationOf(doc) : undefined;
  }
}
