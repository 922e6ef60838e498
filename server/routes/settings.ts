/**
 * A website's settings the team changes through the API: the conversation lifecycle's, and where
 * escalations go. Each is read with its revision as `ETag`, and written over it only when `If-Match`
 * names it (setting-revisions.ts).
 */
import { Router } from 'express';
import { ROUTING_RULES_SETTING, routingRulesOf } from '../../activities/ai';
import { AppError } from '../../domain/errors';
import { staffedTeams, type RoutingRules } from '../../workflows/routing/team-rules';
import { authorOf, requireActingPerson, requireAgent } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { parseInput } from '../schemas/parse';
import { lifecycleSettingsBody, routingRulesBody, type LifecycleSettingsBody } from '../schemas/settings';
import { DEFAULT_LIFECYCLE_VIEW, LIFECYCLE_SETTINGS_KEY, withLifecycleDefaults, type LifecycleSettingsView } from '../../activities/lifecycle-settings';
import { heldRevisions, readRevised, tagged } from '../setting-revisions';

export function settingsRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);

  router.get('/lifecycle', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const { value, revision } = await readRevised(ctx.store, website.id, LIFECYCLE_SETTINGS_KEY, withLifecycleDefaults);
    tagged(res, revision).json({ settings: value });
  });

  // New workflows start with them (other instances as they hear the word); running ones are told by the website changes workflow.
  router.put('/lifecycle', async (req, res) => {
    const caller = callerOf(res);
    const { website } = requireActingPerson(caller);
    const settings = completeSettings(parseInput(lifecycleSettingsBody, req.body, 'body'));
    // Told before the write too, so settings written by an instance that stopped right after still reach running
    // conversations (a write refused for its If-Match then only has them read the settings they have).
    await ctx.websiteChanges.changed(website.id, authorOf(caller), ['settings']);
    const { revision } = await ctx.store.putSetting(website.id, LIFECYCLE_SETTINGS_KEY, settings, { ifRevision: heldRevisions(req) });
    ctx.workflowStarts.forget(website.id);
    await ctx.publisher.websiteChanged(website.id, { team: false, settings: true });
    await ctx.websiteChanges.changed(website.id, authorOf(caller), ['settings']);
    tagged(res, revision).json({ settings });
  });

  router.get('/routing', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const { value, revision } = await readRevised(ctx.store, website.id, ROUTING_RULES_SETTING, routingRulesOf);
    tagged(res, revision).json({ routing: value });
  });

  // Read by every routing decision, so the next escalation on any instance follows it.
  router.put('/routing', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const routing = parseInput(routingRulesBody, req.body, 'body');
    // With the team's changes, one at a time: a removal at the same moment cannot empty a team these name.
    const stored = await ctx.store.changeTeam(website.id, async (session) => {
      refuseUnstaffedTeams(routing, staffedTeams(await ctx.store.listTeamMembers(website.id, session)));
      return ctx.store.putSetting(website.id, ROUTING_RULES_SETTING, routing, { session, ifRevision: heldRevisions(req) });
    });
    // The widget's next `GET /v1/websites` here reads them (other instances hear the word below).
    ctx.widgetSettings.forget(website.id);
    // Who routing gives conversations to may have changed (`routed` in `GET /v1/team`): the Team page reads it again.
    await ctx.publisher.websiteChanged(website.id, { team: true, settings: false });
    tagged(res, stored.revision).json({ routing: stored.value });
  });

  return router;
}

/** A team no member belongs to has a queue nobody takes from: its escalations would wait for ever. */
function refuseUnstaffedTeams({ rules, defaultTeam }: RoutingRules, staffed: ReadonlySet<string>): void {
  const named = [...rules.map((rule, i) => ({ path: `body.rules.${i}.team`, team: rule.team })), { path: 'body.defaultTeam', team: defaultTeam }];
  const unstaffed = named.filter(({ team }) => !staffed.has(team));
  if (unstaffed.length === 0) return;
  throw new AppError('ERR_INVALID_INPUT', `No team member belongs to ${[...new Set(unstaffed.map((u) => u.team))].join(', ')}`, {
    fields: unstaffed.map(({ path, team }) => ({ path, message: `no team member belongs to team ${team}` })),
  });
}

/** A PUT's body with the defaults filled in. */
function completeSettings(body: LifecycleSettingsBody): LifecycleSettingsView {
  return { ...DEFAULT_LIFECYCLE_VIEW, ...body, firstResponseMinutes: { ...DEFAULT_LIFECYCLE_VIEW.firstResponseMinutes, ...body.firstResponseMinutes } };
}
