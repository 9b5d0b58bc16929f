// The API answers errors as application/problem+json (RFC 9457): `detail` says what went wrong,
// `errors` names each invalid field, and a refused command adds `currentStatus` and `allowedCommands`.
import type { components } from './generated/api';

export type Problem = components['schemas']['Problem'];

/** Whether an error body is a problem document. */
export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/** What to tell a person about a failed call: the problem's detail, else a plain fallback. */
export function problemMessage(error: unknown, fallback = 'The request failed'): string {
  if (isProblem(error)) return error.detail ?? error.title;
  if (error instanceof Error) return error.message;
  return fallback;
}

/** The field errors of a problem (400 invalid_request, 422 missing_fields), as `field: message` lines. */
export function problemFieldErrors(error: unknown): { field: string; message: string }[] {
  if (!isProblem(error) || !Array.isArray(error.errors)) return [];
  return error.errors;
}

/** Thrown by the session helpers when a call answers with a problem. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem | undefined,
    readonly status: number,
  ) {
    super(problem ? problemMessage(problem) : `HTTP ${status}`);
    this.name = 'ProblemError';
  }
}
