// A PortalApi for component tests: canned answers, every call recorded, and a way to fire the
// live stream.
import { vi } from 'vitest';
import type { PortalApi } from '../src/api';
import { ApiError } from '../src/api';
import type { Problem, SignedInUser, Ticket, TicketEvent } from '../src/types';

export const RITA: SignedInUser = {
  id: 'u-rita',
  name: 'Rita Requester',
  email: 'rita@example.com',
  role: 'requester',
};

/** What the gateway offers a requester on their own request, by status (as its rules answer). */
const OFFERED: Record<string, string[]> = {
  resolved: ['customer_reply', 'attach', 'reopen'],
  closed: [],
  draft: ['submit', 'modify', 'delete'],
};

export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  const status = overrides.status ?? 'in_progress';
  return {
    allowedCommands: OFFERED[status] ?? ['customer_reply', 'attach'],
    id: 't-1',
    reference: 'TK-202611-00001',
    status: 'in_progress',
    title: 'Printer on fire',
    description: 'Smoke comes out of the paper tray.',
    requester: { id: RITA.id, name: RITA.name, email: RITA.email },
    awaiting: 'agent',
    links: { followUps: [] },
    createdAt: '2026-11-23T09:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    reopenCount: 0,
    revision: 3,
    ...overrides,
  };
}

export function event(seq: number, type: string, overrides: Partial<TicketEvent> = {}): TicketEvent {
  return {
    ticketId: 't-1',
    seq,
    type,
    at: `2026-11-23T09:0${seq}:00.000Z`,
    actor: { id: RITA.id, role: 'requester', name: RITA.name },
    channel: 'web',
    ...overrides,
  };
}

export const problem = (status: number, detail: string, extra: Partial<Problem> = {}): ApiError =>
  new ApiError({ status, title: 'Refused', detail, ...extra });

export type FakeApi = { [K in keyof PortalApi]: ReturnType<typeof vi.fn<PortalApi[K]>> } & {
  /** Fire the live stream for the watched ticket. */
  live(): void;
};

export function fakeApi(user: SignedInUser | null = RITA): FakeApi {
  const watchers = new Set<() => void>();
  const api: FakeApi = {
    currentUser: vi.fn<PortalApi['currentUser']>(() => user ?? undefined),
    requestLink: vi.fn<PortalApi['requestLink']>(async () => undefined),
    verifyLink: vi.fn<PortalApi['verifyLink']>(async () => RITA),
    signOut: vi.fn<PortalApi['signOut']>(async () => undefined),
    onSignedOut: vi.fn<PortalApi['onSignedOut']>(() => () => undefined),
    listRequests: vi.fn<PortalApi['listRequests']>(async () => ({ items: [], nextCursor: null })),
    getRequest: vi.fn<PortalApi['getRequest']>(async () => ticket()),
    getTimeline: vi.fn<PortalApi['getTimeline']>(async () => []),
    createRequest: vi.fn<PortalApi['createRequest']>(async () => ticket({ status: 'new' })),
    attach: vi.fn<PortalApi['attach']>(async (_id, file) => ({
      id: 'a-1',
      filename: file.name,
      contentType: file.type,
      size: file.size,
    })),
    reply: vi.fn<PortalApi['reply']>(async () => ({ ticket: ticket(), followUp: false })),
    reopen: vi.fn<PortalApi['reopen']>(async () => ticket()),
    download: vi.fn<PortalApi['download']>(async () => new Blob(['x'])),
    watch: vi.fn<PortalApi['watch']>((_id, onChange) => {
      watchers.add(onChange);
      return () => watchers.delete(onChange);
    }),
    live: () => {
      for (const w of watchers) w();
    },
  };
  return api;
}
