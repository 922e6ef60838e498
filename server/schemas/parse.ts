import type { z } from 'zod';
import { invalidInput } from '../http-errors';

type Where = 'body' | 'query' | 'params' | 'headers' | 'payload';

/** Parses one part of a request; failures name the fields as `<where>.<path>`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error.issues, where);
  return result.data;
}

type Part = readonly [z.ZodType, unknown, Where];

/** Parses several parts of a request (path, body, headers); when any fails, the 400 names the failing fields of all. */
export function parseInputs<P extends readonly Part[]>(...parts: P): { [K in keyof P]: z.output<P[K][0]> } {
  const results = parts.map(([schema, value]) => schema.safeParse(value ?? {}));
  const issues = results.flatMap((result, i) => (result.success ? [] : result.error.issues.map((issue) => ({ ...issue, path: [parts[i]![2], ...issue.path] }))));
  if (issues.length > 0) throw invalidInput(issues);
  return results.map((result) => result.data) as { [K in keyof P]: z.output<P[K][0]> };
}
