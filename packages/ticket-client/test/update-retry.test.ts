// An Update the server aborts because the workflow task carrying it failed (Temporal's
// WorkflowNotReady, seen when a ticket continues as new as the Update arrives) never applied: the
// client sends it again, with the same update id. Store and Temporal are stand-ins here.
import { describe, expect, it, vi } from 'vitest';
import type { Client } from '@temporalio/client';
import { DEFAULT_SETTINGS } from '@helpdesk/contracts';
import type { Actor, TicketState } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { Tickets } from '../src';
import { ticket } from '../../ticket-rules/test/fixtures';

const open: TicketState = ticket('in_progress');
const alice: Actor = { id: 'alice', role: 'agent' };

/** What the Temporal client throws: a ServiceError whose cause is the gRPC error. */
function grpcFailure(code: number, message: string): Error {
  const cause = Object.assign(new Error(`${code} ${message}`), { code, details: message, metadata: {} });
  return new Error('Workflow Update failed', { cause });
}
const aborted = () =>
  grpcFailure(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.');

function setup(failures: Error[]) {
  const store = {
    getTicket: vi.fn(async () => open),
    getSettings: vi.fn(async () => DEFAULT_SETTINGS),
  };
  const executeUpdate = vi.fn(async (_update: unknown, _opts: { updateId?: string }) => {
    const failure = failures.shift();
    if (failure) throw failure;
    return { ...open, revision: open.revision + 1 };
  });
  const client = { options: { namespace: 'default' }, workflow: { getHandle: () => ({ executeUpdate }) } };
  const tickets = new Tickets({
    client: client as unknown as Client,
    store: store as unknown as Store,
    taskQueue: 't',
  });
  return { tickets, executeUpdate };
}

const note = { type: 'reply', body: 'checked the logs', visibility: 'private_note' } as const;

describe('an Update aborted by a failed workflow task', () => {
  it('is sent again with the same update id, and the command answers', async () => {
    const { tickets, executeUpdate } = setup([aborted(), aborted()]);
    const state = await tickets.command('t1', note, alice);
    expect(state.revision).toBe(open.revision + 1);
    expect(executeUpdate).toHaveBeenCalledTimes(3);
    const ids = executeUpdate.mock.calls.map(([, opts]) => opts.updateId);
    expect(ids[0]).toBeTruthy();
    expect(new Set(ids).size).toBe(1);
  });

  it('keeps the caller’s update id (an idempotency key) across the attempts', async () => {
    const { tickets, executeUpdate } = setup([aborted()]);
    await tickets.command('t1', note, alice, { updateId: 'key-1' });
    expect(executeUpdate.mock.calls.map(([, opts]) => opts.updateId)).toEqual(['key-1', 'key-1']);
  });

  it('gives up after three more attempts, and retries no other failure', async () => {
    const persistent = setup([aborted(), aborted(), aborted(), aborted(), aborted()]);
    await expect(persistent.tickets.command('t1', note, alice)).rejects.toThrow('Workflow Update failed');
    expect(persistent.executeUpdate).toHaveBeenCalledTimes(4);
    const other = setup([grpcFailure(9, 'Workflow is busy')]);
    await expect(other.tickets.command('t1', note, alice)).rejects.toThrow('Workflow Update failed');
    expect(other.executeUpdate).toHaveBeenCalledTimes(1);
  });
});
