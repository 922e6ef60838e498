import type { z } from 'zod';
import { invalidInput } from '../http-errors';

type Where = 'body' | 'query' | 'params' | 'headers' | 'payload';

/** Parses one part of a request; failures name the fields as `<where>.<path>`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error.issues, where);
  return result.data;
}

/** Parses two parts of a request; when either fails, the 400 names the failing fields of both. */
export function parseInputs<A extends z.ZodType, B extends z.ZodType>(first: [A, unknown, Where], second: [B, unknown, Where]): [z.output<A>, z.output<B>] {
  const a = first[0].safeParse(first[1] ?? {});
  const b = second[0].safeParse(second[1] ?? {});
  if (a.success && b.success) return [a.data, b.data];
  const at = (issues: z.core.$ZodIssue[], where: Where) => issues.map((issue) => ({ ...issue, path: [where, ...issue.path] }));
  throw invalidInput([...(a.success ? [] : at(a.error.issues, first[2])), ...(b.success ? [] : at(b.error.issues, second[2]))]);
}
