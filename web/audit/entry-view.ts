/**
 * An audit entry as the audit page shows it: which group it belongs to (for filtering), a title,
 * who did it, how it ended, its timing, and for AI model calls the tools the model asked for.
 */
import { EVENT_KINDS } from '../../domain/timeline';
import { describeEvent } from '../shared/item-view';
import { previousAssignees } from '../shared/previous-assignees';
import type { Words } from '../shared/words';
import type { AuditEntry, TimelineEvent } from '../shared/wire';
import { isBookkeeping } from './bookkeeping';
import type { Ending } from './outcomes';
import type { AuditPeople } from './people';

export const AUDIT_GROUPS = ['lifecycle', 'signal', 'update', 'activity', 'ai', 'timer', 'workflow', 'bookkeeping'] as const;
export type AuditGroup = (typeof AUDIT_GROUPS)[number];

export type Outcome = 'ok' | 'pending' | Ending;

export interface ToolCallView {
  toolName: string;
  input: unknown;
}

export interface AuditEntryView {
  index: number;
  time: string;
  /** The date and time, compactly: trails span days. */
  when: string;
  group: AuditGroup;
  /** What happened, the names and titles people wrote in it set apart. */
  title: Words;
  actor?: Words;
  outcome: Outcome;
  /** The index of the entry it continues or ends (an activity's scheduling, an update's acceptance, a timer's start). */
  of?: number;
  /** Duration and attempt, when there are any. */
  facts: string[];
  summary?: string;
  toolCalls: ToolCallView[];
}

/** What the page knows of the whole trail, to describe one of its entries. */
export interface TrailReading {
  /** How what an entry began ended (outcomes.ts). */
  endings?: ReadonlyMap<number, Outcome>;
  /** Names for ids; without it, ids. */
  people?: AuditPeople;
  /** The index of each reassignment's entry, to whom it took the conversation from (reassignmentsOf). */
  reassignedFrom?: ReadonlyMap<number, string>;
}

/** The activity that calls the AI model (activities/ai); its entries are shown as AI model calls. */
const MODEL_ACTIVITY = 'callModel';

const KIND_LABELS: Record<AuditEntry['kind'], { group: AuditGroup; verb: string; outcome: Outcome }> = {
  workflow_started: { group: 'workflow', verb: 'Workflow started', outcome: 'ok' },
  signal_received: { group: 'signal', verb: 'Signal', outcome: 'ok' },
  // What began shows how it ended (from the later entries), not a fixed badge.
  update_accepted: { group: 'update', verb: 'Update accepted', outcome: 'ok' },
  update_rejected: { group: 'update', verb: 'Update rejected', outcome: 'rejected' },
  update_completed: { group: 'update', verb: 'Update completed', outcome: 'ok' },
  activity_scheduled: { group: 'activity', verb: 'Activity scheduled', outcome: 'ok' },
  event_recorded: { group: 'lifecycle', verb: 'Lifecycle change', outcome: 'ok' },
  activity_completed: { group: 'activity', verb: 'Activity completed', outcome: 'ok' },
  activity_failed: { group: 'activity', verb: 'Activity failed', outcome: 'failed' },
  activity_retrying: { group: 'activity', verb: 'Activity will retry', outcome: 'retrying' },
  activity_cancelled: { group: 'activity', verb: 'Activity cancelled', outcome: 'cancelled' },
  workflow_task_failed: { group: 'workflow', verb: 'Workflow task failed', outcome: 'failed' },
  timer_started: { group: 'timer', verb: 'Timer started', outcome: 'ok' },
  timer_fired: { group: 'timer', verb: 'Timer fired', outcome: 'ok' },
  timer_cancelled: { group: 'timer', verb: 'Timer cancelled', outcome: 'cancelled' },
  continued_as_new: { group: 'workflow', verb: 'Continued as new', outcome: 'ok' },
  workflow_completed: { group: 'workflow', verb: 'Workflow completed', outcome: 'ok' },
  workflow_failed: { group: 'workflow', verb: 'Workflow failed', outcome: 'failed' },
};

