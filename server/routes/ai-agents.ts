import { Router } from 'express';
import { assistantConfigSchema } from '../../activities/ai/config';
import { AppError } from '../../domain/errors';
import { requireActingAgent, requireAgent } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { entityId } from '../schemas/common';
import { parseInput } from '../schemas/parse';
import { assistantConfig, assistantSettingKey } from '../services/ai-agents';
import { z } from 'zod';

const params = z.object({ id: entityId });

export function aiAgentRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate);

  router.get('/', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const assistants = (await ctx.store.listTeamMembers(website.id)).filter((member) => member.kind === 'ai');
    res.json({ agents: await Promise.all(assistants.map((member) => assistantConfig(ctx.store, website.id, member))) });
  });

  router.put('/:id', async (req, res) => {
    const { website } = requireActingAgent(callerOf(res));
    const { id } = parseInput(params, req.params, 'params');
    const member = await ctx.store.getTeamMember(id);
    if (!member || member.websiteId !== website.id || member.kind !== 'ai') throw new AppError('ERR_NOT_FOUND', `No AI assistant ${id}`);
    const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const config = parseInput(assistantConfigSchema, { name: member.name, ...body, id }, 'body');
    res.json({ agent: await ctx.store.putSetting(website.id, assistantSettingKey(id), config) });
  });

  return router;
}
