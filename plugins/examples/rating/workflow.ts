/**
 * `rating`: the visitor's satisfaction score (CSAT, 1–5) once the conversation is resolved.
 * Reaction: a score below 3 reopens a resolved conversation and raises its priority to `high`.
 */
import { z } from 'zod';
import type { LifecycleOperation, Priority } from '../../../domain';
import { readableText } from '../../../domain/label-schema';
import { defineItemType, definePlugin } from '../../define';

/** Scores below this reopen the conversation. */
export const LOW_SCORE = 3;

const ratingSchema = z.object({
  score: z.number().int().min(1).max(5),
  // Read by the team: lines, but no hidden control or text-direction characters.
  comment: readableText(z.string().trim().max(2_000)).optional(),
});

const RAISED: readonly Priority[] = ['high', 'urgent'];

export const ratingType = defineItemType({
  name: 'rating',
  schema: ratingSchema,
  visibility: 'public',
  creators: ['visitor'],
  // A score of the support received, not a lever: on an open conversation it could undo the team's triage at will.
  acceptedWhile: ['resolved'],
  reduceSummary: ({ item }) => `Rated ${item.fields.score}/5${item.fields.comment ? `: ${item.fields.comment}` : ''}`,
  reduceArrival: ({ item, conversation }) => {
    if (item.fields.score >= LOW_SCORE) return [];
    const operations: LifecycleOperation[] = [];
    if (conversation.status === 'resolved') {
      operations.push({ op: 'reopen', reason: `Low rating (${item.fields.score}/5)` });
    }
    if (!RAISED.includes(conversation.priority)) operations.push({ op: 'set_priority', priority: 'high' });
    return operations;
  },
});

export default definePlugin({ name: 'rating', version: '1.0.0', itemTypes: [ratingType] });
