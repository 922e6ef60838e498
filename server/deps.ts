/** What the Chat API is built from; runtime/app.ts assembles it. */
import type { Logger } from 'pino';
import type { OpenAiSettings } from '../activities/ai';
import type { Store } from '../activities/store';
import type { WebsiteChangeNotices } from '../activities/website-changes';
import type { PluginRegistry } from '../plugins/registry';
import type { ConversationEngine } from '../runtime/conversation-engine';
import type { PagesOptions } from '../web/static-routes';
import type { TrustProxy } from './client-ip';
import type { RateLimitOptions } from './rate-limit';
import type { TeamAvailability } from './realtime/agent-availability';
import type { WorkflowStarts } from './services/workflow-start';
import type { WebhookSettings } from './webhooks/deliverer';

export interface ServerLimits {
  jsonBodyBytes: number;
  fileMaxBytes: number;
  fileMediaTypes: string[];
  /** An upload no message has named this long after it was uploaded is deleted. */
  fileUnattachedMs: number;
  /** Bytes visitors may upload in a day, per visitor and per IP (the team's uploads are not counted). */
  uploadQuota: { visitor: RateLimitOptions; ip: RateLimitOptions };
  ipRate: RateLimitOptions;
  /** Whose `X-Forwarded-For` names the caller's IP for `ipRate`. */
  trustProxy: TrustProxy;
  visitorRate: RateLimitOptions;
  /** A visitor's range requests of files granted to it (a media player's), beyond `visitorRate`. */
  visitorRangeRate: RateLimitOptions;
  /** New conversations opened by visitors, per visitor and per IP. */
  conversationRate: { visitor: RateLimitOptions; ip: RateLimitOptions };
  /** Searches by one team member (or the secret key without one): each page looks through up to 50,000 items of the store. */
  searchRate: RateLimitOptions;
  ws: { heartbeatMs: number; maxBufferedBytes: number; maxFrameBytes: number; frameRate: RateLimitOptions; maxSocketsPerVisitor: number; maxSocketsPerIp: number };
}

export interface ServerDeps {
  store: Store;
  conversations: ConversationEngine;
  plugins: PluginRegistry;
  workflowStarts: WorkflowStarts;
  log: Logger;
  limits: ServerLimits;
  health: {
    engine: 'embedded' | 'temporal';
    store: 'embedded' | 'mongodb';
    /** Why the workflow engine cannot serve now (its thread stuck), if it can tell; undefined while it can. */
    engineProblem?: () => string | undefined;
  };
  /** The team queues, told when agents come and go. */
  teams: TeamAvailability;
  /** The website changes workflows, told when people join or leave a website's team or its lifecycle settings change. */
  websiteChanges: WebsiteChangeNotices;
  /** The built pages (widget demo, inbox, audit viewer) and what their bootstrap tells them. */
  pages: PagesOptions;
  /** The OpenAI settings the AI activities run with (the configuration's `openai`): an assistant given an `openai:` model the server cannot run is refused. */
  openai: Pick<OpenAiSettings, 'apiKey'>;
  /** Where webhooks may go, how long an endpoint has to answer, and how they are retried. */
  webhookSettings: WebhookSettings;
}
