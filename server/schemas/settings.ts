import { z } from 'zod';
import { MAX_AI_PAUSE_MINUTES } from '../../workflows/conversation/transitions';

const YEAR_IN_MINUTES = 365 * 24 * 60;
const minutes = z.number().int().min(1).max(YEAR_IN_MINUTES);
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
});
export type LifecycleSettingsBody = z.output<typeof lifecycleSettingsBody>;
