/** `/v1/ai-agents` requests: an assistant's configuration as a body, validated by the assistant schema (activities/ai/config.ts). */
import { z } from 'zod';
import { assistantConfigFields, checkFieldsTogether } from '../../activities/ai';
import { entityId, pathParams, personName } from './common';
import { chosenMemberId } from './team';

export const assistantParams = pathParams(z.object({ id: entityId }));

/**
 * A PUT or PATCH body once laid over what it changes (routes/ai-agents.ts): a whole configuration
 * with its fields only, a name as a team member's. Checked after merging, so a part valid alone but
 * not with what is stored (a start equal to the stored end) is refused, naming the field sent.
 */
export const assistantChangedConfig = assistantConfigFields.extend({ name: personName }).strict().superRefine(checkFieldsTogether);

/**
 * A POST body: a whole configuration, its name required (the assistant's, as the team and visitors
 * read it) and its `id` chosen or left to the server; what it leaves out takes its default.
 */
export const newAssistantBody = assistantConfigFields.extend({ id: chosenMemberId.optional(), name: personName }).strict().superRefine(checkFieldsTogether);
