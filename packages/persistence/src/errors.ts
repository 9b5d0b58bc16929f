export class StoreUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach the MongoDB store at ${redact(url)}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A settings change worked out from a version that is no longer the current one, again and again
 * (others kept changing them): nothing was written.
 */
export class SettingsConflictError extends Error {
  constructor(readonly basedOn: number) {
    super(
      `The settings changed while this change was being made (it was based on version ${basedOn}); nothing was written`,
    );
    this.name = 'SettingsConflictError';
  }
}

/** Hide credentials when a URL is printed. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//***@');
}

export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;

/** A bulk write whose every failed write hit a unique index (each document is already there). */
export const onlyDuplicateKeys = (err: unknown): boolean => {
  if (typeof err !== 'object' || err === null) return false;
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 ? list.every(isDuplicateKey) : isDuplicateKey(err);
};
