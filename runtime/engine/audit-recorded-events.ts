/**
 * Lifecycle changes made inside the workflow (a plugin reaction's, the AI assistant's, routing's,
 * as well as the team's) reach the history only as the input of a `recordEvents` activity. Each
 * event in that input becomes its own trail entry, right after the activity's `activity_scheduled`
 * (when the workflow decided it): what changed, by whom, and why when the event says.
 */
import { summarizeEvent } from '../../plugins/builtin/event';
import { timelineEventSchema } from '../../plugins/builtin/event-schema';
import { actorOf, summarize, type UnnumberedAuditEntry } from './audit';

/** The activity (activities/conversation.ts) whose input is `(conversationId, RecordedEvent[])`. */
const RECORD_EVENTS = 'recordEvents';

/** The entries in order, each `recordEvents` scheduling followed by one `event_recorded` entry per event it records. */
export function withRecordedEvents(entries: readonly UnnumberedAuditEntry[]): UnnumberedAuditEntry[] {
  return entries.flatMap((entry) => (entry.kind === 'activity_scheduled' && entry.name === RECORD_EVENTS ? [entry, ...eventEntries(entry)] : [entry]));
}

/** The events a `recordEvents` input records, as the activity receives them (`{ author, event: { kind, … } }`). */
export function recordedEventsOf(args: unknown): Array<{ author?: unknown; event: { kind: string } }> {
  const events = Array.isArray(args) ? args.find(Array.isArray) : undefined;
  return (events ?? []).filter((recorded: unknown): recorded is { event: { kind: string } } => typeof (recorded as { event?: { kind?: unknown } })?.event?.kind === 'string');
}

function eventEntries(scheduled: UnnumberedAuditEntry): UnnumberedAuditEntry[] {
  const { time, runId, activityId } = scheduled;
  return recordedEventsOf((scheduled.details as { args?: unknown } | undefined)?.args).map((recorded) => ({
    time,
    runId,
    kind: 'event_recorded',
    name: recorded.event.kind,
    actor: actorOf([recorded]),
    summary: eventSummary(recorded.event),
    activityId,
    details: { event: recorded },
  }));
}

/** The event's sentence as the timeline words it; an event of a shape this version does not know, as JSON. */
function eventSummary(event: unknown): string | undefined {
  const parsed = timelineEventSchema().safeParse(event);
  return parsed.success ? summarizeEvent(parsed.data) : summarize(event);
}
