/**
 * The website's AI assistant: created, read, replaced whole or changed in part, and deleted by the team. Its
 * configuration is validated with the assistant schema and kept in the website settings under the
 * key the AI activities read it from; the assistant itself is a team member (kind `ai`). One
 * assistant is read with its configuration's revision as `ETag`, and written over it only when
 * `If-Match` names it (setting-revisions.ts).
 */
import { Router, type Request, type Response } from 'express';
import { assistantConfigOf, assistantSettingKey, loadAssistantConfig, modelProblem } from '../../activities/ai';
import { newId } from '../../activities/store';
import type { AssistantConfig } from '../../domain/assistant';
import type { TeamMember } from '../../domain/people';
import { AppError, isAppError } from '../../domain/errors';
import { requireAgent } from '../caller';
import type { ApiContext } from '../context';
import { mergePatch } from '../merge-patch';
import { callerOf } from '../middleware/authenticate';
import { assistantChangedConfig, assistantParams, newAssistantBody } from '../schemas/ai-agents';
import { parseInput } from '../schemas/parse';
import { teamChangeBy } from '../services/team-members';
import { heldRevisions, readRevised, tagged } from '../setting-revisions';

/** The configuration's optional fields: given as `null`, one is taken off (a PATCH's way to clear it; a PUT may leave it out). */
const CLEARABLE_FIELDS = ['businessHours', 'raisePriorityOnEscalation', 'welcomeMessages'] as const;

/** The body without its optional fields given as `null`, and those fields; a body that is not an object as it is (its parse refuses it). */
function clearedFields(body: unknown): { given: unknown; cleared: Array<(typeof CLEARABLE_FIELDS)[number]> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { given: body, cleared: [] };
  const fields = body as Record<string, unknown>;
  const cleared = CLEARABLE_FIELDS.filter((field) => fields[field] === null);
  return { given: Object.fromEntries(Object.entries(fields).filter(([field]) => !(cleared as string[]).includes(field))), cleared };
}

/** How many times a PATCH without `If-Match` is merged again over another save that came between its read and its write. */
const MERGE_ATTEMPTS = 5;

/**
 * `write` (a read, a merge, a write over the revision read), again while another save comes between.
 * The caller held to no revision, so running out of tries is a conflict (`409`), not its `412`.
 */
async function withMergesRetried<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(isAppError(error) && error.code === 'ERR_PRECONDITION_FAILED')) throw error;
      if (attempt === MERGE_ATTEMPTS) throw new AppError('ERR_CONFLICT', 'Others kept saving this assistant while this change was merged over it: send it again');
    }
  }
}