function toolCallsOf(entry: AuditEntry): ToolCallView[] {
  const result = (entry.details as { result?: { toolCalls?: unknown } } | undefined)?.result;
  if (!Array.isArray(result?.toolCalls)) return [];
  return (result.toolCalls as Array<{ toolName?: unknown; input?: unknown }>).map((call) => ({ toolName: String(call.toolName), input: call.input }));
}

/** The date and time of an entry, compactly ("Dec 5, 03:20:16"), in the reader's locale and zone. */
export function entryWhen(time: string): string {
  return new Date(time).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The lifecycle event an `event_recorded` entry holds (`details.event` is `{ author, event }`), when it is of a kind this page knows. */
function recordedEvent(entry: AuditEntry): TimelineEvent | undefined {
  if (entry.kind !== 'event_recorded') return undefined;
  const event = (entry.details as { event?: { event?: { kind?: unknown } } } | undefined)?.event?.event;
  return (EVENT_KINDS as readonly unknown[]).includes(event?.kind) ? (event as TimelineEvent) : undefined;
}

/** Each reassignment's entry index, to whom it took the conversation from, from the trail's lifecycle changes before it. */
export function reassignmentsOf(entries: readonly AuditEntry[]): Map<number, string> {
  const events = entries.flatMap((entry) => {
    const event = recordedEvent(entry);
    return event ? [[entry.index, event] as const] : [];
  });
  return previousAssignees(events);
}

/**
 * A lifecycle change reads as the inbox's timeline words it, naming people ("Assigned to Alice
 * Martin (usr_alice)"), its reason as the summary; one of a kind this page does not know, as the
 * server summed it up.
 */
function lifecycleText(entry: AuditEntry, { people, reassignedFrom }: TrailReading): { title: Words; summary?: string } | undefined {
  const event = recordedEvent(entry);
  if (event === undefined) return entry.summary === undefined ? undefined : { title: [entry.summary], summary: undefined };
  const context = { reader: 'agent', nameOf: (id: string) => people?.nameOf(id) ?? id, besideName: (id: string) => people?.besideName(id), isOwn: () => false, formatTime: entryWhen } as const;
  const { text, detail } = describeEvent(event, context, reassignedFrom?.get(entry.index));
  return { title: text, summary: detail };
}

/** The title and summary of any other entry: what happened and to what. */
function entryText(entry: AuditEntry, verb: string, isModelCall: boolean): { title: Words; summary?: string } {
  const title = isModelCall ? verb.replace('Activity', 'AI model call') : entry.name ? `${verb}: ${entry.name}` : verb;
  return { title: [title], summary: entry.summary };
}

export function describeAuditEntry(entry: AuditEntry, reading: TrailReading = {}): AuditEntryView {
  const { endings, people } = reading;
  const label = KIND_LABELS[entry.kind] ?? { group: 'workflow', verb: entry.kind, outcome: 'ok' };
  const isModelCall = label.group === 'activity' && entry.name === MODEL_ACTIVITY;
  const facts = [
    entry.durationMs !== undefined ? `${entry.durationMs} ms` : undefined,
    entry.attempt !== undefined && entry.attempt > 1 ? `attempt ${entry.attempt}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  const outcome = endings?.get(entry.index) ?? label.outcome;
  return {
    index: entry.index,
    time: entry.time,
    when: entryWhen(entry.time),
    group: isBookkeeping(entry, outcome) ? 'bookkeeping' : isModelCall ? 'ai' : label.group,
    ...((entry.kind === 'event_recorded' && lifecycleText(entry, reading)) || entryText(entry, label.verb, isModelCall)),
    actor: entry.actor ? (people?.actor(entry.actor) ?? [`${entry.actor.kind} ${entry.actor.id}`]) : undefined,
    outcome,
    of: entry.startIndex,
    facts,
    toolCalls: isModelCall ? toolCallsOf(entry) : [],
  };
}
