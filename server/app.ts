/**
 * The Chat API on one HTTP server: REST under `/v1`, WebSocket on `/ws` and the built pages (`/`,
 * `/inbox`, `/audit/:id`). `close` drains it: no new connections, sockets told to go away,
 * in-flight requests finished (keep-alive connections end after their answer), queued workflow
 * signals sent, all within the given time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createPagesRouter } from '../web/static-routes';
import { ConversationScopes } from './access';
import { ConnectionDrain } from './connection-drain';
import type { ApiContext } from './context';
import type { ServerDeps } from './deps';
import { storeDirectory } from './directory';
import { accessLog } from './middleware/access-log';
import { authenticated } from './middleware/authenticate';
import { allowOriginOfErrors, preflight } from './middleware/cors';
import { downloadLimit } from './middleware/download-limit';
import { errorHandler, noRoute } from './middleware/errors';
import { noteConversation } from './middleware/logged-conversation';
import { answerMalformedRequests } from './malformed-requests';
import { readJsonBody } from './middleware/json-body';
import { answerOptions } from './middleware/options';
import { requireJsonBody } from './middleware/json-content-type';
import { checkedQuery } from './middleware/checked-query';
import { noStore } from './middleware/no-store';
import { refuseWhatNodeWould } from './middleware/node-refusals';
import { refuseUnstorableJson } from './middleware/storable-json';
import { rateLimit, visitorRateLimit } from './middleware/rate-limit';
import { requestIds } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { escapeUndecodablePath } from './middleware/undecodable-path';
import { parseQuery } from './percent-decoding';
import { TokenBuckets } from './rate-limit';
import { ipLimitKey, proxyTrust } from './client-ip';
import { Realtime } from './realtime/realtime';
import { aiAgentRoutes } from './routes/ai-agents';
import { contactRoutes } from './routes/contacts';
import { visitorRoutes } from './routes/visitors';
import { conversationRoutes } from './routes/conversations';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { messageRoutes } from './routes/messages';
import { savedReplyRoutes } from './routes/saved-replies';
import { settingsRoutes } from './routes/settings';
import { teamRoutes } from './routes/team';
import { webhookRoutes } from './routes/webhooks';
import { websiteRoutes } from './routes/websites';
import { webSocketRoutes } from './routes/websocket';
import { ReplyJoins } from './services/reply-joins';
import { MemberTokens } from './services/member-tokens';
import { TeamMembers } from './services/team-members';
import { sweepUnattachedFiles } from './services/unattached-files';
import { WidgetSettings } from './services/widget-settings';
import { WorkflowNotifier } from './services/workflow-notifier';
import { Webhooks } from './webhooks/webhooks';

/**
 * Connections the kernel queues before they are accepted. Node's default, 511, overflowed when
 * thousands of sockets opened at once (as after a deploy: 4,000 on a busy machine, 8,000 on an
 * idle one), and a dropped SYN is retried only after a second, then three. The kernel caps it at
 * `net.core.somaxconn`.
 */
const LISTEN_BACKLOG = 4_096;

export interface ShutdownOptions {
  /** How long in-flight requests and queued workflow signals are waited for. */
  timeoutMs: number;
  /** How long idle keep-alive connections stay open for a request already on its way. */
  idleGraceMs: number;
}

export interface ChatServer {
  readonly server: Server;
  readonly realtime: Realtime;
  listen(port: number, host?: string): Promise<number>;
  close(options: ShutdownOptions): Promise<void>;
}