export function aiAgentRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);

  /** A configuration whose model this server can run: saved otherwise, every turn would hand the conversation to the team. */
  const runnable = (config: AssistantConfig): AssistantConfig => {
    const problem = modelProblem(config.model, ctx.openai);
    if (problem) throw new AppError('ERR_INVALID_INPUT', problem, { fields: [{ path: 'body.model', message: problem }] });
    return config;
  };
  /** The website's AI assistant named by the path; 404 for anyone else. */
  const assistantOf = (websiteId: string, pathParams: unknown) => ctx.teamMembers.ofKind(websiteId, parseInput(assistantParams, pathParams, 'params').id, 'ai');

  router.get('/', async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const assistants = (await ctx.store.listTeamMembers(website.id)).filter((member) => member.kind === 'ai');
    res.json({ agents: await Promise.all(assistants.map((member) => loadAssistantConfig(ctx.store, member.id))) });
  });

  router.post('/', async (req, res) => {
    const change = teamChangeBy(callerOf(res));
    const body = parseInput(newAssistantBody, req.body, 'body');
    const config = runnable({ ...body, id: body.id ?? newId('ai') });
    const { agent, created } = await ctx.teamMembers.addAssistant(change, config, { idChosen: body.id !== undefined });
    // Its ETag too, so an admin's next write can hold to what they made (one read more, on a creation).
    const { revision } = await readRevised(ctx.store, change.websiteId, assistantSettingKey(agent.id), () => agent);
    tagged(res, revision).status(created ? 201 : 200).json({ agent });
  });

  router.get('/:id', async (req, res) => {
    const member = await assistantOf(requireAgent(callerOf(res)).website.id, req.params);
    const { value, revision } = await readRevised(ctx.store, member.websiteId, assistantSettingKey(member.id), assistantConfigOf(member));
    tagged(res, revision).json({ agent: value });
  });

  /**
   * Saves the assistant's configuration: the body merged over `base` (its name, or for a PATCH what
   * it has now, with the revision read) as a JSON merge patch, then checked whole. A field not in the
   * configuration (a typo) is refused. A PATCH is written over the very revision it was merged over:
   * with `If-Match`, the one it names, or nothing is written; without, the one read, merged again
   * over what another save left if one came between (two admins changing two fields both keep theirs).
   */
  const save = (base: (member: TeamMember) => Promise<{ value: Partial<AssistantConfig>; revision?: number }>) => async (req: Request, res: Response) => {
    const change = teamChangeBy(callerOf(res));
    const { websiteId } = change;
    const member = await assistantOf(websiteId, req.params);
    const { given, cleared } = clearedFields(req.body ?? {});
    const namedId = (given as { id?: unknown }).id;
    if (namedId !== undefined && namedId !== member.id) {
      throw new AppError('ERR_INVALID_INPUT', 'The configuration names another assistant', { fields: [{ path: 'body.id', message: `expected ${member.id}, the id in the path` }] });
    }
    const held = heldRevisions(req);
    const merged = async () => {
      const { value, revision } = await base(member);
      const kept: Partial<AssistantConfig> = { ...value, id: member.id };
      for (const field of cleared) delete kept[field];
      // Merged before it is checked: the schema fills in defaults, which must not replace stored nested fields the body did not name.
      const config = runnable(parseInput(assistantChangedConfig, mergePatch(kept, given), 'body'));
      const saved = await ctx.store.putSetting(websiteId, assistantSettingKey(member.id), config, { ifRevision: held ?? (revision === undefined ? undefined : [revision]) });
      return { saved, renamed: config.name !== (value.name ?? member.name) };
    };
    const { saved, renamed } = await (held === undefined ? withMergesRetried(merged) : merged());
    const { value: agent, revision } = saved;
    // Timelines, the widget and the team list name it as a team member: a new name is theirs too. Only
    // a save that changed the name renames: one merged over another's new name would rename again, late.
    // The name is the one stored as the rename's change of the team begins (changes of a website's team
    // take turns, on every instance): of two renames at once, the one applied last reads the later save's.
    const storedName = async () => ({ name: (await readRevised(ctx.store, websiteId, assistantSettingKey(member.id), assistantConfigOf(member))).value.name });
    if (renamed) await ctx.teamMembers.change(change, member.id, storedName, 'ai');
    // The widget's `GET /v1/websites` reads it at once, here and (told by the change feed) on every other instance.
    ctx.widgetSettings.forget(websiteId);
    await ctx.publisher.websiteChanged(websiteId, { team: false, settings: true });
    tagged(res, revision).json({ agent });
  };

  // The whole configuration: a field left out takes its default.
  router.put('/:id', save(async (member) => ({ value: { name: member.name } })));
  // Some fields: the others stay as they are (a switch to turn it off leaves its knowledge alone).
  router.patch('/:id', save((member) => readRevised(ctx.store, member.websiteId, assistantSettingKey(member.id), assistantConfigOf(member))));

  router.delete('/:id', async (req, res) => {
    const change = teamChangeBy(callerOf(res));
    await ctx.teamMembers.remove(change, parseInput(assistantParams, req.params, 'params').id, 'ai');
    res.status(204).end();
  });

  return router;
}
