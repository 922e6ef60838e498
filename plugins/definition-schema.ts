/**
 * Zod schemas of what plugins declare, checked at start-up. Objects are strict, so a misspelt or
 * unknown hook is an error rather than a hook that silently never runs.
 */
import { z } from 'zod';
import { CONVERSATION_STATUSES } from '../domain/conversation';
import { AUTHOR_KINDS, STORE_ITEM_FIELDS, VISIBILITIES } from '../domain/timeline';

/** Item type names: lowercase words of `a-z0-9_`, dots between namespaces (`acme.order_status`). */
export const ITEM_TYPE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Types the framework itself defines (plugins/builtin); no other plugin may take these names. */
export const BUILTIN_ITEM_TYPES = ['message', 'note', 'event'] as const;

/** Base item fields, owned by the registry and the store: a payload schema may not declare them. */
export const RESERVED_FIELDS = ['id', 'conversationId', 'seq', 'type', 'visibility', 'author', 'createdAt', 'fields', ...STORE_ITEM_FIELDS] as const;

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'Expected a function');

const payloadSchema = z
  .custom<z.ZodObject>((value) => value instanceof z.ZodObject, 'Expected a zod object schema (z.object({...}))')
  .refine((schema) => !RESERVED_FIELDS.some((field) => field in schema.shape), {
    message: `Must not declare base fields (${RESERVED_FIELDS.join(', ')})`,
  });

const creators = z.array(z.enum(AUTHOR_KINDS)).min(1);

const itemAction = z.strictObject({
  answeredBy: creators,
  schema: z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'Expected a zod schema'),
  reduceAnswer: fn,
});

const itemType = z
  .strictObject({
    name: z.string().max(64).regex(ITEM_TYPE_NAME, 'Lowercase words of a-z, 0-9 and _, separated by dots'),
    schema: payloadSchema,
    visibility: z.enum(VISIBILITIES),
    creators,
    acceptedWhile: z.array(z.enum(CONVERSATION_STATUSES)).min(1).optional(),
    reduceSummary: fn,
    reduceArrival: fn.optional(),
    actions: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), itemAction).optional(),
  })
  .refine((type) => type.visibility === 'public' || !type.creators.includes('visitor'), {
    path: ['creators'],
    message: 'A private type cannot be created by visitors',
  });

/** A plugin's workflow part. */
export const pluginSchema = z.strictObject({
  name: z.string().max(64).regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/, 'Lowercase words of a-z, 0-9, _ and -, separated by dots'),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9a-z.-]+)?$/i, 'Expected a semantic version (1.2.3)'),
  itemTypes: z.array(itemType).min(1),
});

/** A plugin's activity part. */
export const pluginEffectsSchema = z.strictObject({
  plugin: z.string(),
  itemTypes: z.array(z.strictObject({ type: z.string(), onItemCreated: fn })),
});
