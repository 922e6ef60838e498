/** What the route modules share: the server's dependencies plus the per-instance services. */
import type { RequestHandler } from 'express';
import type { ConversationScopes } from './access';
import type { ServerDeps } from './deps';
import type { StoreDirectory } from './directory';
import type { EphemeralPublisher } from './realtime/ephemeral';
import type { OnlineDirectory } from './realtime/presence';
import type { ReplyJoins } from './services/reply-joins';
import type { WorkflowNotifier } from './services/workflow-notifier';

export interface ApiContext extends ServerDeps {
  directory: StoreDirectory;
  notifier: WorkflowNotifier;
  scopes: ConversationScopes;
  publisher: EphemeralPublisher;
  online: OnlineDirectory;
  replyJoins: ReplyJoins;
  /** Authenticates, then charges the visitor's rate limit. */
  authenticate: RequestHandler[];
}
