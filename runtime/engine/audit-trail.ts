import type { AuditEntry, UnnumberedAuditEntry } from './audit';
import { activitySubject } from './audit-activity-subject';
import { withRecordedEvents } from './audit-recorded-events';

/** Entries that begin what later entries (tied by their activity, update or timer id) continue or end. */
const STARTING_KINDS: ReadonlySet<AuditEntry['kind']> = new Set(['activity_scheduled', 'update_accepted', 'timer_started']);

function keyOf(entry: AuditEntry): string | undefined {
  const id = entry.activityId ? `activity:${entry.activityId}` : entry.updateId ? `update:${entry.updateId}` : entry.timerId ? `timer:${entry.timerId}` : undefined;
  // Ids are unique within a run only.
  return id && `${entry.runId}\u0000${id}`;
}

/**
 * A workflow id's trail from its runs' entries (oldest run first): numbered from 1, each
 * `recordEvents` activity's events as entries of their own, and every entry that continues or ends
 * an activity, update or timer linked to the entry that began it (`startIndex`). An activity's
 * entries name what its input was for (the item of a plugin effect…), so two of the same type tell
 * apart.
 */
export function buildAuditTrail(runEntries: readonly UnnumberedAuditEntry[]): AuditEntry[] {
  const entries: AuditEntry[] = withRecordedEvents(runEntries).map((entry, i) => ({ index: i + 1, ...entry }));
  const starts = new Map<string, AuditEntry>();
  for (const entry of entries) {
    const key = keyOf(entry);
    if (key === undefined) continue;
    if (STARTING_KINDS.has(entry.kind)) {
      starts.set(key, entry);
      if (entry.kind === 'activity_scheduled') nameSubject(entry, entry);
      continue;
    }
    const start = starts.get(key);
    if (!start) continue;
    entry.startIndex = start.index;
    entry.name ??= start.name;
    if (entry.kind.startsWith('activity_')) nameSubject(entry, start);
  }
  return entries;
}

/** Puts what the scheduled activity was for first in the entry's summary: alone on the scheduling, `for …: outcome` after it. */
function nameSubject(entry: AuditEntry, scheduled: AuditEntry): void {
  const subject = activitySubject((scheduled.details as { args?: unknown } | undefined)?.args);
  if (subject === undefined) return;
  if (entry === scheduled) entry.summary = subject;
  else entry.summary = entry.summary ? `for ${subject}: ${entry.summary}` : `for ${subject}`;
}
