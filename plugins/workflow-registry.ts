/**
 * The plugin registry inside the workflow sandbox: deterministic, no Node, no I/O. The
 * conversation workflow imports this one module from `plugins/`.
 *
 * API:
 * - `reactTo(ctx: { item: ItemArrival; conversation: Readonly<ConversationLifecycle> }):
 *     { operations: LifecycleOperation[]; refused?: { index: number; reason: string }[] }
 *     | { error: { plugin: string; hook: 'reduceArrival'; message: string } }`
 *   The operations the item's type asks for when it arrives (`[]` for types without a reaction), and
 *   the elements of its answer that are no operation (wrong shape, unknown fields, past the limits).
 *   Never throws: apply the operations through the workflow's own validators; log an error and
 *   carry on. Deterministic, so it runs again on replay with the same result.
 * - `summarizeItem(item: ItemArrival | TimelineItem): string`
 *   Plain-text summary for AI context and previews. Never throws: a failing or unknown type falls
 *   back to the item's text, or `[type]`.
 * - `registerWorkflowPlugins(plugins)`: called once by the generated workflow entry
 *   (plugins/bundle-entry.ts), never by workflow code.
 *
 * Built-in types (message, note, event) are always known, even before any registration.
 */
import type { ItemArrival, TimelineItem } from '../domain';
import { react, summarize, type ArrivalContext, type ReactionResult } from './pure-hooks';
import { ItemTypeTable } from './type-table';
import type { Plugin } from './types';

export type { ArrivalContext, ReactionResult } from './pure-hooks';

/**
 * The built-ins alone until plugins are registered; built on first use because the generated entry
 * registers right away, and this module is evaluated once per workflow instance.
 */
let registered: ItemTypeTable | undefined;
const table = (): ItemTypeTable => (registered ??= new ItemTypeTable([]));

/** Replaces the registered plugins (built-ins stay). Throws `PluginLoadError` on a bad plugin. */
export function registerWorkflowPlugins(plugins: readonly Plugin[]): void {
  registered = new ItemTypeTable(plugins.map((plugin) => ({ plugin })));
}

/** See the module comment. */
export function reactTo(ctx: ArrivalContext): ReactionResult {
  return react(table(), ctx);
}

/** See the module comment. */
export function summarizeItem(item: ItemArrival | TimelineItem): string {
  try {
    return summarize(table(), item);
  } catch {
    return item.text ?? `[${item.type}]`;
  }
}
