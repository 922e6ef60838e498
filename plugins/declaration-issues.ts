/**
 * What is wrong with a plugin's declaration, in the start-up message: each issue's path with the
 * item type it is in, and for a key the definition does not have (a misspelt hook), the one it
 * likely meant.
 */
import { z } from 'zod';
import { didYouMean } from './nearest-name';

/** `item type "acme.order_status" (itemTypes.0.schema): …; …` */
export function describeIssues(schema: z.ZodType, declaration: unknown, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const what =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => `unknown key "${key}"${didYouMean(key, keysAt(schema, issue.path))}`).join(', ')
          : issue.message;
      return `${placeOf(declaration, issue.path)}: ${what}`;
    })
    .join('; ');
}

/** The issue's path, led by the item type it is in when that has a name (`name` in a workflow part, `type` in an activity part). */
function placeOf(declaration: unknown, path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.') || '(plugin)';
  const [list, index] = path;
  const entry: unknown = list === 'itemTypes' && typeof index === 'number' ? (declaration as { itemTypes?: unknown[] })?.itemTypes?.[index] : undefined;
  const name = (entry as { name?: unknown; type?: unknown } | undefined)?.name ?? (entry as { type?: unknown } | undefined)?.type;
  return typeof name === 'string' ? `item type "${name}" (${dotted})` : dotted;
}

/** The keys of the object `schema` declares at `path` (none when it is no object). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const unwrap = (at: unknown): unknown => (at instanceof z.ZodOptional ? at.unwrap() : at);
  let at: unknown = schema;
  for (const segment of path) {
    at = unwrap(at);
    if (at instanceof z.ZodArray) at = at.element;
    else if (at instanceof z.ZodRecord) at = at.valueType;
    else if (at instanceof z.ZodObject) at = at.shape[String(segment)];
    else return [];
  }
  at = unwrap(at);
  return at instanceof z.ZodObject ? Object.keys(at.shape) : [];
}
