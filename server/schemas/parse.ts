import type { z } from 'zod';
import { invalidInput } from '../http-errors';

/** Parses one part of a request; failures name the fields as `<where>.<path>`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'headers' | 'payload'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error.issues, where);
  return result.data;
}
