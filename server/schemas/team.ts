import { z } from 'zod';
import { ROUTING_ACTOR } from '../../activities/ai';
import { LIFECYCLE_ACTOR } from '../../workflows/conversation/definitions';
import { BACKEND_VIEWER_ID } from '../caller';
import { tag } from '../../domain/label-schema';
import { MEMBER_STATUSES } from '../../domain/people';
import { clientItemId, entityId, pathParams, personName, strictQuery } from './common';

/** Ids that name someone else already: the secret key without an actor, and the system's own actors in the timeline. */
const RESERVED_IDS = [BACKEND_VIEWER_ID, LIFECYCLE_ACTOR.id, ROUTING_ACTOR.id];

/** Open conversations a person takes at once from the team queues. */
const MAX_CAPACITY = 100;
const DEFAULT_CAPACITY = 10;

/** The routing teams a person belongs to, spelled as routing rules name them; a repeat counts once. */
const teams = z
  .array(tag)
  .max(20)
  .transform((names) => [...new Set(names)]);
const capacity = z.number().int().min(1).max(MAX_CAPACITY);
const status = z.enum(MEMBER_STATUSES);

export const memberParams = pathParams(z.strictObject({ id: entityId }));

/** A team member's id a client chooses (a person's or an AI assistant's): not one the system's actors go by. */
export const chosenMemberId = clientItemId.refine((id) => !RESERVED_IDS.includes(id), { error: (issue) => `${String(issue.input)} is reserved` });

/** A new person on the team: with a client-chosen `id`, a retry is safe; without, the server gives one. */
export const newMemberBody = z.strictObject({
  id: chosenMemberId.optional(),
  name: personName,
  teams: teams.default([]),
  capacity: capacity.default(DEFAULT_CAPACITY),
});

export type NewMember = z.output<typeof newMemberBody>;

/** What a `PATCH` may change of a person (an admin's change: their status too); what it leaves out stays. */
export const memberChangeBody = z
  .strictObject({ name: personName, teams, capacity, status })
  .partial()
  .refine((change) => Object.keys(change).length > 0, { error: 'nothing to change: give name, teams, capacity or status' });
export type MemberChange = z.output<typeof memberChangeBody>;

/** A person's own status (`PUT /v1/team/me/status`). */
export const memberStatusBody = z.strictObject({ status });

/** A member token lives 12 hours unless asked otherwise: at least a minute, at most a week. */
const TOKEN_LIFETIME_SECONDS = { default: 12 * 3600, min: 60, max: 7 * 24 * 3600 };

/** A new member token: how long it lives, and whether it may change the website's configuration (`admin`). */
export const newMemberTokenBody = z.strictObject({
  expiresInSeconds: z.number().int().min(TOKEN_LIFETIME_SECONDS.min).max(TOKEN_LIFETIME_SECONDS.max).default(TOKEN_LIFETIME_SECONDS.default),
  role: z.enum(['agent', 'admin']).default('agent'),
});

export const memberTokenParams = pathParams(z.strictObject({ id: entityId, tokenId: z.string().regex(/^mt_[0-9a-f]{24}$/, 'expected a token id (mt_ and 24 hex digits)') }));

/** Whose names a widget asks for: ids its timelines name (`?ids=a,b`, at most 50). */
export const memberNamesQuery = strictQuery({
  ids: z
    .string({ error: 'expected one comma-separated list' })
    .transform((list) => [...new Set(list.split(','))])
    .pipe(z.array(entityId).min(1).max(50)),
});
