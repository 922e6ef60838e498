import { Router } from 'express';
import { longestRetentionAgo } from '../../activities/website-changes';
import { AppError } from '../../domain/errors';
import { statusOf, type TeamMember } from '../../domain/people';
import { routedTo } from '../../workflows/routing/team-rules';
import { visitorViewerOf } from '../caller';
import type { ApiContext } from '../context';
import { authenticated, callerOf } from '../middleware/authenticate';
import { parseInput } from '../schemas/parse';
import { teamAvailability } from '../services/team-availability';
import { memberNamesQuery } from '../schemas/team';

export function websiteRoutes(ctx: ApiContext): Router {
  const router = Router();
  // The one call a visitor may make without an id: it is given one. Then charged to the visitor as
  // every other call is: a new visitor's bucket is full, so its first call is never refused.
  router.get('/', authenticated(ctx.directory, { createVisitor: true }), ctx.visitorLimit, async (_req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'visitor') throw new AppError('ERR_FORBIDDEN', 'This call is for the widget (public key)');
    const { id, name } = caller.website;
    const [team, contact, unreadConversationCount] = await Promise.all([
      ctx.store.listTeamMembers(id),
      caller.contactId ? ctx.store.getContact(caller.contactId) : Promise.resolve(null),
      ctx.store.countUnreadConversations(id, visitorViewerOf(caller)),
    ]);
    const assistant = team.find((member) => member.kind === 'ai');
    const { rules, config } = await ctx.widgetSettings.of(id, assistant);
    // An away person is connected but not there to answer: the visitor is not told they are.
    const online = (member: TeamMember) => member.kind === 'ai' || (statusOf(member) === 'available' && ctx.online.isOnline({ websiteId: id, kind: 'user', id: member.id }));
    const agentsOf = (kind: 'human' | 'ai') => team.filter((m) => m.kind === kind).map((m) => ({ id: m.id, name: m.name, online: online(m) }));
    // Only people routing would hand the visitor to: one in no routed team, online, would have the
    // widget say "The team is online" and the hand-off then say the team is away.
    const teamOnline = team.some((member) => routedTo(rules, member) && online(member));
    res.json({
      id,
      name,
      availableHumanAgents: agentsOf('human'),
      availableAIAgents: agentsOf('ai'),
      availability: teamAvailability(config, teamOnline, new Date()),
      // What the widget shows first, said by the assistant; sent back as `defaultTimelineItems`, they are stored as its words.
      welcomeMessages: config?.welcomeMessages ?? [],
      // So the widget refuses a file the upload would refuse before sending anything.
      files: { maxBytes: ctx.limits.fileMaxBytes, mediaTypes: ctx.limits.fileMediaTypes },
      // The widget's badge: conversations with something the visitor has not seen.
      visitor: { id: caller.visitorId, ...(contact ? { contact } : {}), unreadConversationCount },
    });
  });
  /**
   * The names of team members a timeline names, people removed within the longest retention
   * included (older timelines name them), for a widget that does not know them: asked by id, so
   * nobody lists the people removed.
   */
  router.get('/members', ...ctx.authenticate, async (req, res) => {
    const { website } = callerOf(res);
    const { ids } = parseInput(memberNamesQuery, req.query, 'query');
    res.json({ members: await ctx.store.teamMemberNames(website.id, ids, longestRetentionAgo()) });
  });

  return router;
}
