// Data that expires does so by Temporal schedule (FerretDB v1 has no TTL indexes): suspended mail
// past its retention and day-old idempotency keys go when the housekeeping workflow runs.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import { useStore, useTemporal } from '../support/api';

const store = useStore();
const temporal = useTemporal();
// Seeding old records goes through the models' escape hatch (no service writes them this way).
const models = () => Store.modelsForTestsOnly(store());

describe('housekeeping', () => {
  it('is scheduled, and purges old suspended mail and old idempotency keys but nothing recent', async () => {
    const schedule = await temporal().schedule.getHandle('helpdesk-housekeeping-tickets').describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeepingWorkflow' });

    const day = 24 * 3_600_000;
    const base = {
      from: 'x@example.com',
      to: ['support@helpdesk.local'],
      cc: [],
      subject: 's',
      body: 'b',
      status: 'suspended' as const,
    };
    const oldId = `test:${randomUUID()}`;
    const newId = `test:${randomUUID()}`;
    await models().InboundMail.create([
      { _id: oldId, ...base, receivedAt: Date.now() - 15 * day },
      { _id: newId, ...base, receivedAt: Date.now() - 1 * day },
    ]);
    const oldKey = `test:${randomUUID()}`;
    await models().Idempotency.create({
      _id: oldKey,
      requestHash: 'h',
      state: 'done',
      createdAt: Date.now() - 2 * day,
    });

    await temporal().workflow.execute('housekeepingWorkflow', {
      taskQueue: 'tickets',
      workflowId: `housekeeping-test-${randomUUID()}`,
      args: [],
    });
    expect(await store().inboundMail.get(oldId)).toBeUndefined();
    expect(await store().inboundMail.get(newId)).toBeDefined();
    expect(await store().idempotency.get(oldKey)).toBeUndefined();
  });
});
