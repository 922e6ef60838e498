/** Answers to interactive items: validated by the type's action, recorded as a new item. */
import { AppError } from '../domain/errors';
import type { Author, TimelineItem } from '../domain/timeline';
import { RESERVED_FIELDS } from './definition-schema';
import { callHook, hookError, invalidInput } from './errors';
import { toItemArrival } from './item-view';
import type { ItemTypeTable, RegisteredItemType } from './type-table';
import type { ItemFields } from './types';
import { parseFields, validateNewItem, type ValidatedItem } from './validation';
import { isVisibleTo } from './visibility';

/** The argument of `answerAction`. */
export interface AnswerRequest {
  /** The interactive item, as stored. */
  readonly item: TimelineItem;
  readonly actionId: string;
  readonly answer: unknown;
  /** Who answers; the reply item is recorded as theirs. */
  readonly author: Author;
}

/** The item recording the answer, and the fields to set on the interactive item (already validated). */
export interface AnswerResult {
  readonly reply: ValidatedItem;
  readonly patch?: ItemFields;
}

/**
 * An item stored before its type's rules were tightened (a quick reply's label with a control
 * character, say) cannot be answered: its reply or its patch would now be refused, and that is not
 * the plugin's fault, nor the answerer's. `ERR_CONFLICT`, saying what of the item is at fault.
 */
function requireCurrentFields(registered: RegisteredItemType, fields: ItemFields, itemId: string): void {
  try {
    parseFields(registered, fields);
  } catch (thrown) {
    if (!(thrown instanceof AppError) || thrown.code !== 'ERR_INVALID_INPUT') throw thrown;
    throw new AppError('ERR_CONFLICT', `Item ${itemId} can no longer be answered: it was stored before today's rules for its type (${thrown.message})`);
  }
}

/**
 * Validates an answer to one of an item's actions and turns it into a new item (plus a patch of the
 * interactive item). Throws `AppError`: `ERR_INVALID_INPUT` (unknown action, answer failing its
 * schema, or rejected by the plugin), `ERR_FORBIDDEN` (this author may not answer), `ERR_CONFLICT`
 * (the item, stored before its type's rules changed, fails them now; or the plugin's own), or
 * `ERR_PLUGIN_HOOK_FAILED` (the hook threw, or returned an invalid reply or patch).
 */
export function answerAction(table: ItemTypeTable, { item, actionId, answer, author }: AnswerRequest): AnswerResult {
  const registered = table.require(item.type);
  const { plugin, definition } = registered;
  const action = Object.hasOwn(definition.actions ?? {}, actionId) ? definition.actions?.[actionId] : undefined;
  if (!action) {
    throw new AppError('ERR_INVALID_INPUT', `Items of type "${item.type}" have no action "${actionId}"`, [
      { path: 'actionId', message: 'Unknown action' },
    ]);
  }
  if (!action.answeredBy.includes(author.kind) || (author.kind === 'visitor' && !isVisibleTo(table, item, 'visitor'))) {
    throw new AppError('ERR_FORBIDDEN', `A ${author.kind} cannot answer "${actionId}" on a "${item.type}" item`);
  }
  const parsed = callHook(plugin, 'schema', () => action.schema.safeParse(answer));
  if (!parsed.success) throw invalidInput('answer', parsed.error.issues, ['answer']);

  const arrival = toItemArrival(item);
  requireCurrentFields(registered, arrival.fields, item.id);
  const outcome = callHook(plugin, 'reduceAnswer', () => action.reduceAnswer({ item: arrival, answer: parsed.data, author }));
  try {
    const reply = validateNewItem(table, { input: outcome.reply, author, callerKind: author.kind });
    if (!outcome.patch) return { reply };
    const reserved = Object.keys(outcome.patch).filter((key) => (RESERVED_FIELDS as readonly string[]).includes(key));
    if (reserved.length > 0) throw new Error(`a patch changes the type's own fields, not ${reserved.join(', ')}`);
    const fields = parseFields(registered, { ...arrival.fields, ...outcome.patch });
    return { reply, patch: Object.fromEntries(Object.keys(outcome.patch).map((key) => [key, fields[key]])) };
  } catch (thrown) {
    // The plugin built these from a valid answer: if they are invalid, the plugin is at fault.
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw hookError(plugin, 'reduceAnswer', new Error(`returned an invalid reply or patch: ${reason}`));
  }
}
