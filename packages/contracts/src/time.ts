// Time in milliseconds, in one place. Settings keep the spec's units (hours, days, fractions
// allowed); code converts with these, never with literals of its own.
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How long the gateway keeps an Idempotency-Key's answer; housekeeping drops older keys. */
export const IDEMPOTENCY_KEY_TTL_MS = DAY_MS;
