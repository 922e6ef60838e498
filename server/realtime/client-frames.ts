/** What the server does with each client frame (already parsed and rate limited). */
import type { Store } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import { itemFor, pluginAudienceOf, storeAudienceOf, visibleConversation } from '../access';
import type { ClientFrame, ResumeFrame } from '../schemas/realtime';
import { markSeen, setTyping, type ReceiptDeps } from '../services/receipts';
import { notePageViewed } from '../services/visitor-pages';
import type { Connection } from './connection';
import { resumedState } from './resume-state';
import type { FrameBudget } from './socket-server';

export interface ClientFrameDeps extends ReceiptDeps {
  store: Store;
  plugins: Pick<PluginRegistry, 'isVisibleTo'>;
}

const BACKFILL_PAGE = 100;

/**
 * Sends every item after `afterSeq` the caller may see and this connection has not been sent, in
 * order, then lets live items through (held since the frame arrived: `acceptClientFrame`), then
 * says it is done (`resumeCompleted`). It reads the store only from where what the connection holds
 * ends (`ResumeGate.startBackfill`), asked as its turn comes: a backfill ahead of it may be reading.
 * The resume frame paid for the first page; each page after it takes one more frame token, waiting
 * for one when the budget is spent (nothing owed is dropped: the live items wait with it).
 * Last comes the conversation's state, read once every item is out (resume-state.ts): a client
 * ends in the state those items led to, and changes made after that read come live after it.
 */
async function resume(deps: ClientFrameDeps, conn: Connection, { payload: { conversationId, afterSeq, stateVersion }, ref }: ResumeFrame, budget: FrameBudget): Promise<void> {
  try {
    await visibleConversation(deps.store, conn.caller, conversationId);
    const audience = pluginAudienceOf(conn.caller);
    const from = conn.resume.startBackfill(conversationId, afterSeq);
    let page = await deps.store.listItems(conversationId, { audience: storeAudienceOf(conn.caller), afterSeq: from, limit: BACKFILL_PAGE });
    for (;;) {
      for (const stored of page.items) {
        const item = itemFor(audience, stored, deps.plugins);
        if (!item || !conn.resume.admitBackfill(conversationId, item.seq)) continue;
        conn.sendEvent({ type: 'timelineItemCreated', payload: { conversationId, item } });
      }
      // A socket gone by now is sent nothing more: its pages are not read.
      if (!page.hasNextPage || !page.nextCursor || !(await budget.take())) break;
      page = await deps.store.listItems(conversationId, { audience: storeAudienceOf(conn.caller), cursor: page.nextCursor, limit: BACKFILL_PAGE });
    }
  } finally {
    for (const frame of conn.resume.finish(conversationId)) conn.send(frame);
  }
  const state = resumedState(conn.caller, await visibleConversation(deps.store, conn.caller, conversationId), deps.plugins, stateVersion);
  if (state) conn.sendEvent(state);
  // Only now: the items held back while it read are out too. Not told of a failed one (its error frame is).
  const throughSeq = Math.max(afterSeq, conn.resume.newestSent(conversationId) ?? 0);
  conn.sendEvent({ type: 'resumeCompleted', payload: { conversationId, throughSeq, ...(ref === undefined ? {} : { ref }) } });
}

/** What must happen as a frame arrives, before the frames ahead of it are done: a resume starts holding live items. */
export function acceptClientFrame(conn: Connection, frame: ClientFrame): void {
  if (frame.type === 'resume') conn.resume.begin(frame.payload.conversationId);
}

/** `budget`: what a frame may spend beyond the token it paid as it arrived. */
export async function handleClientFrame(deps: ClientFrameDeps, conn: Connection, frame: ClientFrame, budget: FrameBudget): Promise<void> {
  switch (frame.type) {
    case 'conversationTyping': {
      const { conversationId, isTyping } = frame.payload;
      await setTyping(deps, conn.caller, conversationId, isTyping, conn.id);
      if (!isTyping) conn.typingIn.delete(conversationId);
      else if (conn.isOpen) conn.typingIn.add(conversationId);
      // Closed while it was being told: its close could not stop what it did not know of yet.
      else await setTyping(deps, conn.caller, conversationId, false, conn.id);
      return;
    }
    case 'conversationSeen':
      await markSeen(deps, conn.caller, frame.payload.conversationId, frame.payload.seq);
      return;
    case 'resume':
      return resume(deps, conn, frame, budget);
    case 'pageViewed':
      return notePageViewed(deps, conn.caller, frame.payload);
  }
}
