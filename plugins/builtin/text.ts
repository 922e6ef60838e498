import { z } from 'zod';
import { MAX_TEXT_CODE_POINTS, messageTextProblem } from '../../domain/message-text';

/** Longest `text` an item may carry, in Unicode code points. */
export const MAX_TEXT_LENGTH = MAX_TEXT_CODE_POINTS;

/**
 * Text by a message's rules: trimmed, then readable, without control characters, at most `max`
 * code points. For any field whose text becomes a message's (a quick reply's label), or is read as one.
 */
export const messageText = (max = MAX_TEXT_CODE_POINTS) =>
  z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const problem = messageTextProblem(text, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
    });

/** The base `text` field as built-in types declare it. */
export const itemText = messageText();
