import { z } from 'zod';

/** Longest `text` an item may carry. */
export const MAX_TEXT_LENGTH = 10_000;

/** The base `text` field as built-in types declare it: trimmed, non-empty, bounded. */
export const itemText = z.string().trim().min(1).max(MAX_TEXT_LENGTH);
