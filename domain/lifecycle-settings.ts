/**
 * A website's lifecycle settings in the API's terms (minutes; `null`: never), as
 * `/v1/settings/lifecycle` reads and writes them: here, where the server and the pages both read it.
 */
import type { Priority } from './conversation';

export interface LifecycleSettingsView {
  firstResponseMinutes: Record<Priority, number | null>;
  bumpPriorityOnSlaBreach: boolean;
  autoResolveAfterMinutes: number | null;
  retentionAfterResolveMinutes: number;
  defaultAiPauseMinutes: number;
  aiTakesReopened: boolean;
  /** How long a person may be offline before their open conversations go back to the team; null: never. */
  releaseOfflineAssigneesAfterMinutes: number | null;
  /** A person's first reply in an open conversation nobody is assigned takes it: assigned to them (server/services/reply-joins.ts). */
  assignOnReply: boolean;
}
