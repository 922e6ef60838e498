/** The website's team: everyone on it (humans and AI assistants), and the people the team adds, changes and removes. */
import { Router, type Response } from 'express';
import { loadRoutingRules } from '../../activities/ai';
import { statusOf, type TeamMember } from '../../domain/people';
import { routedTo, type RoutingRules } from '../../workflows/routing/team-rules';
import { authorOf, requireActingAgent, requireAgent, roleOf } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { keyedMemberId } from '../idempotency';
import { idempotencyHeaders } from '../schemas/common';
import { parseInput, parseInputs } from '../schemas/parse';
import { memberChangeBody, memberParams, memberStatusBody, memberTokenParams, newMemberBody, newMemberTokenBody } from '../schemas/team';
import { teamChangeBy } from '../services/team-members';

export function teamRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);

  const view = (rules: RoutingRules, member: TeamMember) => ({
    id: member.id,
    name: member.name,
    kind: member.kind,
    teams: member.teams,
    capacity: member.capacity,
    // The AI assistant is always there; humans are online while a socket of theirs is open on any instance.
    online: member.kind === 'ai' || ctx.online.isOnline({ websiteId: member.websiteId, kind: 'user', id: member.id }),
    // Away: online or not, routing offers them nothing new (the team sees them away, not offline).
    status: statusOf(member),
    ...(member.statusSince === undefined ? {} : { statusSince: member.statusSince }),
    // So the Team page, and whoever adds or changes the person, see that routing would give them nothing.
    routed: routedTo(rules, member),
  });
  /** The person as the answers give them, with the routing rules as they stand. */
  const viewOf = async (member: TeamMember) => view(await loadRoutingRules(ctx.store, member.websiteId), member);
  const changeBy = (res: Response) => teamChangeBy(callerOf(res));

  router.get('/', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const [members, formerMembers, rules] = await Promise.all([
      ctx.store.listTeamMembers(website.id),
      ctx.store.listFormerMembers(website.id),
      loadRoutingRules(ctx.store, website.id),
    ]);
    // Former members only by name: older timelines still name them.
    res.json({ members: members.map((member) => view(rules, member)), formerMembers: formerMembers.map(({ id, name }) => ({ id, name })) });
  });

  // Who the caller acts as: what a page signed in with a member token learns its person from.
  router.get('/me', async (_req, res) => {
    const agent = requireActingAgent(callerOf(res));
    res.json({ member: await viewOf(await ctx.teamMembers.member(agent.website.id, agent.userId)), role: roleOf(agent) });
  });

  // A person's own status: any acting person sets theirs (an agent token too), an admin anyone's with the PATCH below.
  router.put('/me/status', async (req, res) => {
    const caller = callerOf(res);
    const agent = requireActingAgent(caller);
    const { status } = parseInput(memberStatusBody, req.body, 'body');
    res.json({ member: await viewOf(await ctx.teamMembers.change({ websiteId: agent.website.id, actor: authorOf(caller) }, agent.userId, { status })) });
  });

  router.post('/members', async (req, res) => {
    const change = changeBy(res);
    const [fields, headers] = parseInputs([newMemberBody, req.body, 'body'], [idempotencyHeaders, req.headers, 'headers']);
    // Without a chosen id, an Idempotency-Key makes one, so a retry is as safe as with an id.
    const key = headers['idempotency-key'];
    const keyed = fields.id === undefined && key !== undefined;
    const id = keyed ? keyedMemberId(key, { websiteId: change.websiteId, agentId: change.actor.id }) : fields.id;
    const { member, created } = await ctx.teamMembers.add(change, { ...fields, ...(id === undefined ? {} : { id }) }, { keyed });
    res.status(created ? 201 : 200).json({ member: await viewOf(member) });
  });

  router.get('/members/:id', async (req, res) => {
    const { website } = requireAgent(callerOf(res));
    const { id } = parseInput(memberParams, req.params, 'params');
    res.json({ member: await viewOf(await ctx.teamMembers.member(website.id, id)) });
  });

  router.patch('/members/:id', async (req, res) => {
    const change = changeBy(res);
    const [{ id }, fields] = parseInputs([memberParams, req.params, 'params'], [memberChangeBody, req.body, 'body']);
    res.json({ member: await viewOf(await ctx.teamMembers.change(change, id, fields)) });
  });

  router.delete('/members/:id', async (req, res) => {
    const change = changeBy(res);
    const { id } = parseInput(memberParams, req.params, 'params');
    await ctx.teamMembers.remove(change, id);
    res.status(204).end();
  });

  // A person's member tokens: made by the backend's secret key, revoked by it or by the person's own token.
  router.post('/members/:id/tokens', async (req, res) => {
    const [{ id }, { expiresInSeconds, role }] = parseInputs([memberParams, req.params, 'params'], [newMemberTokenBody, req.body, 'body']);
    res.status(201).json(await ctx.memberTokens.make(callerOf(res), id, { lifetimeSeconds: expiresInSeconds, role }));
  });

  router.delete('/members/:id/tokens', async (req, res) => {
    const { id } = parseInput(memberParams, req.params, 'params');
    await ctx.memberTokens.revoke(callerOf(res), id);
    res.status(204).end();
  });

  router.delete('/members/:id/tokens/:tokenId', async (req, res) => {
    const { id, tokenId } = parseInput(memberTokenParams, req.params, 'params');
    await ctx.memberTokens.revoke(callerOf(res), id, tokenId);
    res.status(204).end();
  });

  return router;
}
