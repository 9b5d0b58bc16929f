// openapi-fetch answers { data } or { error }: this turns an error into a thrown ApiFailure that
// carries the API's problem (its `detail`, field `errors`, and `allowedCommands` on a refusal).
import { isProblem, problemMessage } from '@helpdesk/api-client';
import type { Problem } from '@helpdesk/api-client';

export class ApiFailure extends Error {
  constructor(
    readonly problem: Problem | undefined,
    readonly status: number,
  ) {
    super(problem ? problemMessage(problem) : `The request failed (HTTP ${status})`);
    this.name = 'ApiFailure';
  }
}

export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) throw new ApiFailure(isProblem(error) ? error : undefined, response.status);
  return data as T;
}

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : problemMessage(error, 'Something went wrong');
