import { z } from 'zod';
import { InvalidCursorError } from '@helpdesk/persistence';
import { ValidationError } from './errors';

/** Parse a request part with its zod schema, or answer 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw ValidationError.fromZod(result.error, where);
  return result.data;
}

/** The `cursor` query parameter of every paginated route: the `nextCursor` of a previous page. */
export const zCursor = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this API handed out')
  .describe('The nextCursor of the previous page, as it was handed out');

/**
 * Read one page of a list: a cursor the API did not hand out (well formed, but not what a page
 * ends with) is the caller's 400 naming the parameter, never a 500.
 */
export async function readPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new ValidationError([{ field: 'query.cursor', message: err.message }]);
    throw err;
  }
}
