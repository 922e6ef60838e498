/**
 * The pure hooks run against a type table: summaries and arrival reactions. Shared by the
 * workflow registry, the server registry and the test kit, so all three behave the same.
 */
import type { ConversationLifecycle, ItemArrival, LifecycleOperation, TimelineItem } from '../domain';
import { operationProblem } from '../domain/operation-schema';
import { callHook, hookError, type HookFailure } from './errors';
import { toItemArrival } from './item-view';
import type { ItemTypeTable } from './type-table';

/** The argument of `reactTo`: the item that arrived and the conversation's lifecycle state. */
export interface ArrivalContext {
  /** The workflow passes what it heard (`ItemArrival`); a stored item works too. */
  readonly item: ItemArrival | TimelineItem;
  readonly conversation: Readonly<ConversationLifecycle>;
}

/** An element of a reaction's answer that is no lifecycle operation (or too large to be one), and why. */
export interface RefusedOperation {
  index: number;
  reason: string;
}

/**
 * The operations a reaction asks for, and those it returned that are none (`refused`, only when there
 * are some), or why the reaction failed. The workflow logs what it cannot take and carries on.
 */
export type ReactionResult = { operations: LifecycleOperation[]; refused?: RefusedOperation[] } | { error: HookFailure };

/** The item's plain-text summary; throws `ERR_UNKNOWN_ITEM_TYPE` or `ERR_PLUGIN_HOOK_FAILED`. */
export function summarize(table: ItemTypeTable, item: ItemArrival | TimelineItem): string {
  const { plugin, definition } = table.require(item.type);
  const arrival = toItemArrival(item);
  return callHook(plugin, 'reduceSummary', () => String(definition.reduceSummary({ item: arrival })));
}

// JSON copies: a reaction cannot reach into (and mutate) the workflow's own state.
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Runs the type's `reduceArrival`. Types without a reaction, and types this table does not know,
 * yield no operations. Never throws: a failing reaction comes back as `{ error }`.
 */
export function react(table: ItemTypeTable, { item, conversation }: ArrivalContext): ReactionResult {
  const registered = table.get(item.type);
  const reduceArrival = registered?.definition.reduceArrival;
  if (!registered || !reduceArrival) return { operations: [] };
  try {
    const operations = reduceArrival({ item: copy(toItemArrival(item)), conversation: copy(conversation) });
    if (!Array.isArray(operations)) throw new TypeError('expected an array of lifecycle operations');
    const taken: LifecycleOperation[] = [];
    const refused: RefusedOperation[] = [];
    operations.forEach((operation: unknown, index) => {
      const reason = operationProblem(operation);
      if (reason === undefined) taken.push(operation as LifecycleOperation);
      else refused.push({ index, reason });
    });
    return refused.length === 0 ? { operations: taken } : { operations: taken, refused };
  } catch (thrown) {
    const error = hookError(registered.plugin, 'reduceArrival', thrown);
    return { error: { plugin: registered.plugin, hook: 'reduceArrival', message: error.message } };
  }
}
