// Read-side queries over the ticket read model: filtered lists with stable cursor pagination, and
// the rows lifecycle reports are computed from. Only what FerretDB v1 supports: no $lookup, no
// text index (the text search is an escaped, case-insensitive regex on reference and subject).
import type { FilterQuery, Model } from 'mongoose';
import type { TicketState, TicketStatus } from '@helpdesk/contracts';
import type { TicketDoc } from './models';
import { fromDoc } from './store';

export interface TicketFilter {
  status?: TicketStatus[];
  assignee?: string;
  group?: string;
  requester?: string;
  company?: string;
  tag?: string;
  type?: string;
  severity?: string;
  channel?: string;
  followUpOf?: string;
  attention?: boolean;
  breached?: boolean;
  deleted?: boolean;
  q?: string;
}

export interface ListOptions {
  sort: 'created' | 'updated';
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this API handed out');
    this.name = 'InvalidCursorError';
  }
}

interface Cursor {
  v: number;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.v === 'number' && typeof c.id === 'string') return { v: c.v, id: c.id };
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function ticketQuery(f: TicketFilter): FilterQuery<TicketDoc> {
  const q: FilterQuery<TicketDoc> = { purged: { $ne: true }, deleted: f.deleted ?? false };
  if (f.status?.length) q.status = { $in: f.status };
  if (f.assignee) q.assignee = f.assignee;
  if (f.group) q.group = f.group;
  if (f.requester) q['requester.id'] = f.requester;
  if (f.company) q.company = f.company;
  if (f.tag) q.tags = f.tag;
  if (f.type) q.type = f.type;
  if (f.severity) q.severity = f.severity;
  if (f.channel) q.channel = f.channel;
  if (f.followUpOf) q['links.followUpOf'] = f.followUpOf;
  if (f.attention !== undefined) q.attention = f.attention;
  if (f.breached !== undefined) q['breaches.kind'] = f.breached ? { $exists: true } : { $exists: false };
  if (f.q) {
    const re = new RegExp(escapeRegex(f.q), 'i');
    q.$or = [{ reference: re }, { title: re }];
  }
  return q;
}

export async function listTickets(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: ListOptions,
): Promise<{ items: TicketState[]; nextCursor: string | null }> {
  const field = opts.sort === 'created' ? 'createdAt' : 'updatedAt';
  const dir = opts.order === 'asc' ? 1 : -1;
  const query = ticketQuery(filter);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    const beyond = dir === 1 ? '$gt' : '$lt';
    query.$and = [{ $or: [{ [field]: { [beyond]: c.v } }, { [field]: c.v, _id: { [beyond]: c.id } }] }];
  }
  const docs = await Ticket.find(query)
    .sort({ [field]: dir, _id: dir })
    .limit(opts.limit + 1)
    .lean<TicketDoc[]>();
  const page = docs.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(fromDoc),
    nextCursor: docs.length > opts.limit && last ? encodeCursor({ v: last[field], id: last._id }) : null,
  };
}

/** The fields lifecycle reports need, for tickets created in [from, to). */
export async function reportRows(Ticket: Model<TicketDoc>, from: number, to: number) {
  return Ticket.find(
    { createdAt: { $gte: from, $lt: to }, purged: { $ne: true } },
    { status: 1, type: 1, severity: 1, channel: 1, submittedAt: 1, createdAt: 1, firstPublicReplyAt: 1, resolution: 1, reopenCount: 1, links: 1 },
  ).lean<Pick<TicketDoc, '_id' | 'status' | 'type' | 'severity' | 'channel' | 'submittedAt' | 'createdAt' | 'firstPublicReplyAt' | 'resolution' | 'reopenCount' | 'links'>[]>();
}
