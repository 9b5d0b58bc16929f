// The write gate the dev stack puts in front of FerretDB (packages/dev-stack/src/write-gate.ts),
// here in front of the run's own store: a real driver's traffic passes through it whole.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { freePort, startWriteGate } from '@helpdesk/dev-stack';
import type { RunningWriteGate } from '@helpdesk/dev-stack';
import { stack } from '../support/api';

let gate: RunningWriteGate;
let client: mongoose.mongo.MongoClient;

beforeAll(async () => {
  const store = new URL(stack().mongo);
  gate = await startWriteGate({ port: await freePort(), upstreamPort: Number(store.port) });
  // directConnection: the store may advertise a replica set whose member address is its own port.
  client = await mongoose.mongo.MongoClient.connect(`mongodb://127.0.0.1:${gate.port}/?directConnection=true`);
});

afterAll(async () => {
  await client?.close();
  await gate?.close();
});

describe('a driver through the write gate', () => {
  it('writes, reads in batches, and counts 100 concurrent increments exactly', async () => {
    const db = client.db(`gate_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
    try {
      const docs = db.collection<{ _id: number; n: number }>('docs');
      await docs.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, n: 0 })));
      // A small batch size: the rest comes by getMore on the same connection.
      const read = await docs.find({}, { batchSize: 40 }).sort({ _id: 1 }).toArray();
      expect(read.map((d) => d._id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
      const counters = db.collection<{ _id: string; seq: number }>('counters');
      const drawn = await Promise.all(
        Array.from({ length: 100 }, () =>
          counters.findOneAndUpdate({ _id: 'c' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }),
        ),
      );
      expect((await counters.findOne({ _id: 'c' }))?.seq).toBe(100);
      const seqs = drawn.flatMap((d) => (d ? [d.seq] : []));
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await db.dropDatabase();
    }
  });
});
