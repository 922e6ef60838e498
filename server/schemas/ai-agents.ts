/** `/v1/ai-agents` requests: an assistant's configuration as a body, validated by the assistant schema (activities/ai/config.ts). */
import { z } from 'zod';
import { assistantConfigFields, checkFieldsTogether } from '../../activities/ai';
import { entityId, pathParams, personName } from './common';
import { chosenMemberId } from './team';

export const assistantParams = pathParams(z.object({ id: entityId }));

/**
 * A PUT body: an object with the configuration's fields only (the id is the path's); a name as a
 * team member's. Fields that only mean something together are checked once defaults are filled in.
 */
export const assistantReplacementBody = assistantConfigFields.partial().extend({ name: personName.optional() }).strict();

/**
 * A POST body: a whole configuration, its name required (the assistant's, as the team and visitors
 * read it) and its `id` chosen or left to the server; what it leaves out takes its default.
 */
export const newAssistantBody = assistantConfigFields.extend({ id: chosenMemberId.optional(), name: personName }).strict().superRefine(checkFieldsTogether);
