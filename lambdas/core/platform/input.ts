import type { z } from 'zod';
import { ValidationFailed } from './errors';

/** Parses untrusted input with a zod schema; every problem becomes one readable `issues` line. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationFailed(
      parsed.error.issues.map((issue) => `${[what, ...issue.path].join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}
