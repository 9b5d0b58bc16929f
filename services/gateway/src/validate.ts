import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parse a request part with its zod schema, or answer 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw ValidationError.fromZod(result.error, where);
  return result.data;
}
