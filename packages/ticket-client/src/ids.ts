import { createHash } from 'node:crypto';

/**
 * A UUID derived from a string: the same mail, or the same Idempotency-Key, always means the same
 * ticket id or Update id, which is what makes a redelivery or a retry act once.
 */
export function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
