import type { AuditEntry } from './audit';

/** Renders audit entries as one readable line each: time, kind, name, actor, summary. */
export function formatAuditEntries(entries: readonly AuditEntry[]): string[] {
  return entries.map(formatAuditEntry);
}

export function formatAuditEntry(entry: AuditEntry): string {
  const parts = [
    String(entry.index).padStart(4),
    entry.time,
    entry.kind.padEnd(18),
    entry.name ?? '-',
    entry.actor ? `${entry.actor.kind}:${entry.actor.id}` : '-',
  ];
  // The entry this one continues or ends (an activity's scheduling…), so two of one name tell apart.
  if (entry.startIndex !== undefined) parts.push(`of #${entry.startIndex}`);
  if (entry.attempt !== undefined && entry.attempt > 1) parts.push(`attempt ${entry.attempt}`);
  if (entry.durationMs !== undefined) parts.push(`${entry.durationMs}ms`);
  if (entry.summary) parts.push(entry.summary);
  return parts.join('  ');
}
