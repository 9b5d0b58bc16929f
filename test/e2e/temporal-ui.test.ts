// What an operator sees of a ticket in the Temporal UI, read the way the UI reads it: the run's
// summary and details from describe(), its current details from the workflow's metadata query, and
// the deadline timer's name from the TimerStarted event of its history.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ticketWorkflowId } from '@helpdesk/contracts';
import { findTemporalCli } from '@helpdesk/dev-stack';
import { command, createTicket, eventually, stack, useStore, useTemporal } from '../support/api';

const store = useStore();
const temporalClient = useTemporal();

/** The query the Temporal UI sends for a running workflow's current details (the SDK answers it). */
const METADATA_QUERY = '__temporal_workflow_metadata';
interface WorkflowMetadata {
  currentDetails?: string | null;
}

const handleOf = (client: Client, ticketId: string) => client.workflow.getHandle(ticketWorkflowId(ticketId));

async function currentDetails(client: Client, ticketId: string): Promise<string> {
  const metadata = await handleOf(client, ticketId).query<WorkflowMetadata>(METADATA_QUERY);
  return metadata.currentDetails ?? '';
}

/** The Temporal CLI (the one the stack runs) against the test stack, JSON out. */
async function temporalCli<T>(...args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(findTemporalCli() ?? 'temporal', [
    ...args,
    '--address',
    stack().temporal,
    '--output',
    'json',
  ]);
  return JSON.parse(stdout) as T;
}

/** The summaries of the timers the run started, in history order. */
async function timerSummaries(client: Client, ticketId: string): Promise<string[]> {
  const history = await handleOf(client, ticketId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => {
      const summary = e.userMetadata?.summary;
      return summary ? defaultPayloadConverter.fromPayload<string>(summary) : '';
    });
}

describe('the Temporal UI', () => {
  it("names a ticket's run by reference and title, shows its status, assignee and next deadline, and names its deadline timer", async () => {
    const title = `VPN down ${Date.now()}`;
    const t = await createTicket({ title });
    const requester = t.requester as { email: string };
    const client = temporalClient();

    const description = await handleOf(client, t.id).describe();
    expect(await description.staticSummary()).toBe(`${t.reference} · ${title}`);
    const staticDetails = await description.staticDetails();
    expect(staticDetails).toContain(`Requester: ${requester.email}`);
    expect(staticDetails).toContain('Channel: web');

    // New, nobody on it, no deadline (the e2e settings have no service levels).
    expect(await currentDetails(client, t.id)).toBe(
      [`- Ticket: ${t.reference} · ${title}`, '- Status: new', '- Assignee: none', '- Next deadline: none'].join('\n'),
    );

    // Alice waits a day for more information: she takes it, and the wait's end is the next deadline.
    const waited = await command(t.id, 'wait', { waitType: 'more_info', days: 1 });
    expect([waited.status, waited.body.status, waited.body.assignee]).toEqual([200, 'waiting', 'alice']);
    const waitUntil = (await store().getTicket(t.id))?.waitUntil;
    expect(waitUntil).toBeTypeOf('number');
    const deadline = `wait over ${new Date(waitUntil ?? 0).toISOString()}`;
    expect(await currentDetails(client, t.id)).toBe(
      [
        `- Ticket: ${t.reference} · ${title}`,
        '- Status: waiting',
        '- Assignee: alice',
        `- Next deadline: ${deadline}`,
      ].join('\n'),
    );

    // The timer the workflow armed for it carries the same name.
    const summaries = await eventually(
      async () => {
        const found = await timerSummaries(client, t.id);
        return found.length > 0 ? found : undefined;
      },
      20_000,
      'the deadline timer to start',
    );
    expect(summaries.at(-1)).toBe(deadline);
  });

  it('names the runs the worker starts too (the children of a split)', async () => {
    const parent = await createTicket();
    const split = await command(parent.id, 'split', {
      children: [{ title: 'Order toner', description: 'Purchasing part' }],
    });
    expect(split.status).toBe(200);
    const [childId] = split.body.links.children as [string];
    const child = await eventually(async () => store().getTicket(childId), 20_000, `child ${childId}`);
    const description = await handleOf(temporalClient(), childId).describe();
    expect(await description.staticSummary()).toBe(`${child.reference} · Order toner`);
    expect(await description.staticDetails()).toContain('Channel: split');
  });

  it('shows the same from the shell: temporal workflow describe and temporal workflow metadata', async () => {
    const title = `Printer jammed ${Date.now()}`;
    const t = await createTicket({ title });
    const workflowId = ticketWorkflowId(t.id);
    type Described = { executionConfig?: { userMetadata?: { summary?: string; details?: string } } };
    const described = await temporalCli<Described>('workflow', 'describe', '--workflow-id', workflowId);
    expect(described.executionConfig?.userMetadata?.summary).toBe(`${t.reference} · ${title}`);
    expect(described.executionConfig?.userMetadata?.details).toContain('Channel: web');
    const metadata = await temporalCli<{ queryResult?: WorkflowMetadata[] }>(
      'workflow',
      'metadata',
      '--workflow-id',
      workflowId,
    );
    expect(metadata.queryResult?.[0]?.currentDetails).toContain('- Status: new');
  });
});
