// A closed ticket's run has ended: the client asks the rules (decideClosed) on the read model's
// state and only carries out the write they name. Store and Temporal are stand-ins here.
import { describe, expect, it, vi } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { DEFAULT_SETTINGS } from '@helpdesk/contracts';
import type { Actor, Settings, TicketState } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { TicketRefusedError, Tickets } from '../src';
import { ticket } from '../../ticket-rules/test/fixtures';

// The rules' own fixture: a closed ticket of requester rita.
const closed: TicketState = ticket('closed');

function setup(over: Partial<Settings> = {}) {
  const store = {
    getTicket: vi.fn(async () => closed),
    // billing is a group of the directory (settings.groups mirrors it), alice an active agent.
    getSettings: vi.fn(async () => ({ ...DEFAULT_SETTINGS, groups: ['support', 'billing'], ...over })),
    directory: {
      user: vi.fn(async (id: string) => ({ id, role: 'agent', active: true })),
      group: vi.fn(async () => undefined),
    },
    reclassifyClosed: vi.fn(async (_id: string, patch: Partial<TicketState>) => ({ ...closed, ...patch, revision: 6 })),
    purgeTicket: vi.fn(async () => undefined),
  };
  // The ticket's run has ended: every Update finds no workflow, as Temporal answers then.
  const gone = () => Promise.reject(new WorkflowNotFoundError('workflow not found', 'ticket-t1', undefined));
  const client = {
    options: { namespace: 'default' },
    workflow: { getHandle: () => ({ executeUpdate: gone, result: () => Promise.resolve() }) },
    workflowService: { deleteWorkflowExecution: vi.fn(async () => ({})) },
  };
  const tickets = new Tickets({
    client: client as unknown as Client,
    store: store as unknown as Store,
    taskQueue: 'tickets',
  });
  return { tickets, store };
}

const rita: Actor = { id: 'rita', role: 'requester' };
const alice: Actor = { id: 'alice', role: 'agent' };
const root: Actor = { id: 'root', role: 'admin' };

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => (err instanceof TicketRefusedError ? err.refusal : err),
  );

describe('commands on a closed ticket', () => {
  it('a requester reclassifying their closed ticket is forbidden, as the rules say, with what they may do; nothing is written', async () => {
    const { tickets, store } = setup({ reclassifyClosed: true });
    const refusal = await refusalOf(tickets.command('t1', { type: 'reclassify', group: 'billing' }, rita));
    expect(refusal).toMatchObject({ code: 'forbidden', status: 'closed', allowed: [] });
    expect(store.reclassifyClosed).not.toHaveBeenCalled();
  });

  it('staff reclassify when the setting allows it: the store gets the patch the rules decided', async () => {
    const off = setup();
    expect(await refusalOf(off.tickets.command('t1', { type: 'reclassify', group: 'billing' }, alice))).toMatchObject({
      code: 'closed',
      allowed: [],
    });
    const on = setup({ reclassifyClosed: true });
    const ticket = await on.tickets.command('t1', { type: 'reclassify', group: 'billing' }, alice);
    expect(on.store.reclassifyClosed).toHaveBeenCalledWith('t1', { group: 'billing' }, alice, expect.any(Number));
    expect(ticket.group).toBe('billing');
  });

  it('only an admin purges, and then the ticket goes from the store', async () => {
    const { tickets, store } = setup();
    expect(await refusalOf(tickets.command('t1', { type: 'purge' }, alice))).toMatchObject({
      code: 'forbidden',
      allowed: [],
    });
    expect(store.purgeTicket).not.toHaveBeenCalled();
    await tickets.command('t1', { type: 'purge' }, root);
    expect(store.purgeTicket).toHaveBeenCalledWith('t1');
  });

  it('anything else is refused as closed, with the hint of a follow-up in its message', async () => {
    const { tickets } = setup();
    expect(await refusalOf(tickets.command('t1', { type: 'take' }, alice))).toMatchObject({
      code: 'closed',
      message: expect.stringMatching(/follow-up/),
    });
  });
});