export async function createChatServer(deps: ServerDeps): Promise<ChatServer> {
  const directory = storeDirectory(deps.store);
  // Shared with the sockets: their upgrades and frames cost the caller's IP as requests do.
  const ipBuckets = new TokenBuckets(deps.limits.ipRate);
  const widgetSettings = new WidgetSettings(deps.store);
  const webhooks = new Webhooks(deps.store, deps.plugins, deps.webhookSettings, deps.log);
  const realtime = new Realtime({ ...deps, directory, ipBuckets, widgetSettings, changeObserver: webhooks.changes });
  const visitorBuckets = new TokenBuckets(deps.limits.visitorRate);
  const visitorLimit = visitorRateLimit(visitorBuckets);
  const unattachedFiles = sweepUnattachedFiles(deps.store, deps.limits.fileUnattachedMs, deps.log);
  const teamMembers = new TeamMembers({ ...deps, online: realtime.online, directory, publisher: realtime.publisher });
  const ctx: ApiContext = {
    ...deps,
    directory,
    notifier: new WorkflowNotifier(deps.conversations, deps.workflowStarts, deps.store, deps.plugins, deps.log),
    scopes: new ConversationScopes(deps.store),
    publisher: realtime.publisher,
    online: realtime.online,
    replyJoins: new ReplyJoins(deps),
    teamMembers,
    widgetSettings,
    memberTokens: new MemberTokens({ ...deps, directory, publisher: realtime.publisher, teamMembers }),
    webhooks,
    jsonBody: [requireJsonBody, readJsonBody(deps.limits.jsonBodyBytes), refuseUnstorableJson],
    visitorLimit,
    downloadLimit: downloadLimit(visitorBuckets, new TokenBuckets(deps.limits.visitorRangeRate)),
    authenticate: [authenticated(directory), visitorLimit],
  };

  const drain = new ConnectionDrain();
  const app = express();
  app.set('trust proxy', proxyTrust(deps.limits.trustProxy));
  app.disable('x-powered-by');
  app.set('query parser', parseQuery);
  // A hash of every JSON body, POSTs included, for conditional GETs that no client of a realtime API makes (static pages keep theirs).
  app.set('etag', false);
  // The request's id before all, so every answer and log line carries it; then the access log, so a request's line times all of it, refusals included.
  app.use(requestIds(app, deps.log), ...accessLog(deps.log), drain.middleware, securityHeaders, refuseWhatNodeWould, preflight, answerOptions(app.router));
  app.use('/v1', escapeUndecodablePath, noStore, checkedQuery);
  app.use('/v1/conversations/:conversationId', noteConversation);
  // Before the per-IP limit: a load balancer's probe, which may share an IP with the traffic, must not be refused under load (health is cheap and tells nothing).
  app.use('/v1/health', healthRoutes(ctx, { draining: () => drain.draining }));
  app.use('/v1', rateLimit(ipBuckets, (req) => ipLimitKey(req.ip)));
  app.use('/v1/websites', websiteRoutes(ctx));
  app.use('/v1/conversations', conversationRoutes(ctx));
  app.use('/v1/messages', messageRoutes(ctx));
  app.use('/v1/files', fileRoutes(ctx));
  app.use('/v1/contacts', contactRoutes(ctx));
  app.use('/v1/visitors', visitorRoutes(ctx));
  app.use('/v1/team', teamRoutes(ctx));
  app.use('/v1/ai-agents', aiAgentRoutes(ctx));
  app.use('/v1/settings', settingsRoutes(ctx));
  app.use('/v1/saved-replies', savedReplyRoutes(ctx));
  app.use('/v1/webhooks', webhookRoutes(ctx));
  app.use('/ws', webSocketRoutes());
  app.use(createPagesRouter(deps.pages));
  app.use(noRoute(app.router));
  app.use(allowOriginOfErrors(directory, deps.pages.publicKey));
  app.use(errorHandler());

  // Both refused by refuseWhatNodeWould, as JSON: Node's own answers have no body.
  const server = createServer({ requireHostHeader: false }, app);
  server.on('checkExpectation', app);
  answerMalformedRequests(server);
  await webhooks.start();
  await realtime.start(server);
  webhooks.follow(deps.store);
  // Signals an earlier run acknowledged items for but could not deliver: listed before the first
  // request, so that a conversation's new items wait behind its owed ones; read and sent meanwhile.
  const owed = await ctx.notifier.holdPending().catch((err: unknown) => {
    deps.log.error({ err }, 'could not read the owed workflow signals');
    return [];
  });
  void ctx.notifier.sendPending(owed).catch((err: unknown) => deps.log.error({ err }, 'could not read the owed workflow signals'));

  return {
    server,
    realtime,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async close({ timeoutMs, idleGraceMs }) {
      const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      const drained = drain.close(server, deadline, idleGraceMs);
      await realtime.stop();
      // The change stream is closed: the outbox writes what it heard, and no delivery is taken after this.
      const webhooksStopped = webhooks.stop();
      if ((await drained) === 'timeout') {
        deps.log.warn('requests still running at the shutdown deadline; closing their connections');
        server.closeAllConnections();
      }
      // No request adds items now: each owed signal gets one more try, and what is still owed then is sent at the next start.
      ctx.notifier.stop();
      await Promise.race([Promise.all([ctx.notifier.drain(), unattachedFiles.stop(), webhooksStopped]), deadline]);
    },
  };
}
