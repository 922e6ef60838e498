import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../domain/errors';
import type { LifecycleOperation } from '../../domain/operations';
import type { Conversation } from '../../domain/conversation';
import { itemFor, pluginAudienceOf, storeAudienceOf, visibleConversation } from '../access';
import { BACKEND_VIEWER_ID, requireActingAgent, requireAgent, viewerOf, type AgentCaller } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { newConversationLimit, refused } from '../middleware/rate-limit';
import { TokenBuckets } from '../rate-limit';
import {
  actionAnswerBody,
  assignBody,
  conversationParams,
  createConversationBody,
  escalateBody,
  itemActionParams,
  listConversationsQuery,
  participantParams,
  patchConversationBody,
  pauseAiBody,
  reasonBody,
  resolveBody,
  seenBody,
  tagsBody,
  timelineQuery,
  typingBody,
  unassignBody,
  userBody,
} from '../schemas/conversations';
import { inRequest } from '../http-errors';
import { keyedUpdateId } from '../idempotency';
import { idempotencyHeaders } from '../schemas/common';
import { parseInput, parseInputs } from '../schemas/parse';
import { createConversation } from '../services/conversations';
import { withContact, withContacts } from '../services/contacts-shown';
import { refuseHandBackToSwitchedOff } from '../services/hand-back';
import { rowView } from '../services/last-message';
import { answerItemAction } from '../services/item-actions';
import { operate } from '../services/lifecycle';
import { markSeen, setTyping } from '../services/receipts';

const TEAM_ONLY_FILTERS = ['tag', 'priority', 'assigneeId', 'handler', 'updatedSince', 'q', 'sort'] as const;

const idOf = (req: Request): string => parseInput(conversationParams, req.params, 'params').id;

