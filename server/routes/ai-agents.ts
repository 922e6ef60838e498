/**
 * AI assistant configurations: read and replaced whole by the team, validated with the assistant schema
 * and kept in the website settings under the key the AI activities read them from.
 */
import { Router } from 'express';
import { z } from 'zod';
import { assistantConfigSchema, assistantSettingKey, loadAssistantConfig, modelProblem, openAiSettingsFromEnv } from '../../activities/ai';
import type { AssistantConfig } from '../../domain/assistant';
import { AppError } from '../../domain/errors';
import type { TeamMember } from '../../domain/people';
import { requireActingPerson, requireAgent, type AgentCaller } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { entityId } from '../schemas/common';
import { parseInput } from '../schemas/parse';

const params = z.object({ id: entityId });
/** A PUT body: an object with the configuration's fields only (the id is the path's). */
const replacement = assistantConfigSchema.partial().strict();

export function aiAgentRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);
  const openai = ctx.openai ?? openAiSettingsFromEnv();

  /** A configuration whose model this server can run: saved otherwise, every turn would hand the conversation to the team. */
  const runnable = (config: AssistantConfig): AssistantConfig => {
    const problem = modelProblem(config.model, openai);
    if (problem) throw new AppError('ERR_INVALID_INPUT', problem, { fields: [{ path: 'body.model', message: problem }] });
    return config;
  };

  /** The website's AI assistant named by the path; 404 for anyone else. */
  const assistantOf = async (agent: AgentCaller, pathParams: unknown): Promise<TeamMember> => {
    const { id } = parseInput(params, pathParams, 'params');
    const member = await ctx.store.getTeamMember(id);
    if (!member || member.websiteId !== agent.website.id || member.kind !== 'ai') throw new AppError('ERR_NOT_FOUND', `No AI assistant ${id}`);
    return member;
  };

  router.get('/', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const assistants = (await ctx.store.listTeamMembers(website.id)).filter((member) => member.kind === 'ai');
    res.json({ agents: await Promise.all(assistants.map((member) => loadAssistantConfig(ctx.store, member.id))) });
  });

  router.get('/:id', async (req, res) => {
    const member = await assistantOf(requireAgent(callerOf(res)), req.params);
    res.json({ agent: await loadAssistantConfig(ctx.store, member.id) });
  });

  router.put('/:id', async (req, res) => {
    const agent = requireActingPerson(callerOf(res));
    const member = await assistantOf(agent, req.params);
    // The whole configuration: a field left out takes its default, a field not in it (a typo) is refused.
    const body = parseInput(replacement, req.body, 'body');
    if (body.id !== undefined && body.id !== member.id) {
      throw new AppError('ERR_INVALID_INPUT', 'The configuration names another assistant', { fields: [{ path: 'body.id', message: `expected ${member.id}, the id in the path` }] });
    }
    const config = runnable(parseInput(assistantConfigSchema, { name: member.name, ...body, id: member.id }, 'body'));
    res.json({ agent: await ctx.store.putSetting(agent.website.id, assistantSettingKey(member.id), config) });
  });

  return router;
}
