/**
 * What a `resume` tells of the conversation's state. Live `conversationUpdated` frames are not kept
 * for a socket that was away, so a resume gives, as one `conversationUpdated`, what they added up
 * to: the lifecycle as the caller sees it now, every field named (`null` for one taken off, as live
 * frames name it), when it changed after the `stateVersion` the client says it holds, or always
 * when it does not say.
 */
import { LIFECYCLE_FIELDS, PUBLIC_LIFECYCLE_FIELDS } from '../../activities/store/documents';
import type { Conversation } from '../../domain/conversation';
import type { PluginRegistry } from '../../plugins/registry';
import { viewFor } from '../access';
import type { Caller } from '../caller';
import type { ServerEvent } from './events';

export function resumedState(
  caller: Caller,
  conversation: Conversation,
  plugins: Pick<PluginRegistry, 'isVisibleTo'>,
  heldVersion: number | undefined,
): ServerEvent | undefined {
  const view = viewFor(caller, conversation, plugins);
  const stateVersion = view.stateVersion ?? 0;
  if (heldVersion !== undefined && stateVersion <= heldVersion) return undefined;
  // A visitor's fields only (`tags` is among the team's: a visitor's copies always have it empty).
  const fields = caller.kind === 'visitor' ? PUBLIC_LIFECYCLE_FIELDS : LIFECYCLE_FIELDS;
  const updates = Object.fromEntries(fields.map((field) => [field, view[field] ?? null]));
  return { type: 'conversationUpdated', payload: { conversationId: conversation.id, updates: { ...updates, stateVersion, updatedAt: view.updatedAt } } };
}
