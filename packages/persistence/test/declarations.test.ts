// The ticket is declared three times: the workflow state (contracts), the API's zod schema and the
// read model's mongoose schema. The build holds the state to the other two (contracts'
// declarations.ts, models.ts); this holds the two run-time schemas to each other, field by field.
import { afterAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { ZTicketSchema } from '@helpdesk/contracts';
import { registerModels } from '../src/models';

// No server: the models are only read for their schemas.
const connection = mongoose.createConnection();
const { Ticket } = registerModels(connection);
afterAll(() => connection.close());

/**
 * The read model's own fields, never shown over HTTP: its key, the event counter, the search words,
 * and the SLA clocks' inputs (the API shows their outcome, `sla` and `slaDueAt`), and the custom values'
 * index entries (`cf`: the API shows `custom`), the list keys (`lk`: status, breaches and the filters), and the
 * time rules that acted (bookkeeping: the timeline shows each as an `automation_acted` event).
 */
const STORED_ONLY = ['_id', 'eventSeq', 'kwPublic', 'kwAll', 'slaClock', 'cf', 'lk', 'timeRulesFired'];
/**
 * The API's own: the id, which the read model keeps as `_id`, and the commands on offer, computed
 * per caller when one ticket is answered.
 */
const API_ONLY = ['id', 'allowedCommands'];

describe('ticket declarations', () => {
  it('the read model stores every field the API shows, and the API shows every stored field but its own', () => {
    const stored = Object.keys(Ticket.schema.paths).filter((p) => !p.includes('.'));
    const shown = Object.keys(ZTicketSchema.shape);
    expect(
      stored.filter((f) => !shown.includes(f) && !STORED_ONLY.includes(f)),
      'stored, not in the API schema',
    ).toEqual([]);
    expect(
      shown.filter((f) => !stored.includes(f) && !API_ONLY.includes(f)),
      'in the API schema, not stored',
    ).toEqual([]);
  });
});