export function conversationRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);
  const newConversations = newConversationLimit(ctx.store, ctx.limits.conversationRate);
  // Per member: the per-IP limit lets one client ask for a hundred pages a second, each up to 50,000 items read.
  const searches = new TokenBuckets(ctx.limits.searchRate);

  router.post('/', newConversations.reserve, async (req, res) => {
    let made = false;
    try {
      const input = parseInput(createConversationBody, req.body, 'body');
      const caller = callerOf(res);
      const { created, ...answer } = await createConversation(ctx, caller, input);
      made = created;
      res.status(201).json({ ...answer, conversation: await withContact(ctx.store, ctx.log, caller, answer.conversation) });
    } finally {
      // Only a conversation made costs its visitor and IP a token; a token not given back is not the caller's error.
      if (!made) await newConversations.release(res).catch((err: unknown) => ctx.log.warn({ err }, 'giving back a new-conversation token failed'));
    }
  });

  router.get('/', async (req, res) => {
    const caller = callerOf(res);
    const { limit, cursor, ...filters } = parseInput(listConversationsQuery, req.query, 'query');
    // Tags, priority and assignees are the team's triage: a visitor filtering by them could probe them. The handler queues are the inbox's.
    // A sync by updatedSince is a backend's; a visitor's updatedAt follows only what it sees, and its widget lists its newest.
    // A search (q) looks through notes and tags too. The inbox's sorts by waiting and priority would tell them.
    const teamOnly = TEAM_ONLY_FILTERS.filter((name) => filters[name] !== undefined);
    if (caller.kind === 'visitor' && teamOnly.length > 0) throw new AppError('ERR_FORBIDDEN', `Visitors cannot filter or sort by ${teamOnly.join(', ')}`);
    const scope = caller.kind === 'visitor' ? { websiteId: caller.website.id, visitor: { id: caller.visitorId, contactId: caller.contactId } } : { websiteId: caller.website.id };
    const { q, ...rest } = filters;
    if (q !== undefined && caller.kind === 'agent') {
      const taken = searches.take(`${caller.website.id}/${caller.userId ?? BACKEND_VIEWER_ID}`);
      if (!taken.ok) throw refused(res, taken.retryAfterSeconds, 'Too many searches: wait a moment, or narrow the search');
    }
    const page = await inRequest('query', () => ctx.store.listConversations({ scope, ...rest, search: q }, { audience: storeAudienceOf(caller), viewer: viewerOf(caller) }, { limit, cursor }));
    const conversations = await Promise.all(page.conversations.map((c) => rowView(ctx.store, caller, c, ctx.plugins)));
    res.json({ conversations: await withContacts(ctx.store, ctx.log, caller, conversations), nextCursor: page.nextCursor, ...(page.searchIncomplete && { searchIncomplete: true }) });
  });

  router.get('/:id', async (req, res) => {
    const caller = callerOf(res);
    const conversation = await withContact(ctx.store, ctx.log, caller, await rowView(ctx.store, caller, await visibleConversation(ctx.store, caller, idOf(req)), ctx.plugins));
    // As the listing gives it: a page that meets the conversation outside its list shows its count.
    const unreadCount = await ctx.store.getUnreadCount(conversation.id, viewerOf(caller));
    res.json({ conversation: { ...conversation, unreadCount } });
  });

  router.get('/:id/timeline', async (req, res) => {
    const caller = callerOf(res);
    const [{ id }, { limit, cursor, afterSeq, beforeSeq }] = parseInputs([conversationParams, req.params, 'params'], [timelineQuery, req.query, 'query']);
    const given = Object.entries({ cursor, afterSeq, beforeSeq }).filter(([, value]) => value !== undefined);
    if (given.length > 1) {
      throw new AppError('ERR_INVALID_INPUT', 'Give one of cursor, afterSeq and beforeSeq', { fields: given.slice(1).map(([name]) => ({ path: `query.${name}`, message: `not with ${given[0]![0]}` })) });
    }
    await visibleConversation(ctx.store, caller, id);
    const audience = storeAudienceOf(caller);
    const request = afterSeq !== undefined ? { audience, limit, afterSeq } : beforeSeq !== undefined ? { audience, limit, beforeSeq } : { audience, limit, cursor };
    const page = await inRequest('query', () => ctx.store.listItems(id, request));
    res.json({ ...page, items: page.items.flatMap((item) => itemFor(pluginAudienceOf(caller), item, ctx.plugins) ?? []) });
  });

  router.post('/:id/seen', async (req, res) => {
    const [{ id }, { seq }] = parseInputs([conversationParams, req.params, 'params'], [seenBody, req.body, 'body']);
    res.json(await markSeen(ctx, callerOf(res), id, seq));
  });

  router.post('/:id/typing', async (req, res) => {
    const [{ id }, { isTyping }] = parseInputs([conversationParams, req.params, 'params'], [typingBody, req.body, 'body']);
    res.json(await setTyping(ctx, callerOf(res), id, isTyping));
  });

  router.post('/:id/items/:itemId/actions/:actionId', async (req, res) => {
    const [{ id: conversationId, itemId, actionId }, { answer }] = parseInputs([itemActionParams, req.params, 'params'], [actionAnswerBody, req.body, 'body']);
    res.status(201).json({ item: await answerItemAction(ctx, callerOf(res), { conversationId, itemId, actionId, answer }) });
  });

  router.get('/:id/audit', async (req, res) => {
    const caller = requireAgent(callerOf(res));
    const id = idOf(req);
    await visibleConversation(ctx.store, caller, id);
    res.json({ entries: await ctx.conversations.history(id) });
  });

  /**
   * Runs the request's operations through the workflow, all or none, and answers `{conversation}`.
   * An unknown conversation is 404 before the operations' own checks (e.g. is the user on the team).
   */
  const lifecycle =
    <S extends z.ZodType, P extends typeof conversationParams = typeof conversationParams>(
      schema: S,
      operationsOf: (body: z.output<S>, params: z.output<P>, agent: AgentCaller, conversation: Conversation) => LifecycleOperation[] | Promise<LifecycleOperation[]>,
      paramsSchema: P = conversationParams as P,
    ) =>
    async (req: Request, res: Response) => {
      const agent = requireActingAgent(callerOf(res));
      const [params, body, headers] = parseInputs([paramsSchema, req.params, 'params'], [schema, req.body, 'body'], [idempotencyHeaders, req.headers, 'headers']);
      const key = headers['idempotency-key'];
      const conversation = await visibleConversation(ctx.store, agent, params.id);
      const operations = await operationsOf(body, params, agent, conversation);
      // The path as sent names the conversation and any user in it (DELETE …/participants/:userId).
      const updateId = key && keyedUpdateId(key, { websiteId: agent.website.id, agentId: agent.userId, route: `${req.method} ${req.baseUrl}${req.path}`, body });
      res.json({ conversation: await withContact(ctx.store, ctx.log, agent, await operate(ctx, agent, conversation, operations, updateId)) });
    };

  /** The body's `userId`, once it is known to name a member of the agent's team (400 naming the field otherwise). */
  const teamMemberId = async (agent: AgentCaller, userId: string): Promise<string> => {
    if (await ctx.directory.teamMember(agent.website.id, userId)) return userId;
    throw new AppError('ERR_INVALID_INPUT', `No team member ${userId}`, { fields: [{ path: 'body.userId', message: 'names no member of this team' }] });
  };

  /**
   * A resolve is refused while the visitor has written after the newest item the agent says they
   * saw: resolved, that question would go unanswered, as the workflow takes a resolve to cover
   * every item stored when it was asked for.
   */
  const refuseUnseenVisitorMessage = async (conversation: Conversation, upToSeq: number | undefined): Promise<void> => {
    if (upToSeq === undefined || upToSeq >= (conversation.lastTimelineItem?.seq ?? 0)) return;
    const unseen = await ctx.store.firstVisitorMessageAfter(conversation.id, upToSeq);
    if (unseen !== null) throw new AppError('ERR_CONFLICT', `The visitor wrote since you last looked (item ${unseen}): read it before resolving`, { seq: unseen });
  };

  // Messages stored before the resolve was asked for (the conversation as read here) do not reopen it when the workflow hears of them late.
  router.post(
    '/:id/resolve',
    lifecycle(resolveBody, async ({ reason, upToSeq }, _params, _agent, conversation) => {
      await refuseUnseenVisitorMessage(conversation, upToSeq);
      return [{ op: 'resolve', reason, itemsUpTo: conversation.lastTimelineItem?.seq ?? 0 }];
    }),
  );
  router.post('/:id/reopen', lifecycle(reasonBody, ({ reason }) => [{ op: 'reopen', reason }]));
  router.patch(
    '/:id',
    lifecycle(patchConversationBody, ({ priority, expectedPriority, title }) => [
      ...(priority ? [{ op: 'set_priority' as const, priority, ...(expectedPriority === undefined ? {} : { expectedPriority }) }] : []),
      ...(title !== undefined ? [{ op: 'set_title' as const, title }] : []),
    ]),
  );
  router.post(
    '/:id/tags',
    lifecycle(tagsBody, ({ add, remove }) => [
      ...(add?.length ? [{ op: 'add_tags' as const, tags: add }] : []),
      ...(remove?.length ? [{ op: 'remove_tags' as const, tags: remove }] : []),
    ]),
  );
  router.post('/:id/participants', lifecycle(userBody, async ({ userId }, _params, agent) => [{ op: 'join', userId: await teamMemberId(agent, userId) }]));
  router.delete(
    '/:id/participants/:userId',
    lifecycle(
      reasonBody,
      ({ reason }, { id, userId }) => {
        ctx.replyJoins.left(id, userId);
        return [{ op: 'leave', userId, reason }];
      },
      participantParams,
    ),
  );
  router.post(
    '/:id/assign',
    lifecycle(assignBody, async ({ userId, expectedAssigneeId }, _params, agent) => [
      { op: 'assign', userId: await teamMemberId(agent, userId), ...(expectedAssigneeId === undefined ? {} : { expectedAssigneeId }) },
    ]),
  );
  router.delete(
    '/:id/assign',
    lifecycle(unassignBody, ({ expectedAssigneeId, reason }) => [{ op: 'unassign', reason, ...(expectedAssigneeId === undefined ? {} : { expectedAssigneeId }) }]),
  );
  router.post('/:id/escalate', lifecycle(escalateBody, ({ reason, summary }) => [{ op: 'escalate', reason, ...(summary ? { summary } : {}) }]));
  router.post(
    '/:id/handback',
    lifecycle(reasonBody, async ({ reason }, _params, agent, conversation) => {
      // Once people have it, the AI stays silent until a person hands it back: not its own call.
      if (agent.memberKind === 'ai') throw new AppError('ERR_FORBIDDEN', 'Only a person can hand a conversation back to the AI assistant');
      await refuseHandBackToSwitchedOff(ctx, conversation);
      return [{ op: 'hand_back', reason }];
    }),
  );
  router.post('/:id/ai/pause', lifecycle(pauseAiBody, ({ minutes }) => [{ op: 'pause_ai', ...(minutes ? { minutes } : {}) }]));
  router.post('/:id/ai/resume', lifecycle(reasonBody, ({ reason }) => [{ op: 'resume_ai', reason }]));

  return router;
}
