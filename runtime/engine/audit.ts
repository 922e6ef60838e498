import { clipWithEllipsis } from '../../domain/cut-text';
import { withDirectionShown } from '../../domain/readable-text';

/** One line of a workflow's audit trail, as both engines report it from their histories. */
export interface AuditEntry {
  /** Position in the whole trail (all runs of the workflow id), from 1. */
  index: number;
  /** ISO time. */
  time: string;
  runId: string;
  kind: AuditKind;
  /** Signal/update/activity/workflow type name; the timer summary if any. */
  name?: string;
  /** `arg.actor ?? arg.author` of a signal/update's single object argument, when it has `{ kind, id }`. */
  actor?: AuditActor;
  /** Short human-readable summary of arguments/result/error. */
  summary?: string;
  attempt?: number;
  durationMs?: number;
  /** The activity's id in its run, on every activity entry and on the `event_recorded` entries of a `recordEvents` activity. */
  activityId?: string;
  /** The update's id, on update entries. */
  updateId?: string;
  /** The timer's id in its run, on timer entries. */
  timerId?: string;
  /**
   * Index of the entry that began what this entry continues or ends: its activity's
   * `activity_scheduled`, its update's `update_accepted`, its timer's `timer_started`.
   */
  startIndex?: number;
  /** Arguments / result / failure, JSON-safe. */
  details?: unknown;
}

export interface AuditActor {
  kind: string;
  id: string;
}

export type AuditKind =
  | 'workflow_started'
  | 'signal_received'
  | 'update_accepted'
  | 'update_rejected'
  | 'update_completed'
  | 'activity_scheduled'
  /** One timeline event a `recordEvents` activity was scheduled to write: a lifecycle change, who made it, why. */
  | 'event_recorded'
  | 'activity_completed'
  | 'activity_failed'
  | 'activity_retrying'
  | 'activity_cancelled'
  | 'workflow_task_failed'
  | 'timer_started'
  | 'timer_fired'
  | 'timer_cancelled'
  | 'continued_as_new'
  | 'workflow_completed'
  | 'workflow_failed';

/** An audit entry before it gets its place in the trail. */
export type UnnumberedAuditEntry = Omit<AuditEntry, 'index'>;

/** By convention every signal/update takes one object argument; its `actor` (or `author`) names who sent it. */
export function actorOf(args: unknown[]): AuditActor | undefined {
  const [first] = args;
  if (typeof first !== 'object' || first === null) return undefined;
  const candidate = (first as { actor?: unknown; author?: unknown }).actor ?? (first as { author?: unknown }).author;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { kind, id } = candidate as { kind?: unknown; id?: unknown };
  return typeof kind === 'string' && typeof id === 'string' ? { kind, id } : undefined;
}

const SUMMARY_LIMIT = 120;

/** A one-line, bounded rendering of arguments or a result. */
export function summarize(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) && value.length === 1 ? value[0] : value;
  const text = typeof values === 'string' ? values : JSON.stringify(values);
  if (text === undefined) return undefined;
  // A visitor's right-to-left override would turn the rest of the line around, the closing quote included.
  return clipWithEllipsis(withDirectionShown(text), SUMMARY_LIMIT);
}

/** A timeline item as people name it: its type, then its text (`message "How do I reset my password?"`). */
function itemHeadline(value: Record<string, unknown>): string | undefined {
  if (typeof value.type !== 'string' || typeof value.id !== 'string') return undefined;
  return typeof value.text === 'string' ? `${value.type} ${JSON.stringify(value.text)}` : value.type;
}

/** Signal or update arguments, summarized without who asks or wrote (the entry's actor shows that). */
export function summarizeArgs(args: unknown[]): string | undefined {
  const [first, ...rest] = args;
  if (actorOf(args) === undefined || typeof first !== 'object' || first === null) return summarize(args);
  const { actor: _actor, author: _author, ...own } = first as Record<string, unknown>;
  const headline = rest.length === 0 ? itemHeadline(own) : undefined;
  return headline === undefined ? summarize([own, ...rest]) : summarize(headline);
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
] as const;

/**
 * A duration as people write it: 250 ms, 1.5 s, then its largest unit and the next one when not
 * zero, to the second (895879 ms is 14 min 56 s; 1 h; 1 d 2 h).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms); // a record's odd value must not fail the whole trail
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  const seconds = Math.round(ms / 1_000) * 1_000;
  const largest = UNITS.findIndex(([, size]) => seconds >= size);
  const [unit, size] = UNITS[largest]!;
  const next = UNITS[largest + 1];
  const rest = next ? Math.floor((seconds % size) / next[1]) : 0;
  return rest > 0 && next ? `${Math.floor(seconds / size)} ${unit} ${rest} ${next[0]}` : `${Math.floor(seconds / size)} ${unit}`;
}
