import { z } from 'zod';
import { MAX_TEXT_CODE_POINTS, messageTextProblem } from '../../domain/message-text';

/** Longest `text` an item may carry, in Unicode code points. */
export const MAX_TEXT_LENGTH = MAX_TEXT_CODE_POINTS;

/** The base `text` field as built-in types declare it: trimmed, then readable, without control characters, bounded. */
export const itemText = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    const problem = messageTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
  });
