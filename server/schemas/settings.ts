import { z } from 'zod';
import { PRIORITIES } from '../../domain/conversation';
import { tag } from '../../domain/label-schema';
import { MAX_LIFECYCLE_MINUTES } from '../../workflows/conversation/definitions';
import { MAX_AI_PAUSE_MINUTES } from '../../domain/operation-schema';
import { MAX_OFFLINE_RELEASE_MINUTES } from '../../activities/lifecycle-settings';

const minutes = z.number().int().min(1).max(MAX_LIFECYCLE_MINUTES);
/** A priority's first-response target; null: no target for it. */
const target = minutes.nullable();

/**
 * A website's lifecycle settings as the API takes them, in minutes. A PUT replaces them whole: a
 * field left out (or a priority left out of `firstResponseMinutes`) takes its default; a field
 * the settings do not have is refused.
 */
export const lifecycleSettingsBody = z.strictObject({
  firstResponseMinutes: z.strictObject({ low: target, medium: target, high: target, urgent: target }).partial().optional(),
  bumpPriorityOnSlaBreach: z.boolean().optional(),
  /** null: never. */
  autoResolveAfterMinutes: minutes.nullable().optional(),
  retentionAfterResolveMinutes: minutes.optional(),
  defaultAiPauseMinutes: minutes.max(MAX_AI_PAUSE_MINUTES).optional(),
  aiTakesReopened: z.boolean().optional(),
  /** null: never. */
  releaseOfflineAssigneesAfterMinutes: minutes.max(MAX_OFFLINE_RELEASE_MINUTES).nullable().optional(),
  assignOnReply: z.boolean().optional(),
});
export type LifecycleSettingsBody = z.output<typeof lifecycleSettingsBody>;

/** A team's name, spelled as tags are. */
const team = tag;

/**
 * Where escalated conversations go: the first rule whose tags (any of them) and priorities (if it
 * lists some) match the conversation names its team; none matching, `defaultTeam`. A PUT replaces them.
 */
export const routingRulesBody = z.strictObject({
  rules: z
    .array(
      z
        .strictObject({ team, tags: z.array(tag).max(20).optional(), priorities: z.array(z.enum(PRIORITIES)).max(PRIORITIES.length).optional() })
        .refine((rule) => (rule.tags?.length ?? 0) + (rule.priorities?.length ?? 0) > 0, { error: 'a rule needs tags or priorities to match', path: ['tags'] }),
    )
    .max(50),
  defaultTeam: team,
});
