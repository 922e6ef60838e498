/**
 * The page a visitor's widget says they are on now (`pageViewed`): kept on the visitor, so the team
 * reads where they were last (`GET /v1/visitors/:id`), and told to the website's agents on every
 * instance as it happens (`visitorPageViewed`).
 */
import { AppError } from '../../domain/errors';
import type { Caller } from '../caller';
import type { ViewedPage } from '../schemas/widget-context';
import type { ReceiptDeps } from './receipts';

export async function notePageViewed(deps: ReceiptDeps, caller: Caller, page: ViewedPage): Promise<void> {
  if (caller.kind !== 'visitor') throw new AppError('ERR_FORBIDDEN', 'pageViewed is for the widget: a visitor says which page they are on');
  const viewed = { ...page, at: new Date().toISOString() };
  // The team is told what the visitor is read with: not a page a later one was kept over.
  if (await deps.store.setVisitorPage(caller.website.id, caller.visitorId, viewed)) await deps.publisher.visitorPageViewed(caller.website.id, { visitorId: caller.visitorId, ...viewed });
}
