export class StoreUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`Cannot reach the MongoDB store at ${redact(url)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

/** Hide credentials when a URL is printed. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//***@');
}

export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
