/** What the route modules share: the server's dependencies plus the per-instance services. */
import type { RequestHandler } from 'express';
import type { ConversationScopes } from './access';
import type { ServerDeps } from './deps';
import type { StoreDirectory } from './directory';
import type { DownloadLimit } from './middleware/download-limit';
import type { EphemeralPublisher } from './realtime/ephemeral';
import type { OnlineDirectory } from './realtime/presence';
import type { MemberTokens } from './services/member-tokens';
import type { ReplyJoins } from './services/reply-joins';
import type { TeamMembers } from './services/team-members';
import type { WidgetSettings } from './services/widget-settings';
import type { WorkflowNotifier } from './services/workflow-notifier';
import type { Webhooks } from './webhooks/webhooks';

export interface ApiContext extends ServerDeps {
  directory: StoreDirectory;
  notifier: WorkflowNotifier;
  scopes: ConversationScopes;
  publisher: EphemeralPublisher;
  online: OnlineDirectory;
  replyJoins: ReplyJoins;
  teamMembers: TeamMembers;
  /** The settings `GET /v1/websites` reads, cached: a route that changes them forgets them. */
  widgetSettings: WidgetSettings;
  memberTokens: MemberTokens;
  webhooks: Webhooks;
  /** Charges the visitor's rate limit; after authentication. */
  visitorLimit: RequestHandler;
  /** Charges a visitor's download: to its range allowance for a range of a file granted to it, else as `visitorLimit`. */
  downloadLimit: DownloadLimit;
  /** Authenticates, then charges the visitor's rate limit. */
  authenticate: RequestHandler[];
  /**
   * Reads a JSON body: `415` for another type, `413` past the limit, `400` naming `body` for one
   * it cannot read, and naming where for what the store could not keep. After `authenticate`, so a caller without credentials learns nothing of the route but `401`.
   */
  jsonBody: RequestHandler[];
}
