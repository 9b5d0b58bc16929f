// Idempotency keys of POST requests: claimed by the first request (a unique _id is the guard),
// renewed while it runs, then holding its answer for replays.
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../errors';
import type { IdempotencyDoc } from '../models';

export class IdempotencyRepository {
  constructor(private readonly keys: Model<IdempotencyDoc>) {}

  /** Claim the key for a request about to run; false when another request holds it already. */
  async claim(id: string, requestHash: string, at: number = Date.now()): Promise<boolean> {
    try {
      await this.keys.create({ _id: id, requestHash, state: 'pending', createdAt: at });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }

  async get(id: string): Promise<IdempotencyDoc | undefined> {
    return (await this.keys.findById(id).lean()) ?? undefined;
  }

  /** Free a key found expired or abandoned, unless it changed since it was read (renewed, retaken). */
  async freeIfUnchanged(id: string, createdAt: number): Promise<void> {
    await this.keys.deleteOne({ _id: id, createdAt });
  }

  /** Give the key back (the request failed with a 5xx): a retry runs again. */
  async release(id: string): Promise<void> {
    await this.keys.deleteOne({ _id: id });
  }

  /** The running request still holds its key. */
  async renew(id: string): Promise<void> {
    await this.keys.updateOne({ _id: id, state: 'pending' }, { $set: { createdAt: Date.now() } });
  }

  async remember(id: string, response: NonNullable<IdempotencyDoc['response']>): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { state: 'done', response } });
  }

  /** Keys created before the cutoff go; answers how many. */
  async purgeCreatedBefore(cutoff: number): Promise<number> {
    const { deletedCount } = await this.keys.deleteMany({ createdAt: { $lt: cutoff } });
    return deletedCount;
  }
}
