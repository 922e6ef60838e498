/** Validating a new item against its type: who may create it, its visibility, its fields. */
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { AUTHOR_KINDS, VISIBILITIES, type Author, type AuthorKind, type Visibility } from '../domain/timeline';
import { RESERVED_FIELDS } from './definition-schema';
import { callHook, invalidInput } from './errors';
import type { ItemTypeTable, RegisteredItemType } from './type-table';
import type { ItemFields } from './types';

/** The argument of `validateNewItem`. */
export interface NewItemRequest {
  /** The item as submitted: `{ id?, type, visibility?, text?, …fields }`. */
  readonly input: unknown;
  /** Who the item will be recorded as written by. */
  readonly author: Author;
  /** Who is asking: the author itself, or `system` (the workflow's activities) acting for any author. */
  readonly callerKind: AuthorKind;
}

/** A new item that passed validation; the store adds `id` (when absent), `conversationId`, `seq` and `createdAt`. */
export interface ValidatedItem {
  readonly id?: string;
  readonly type: string;
  readonly visibility: Visibility;
  readonly author: Author;
  readonly text?: string;
  /** The type's own fields, as its schema parsed them. */
  readonly fields: ItemFields;
}

const envelope = z.looseObject({
  id: z.string().min(1).max(128).optional(),
  type: z.string().min(1),
  visibility: z.enum(VISIBILITIES).optional(),
});

const authorSchema = z.strictObject({ kind: z.enum(AUTHOR_KINDS), id: z.string().min(1) });

const article = (kind: AuthorKind): string => (kind === 'ai' ? 'the AI' : kind === 'system' ? 'the system' : `a ${kind}`);

/**
 * Validates a new item. Throws `AppError`: `ERR_INVALID_INPUT` (details `[{ path, message }]`),
 * `ERR_UNKNOWN_ITEM_TYPE`, `ERR_FORBIDDEN` (a visitor posting privately or a type it may not
 * create; a caller writing as someone else), or `ERR_PLUGIN_HOOK_FAILED` (the schema threw).
 */
export function validateNewItem(table: ItemTypeTable, { input, author, callerKind }: NewItemRequest): ValidatedItem {
  const base = envelope.safeParse(input);
  if (!base.success) throw invalidInput('item', base.error.issues);
  const authorCheck = authorSchema.safeParse(author);
  if (!authorCheck.success) throw invalidInput('author', authorCheck.error.issues, ['author']);
  if (callerKind !== 'system' && author.kind !== callerKind) {
    throw new AppError('ERR_FORBIDDEN', `${article(callerKind)} cannot write as ${article(author.kind)}`);
  }

  const registered = table.require(base.data.type);
  const { definition } = registered;
  if (!definition.creators.includes(author.kind)) {
    throw new AppError('ERR_FORBIDDEN', `Items of type "${definition.name}" cannot be created by ${article(author.kind)}`);
  }
  const visibility = resolveVisibility(registered, base.data.visibility, author);

  const { text, ...fields } = parseFields(registered, base.data);
  return {
    ...(base.data.id === undefined ? {} : { id: base.data.id }),
    type: definition.name,
    visibility,
    author,
    ...(typeof text === 'string' ? { text } : {}),
    fields,
  };
}

function resolveVisibility({ definition }: RegisteredItemType, asked: Visibility | undefined, author: Author): Visibility {
  if (definition.visibility === 'private' && asked === 'public') {
    throw new AppError('ERR_INVALID_INPUT', `Items of type "${definition.name}" are always private`, [
      { path: 'visibility', message: 'Must be private' },
    ]);
  }
  const visibility = definition.visibility === 'private' ? 'private' : (asked ?? 'public');
  if (visibility === 'private' && author.kind === 'visitor') {
    throw new AppError('ERR_FORBIDDEN', 'A visitor cannot create private items');
  }
  return visibility;
}

/** The type's fields (and `text`, when its schema declares it) as its schema parses them. */
export function parseFields({ plugin, definition }: RegisteredItemType, input: ItemFields): ItemFields {
  const own = Object.fromEntries(
    Object.entries(input).filter(([key]) => !(RESERVED_FIELDS as readonly string[]).includes(key)),
  );
  const result = callHook(plugin, 'schema', () => definition.schema.safeParse(own));
  if (!result.success) throw invalidInput(`${definition.name} item`, result.error.issues);
  return result.data;
}
