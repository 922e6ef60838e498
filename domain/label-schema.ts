/**
 * The rules for names, one-line labels and other text people read, shared by the API's request
 * schemas, the assistant's settings (whose keyword rules add tags, and whose escalation rules match
 * them) and plugins' item types (a rating's comment).
 */
import { z } from 'zod';
import { MAX_TAG_LENGTH } from './operation-schema';
import { MISLEADING_IN_NAME, showsNothing, UNREADABLE_IN_WRITING } from './readable-text';

/**
 * Text people write and read (a reason, a comment, a description): lines of it, and the direction
 * marks right-to-left writing needs, but no hidden control characters and nothing that turns the
 * text around it.
 */
export const readableText = <T extends z.ZodString>(text: T) => text.refine((value) => !UNREADABLE_IN_WRITING.test(value), 'no control or text-direction characters');

/**
 * A name shown to people (a team member's, a contact's): no control or text-direction characters,
 * and something to see (a zero-width space alone would show a blank where the name should be).
 */
export const displayName = <T extends z.ZodString>(name: T) =>
  name
    .refine((value) => !MISLEADING_IN_NAME.test(value), 'no control or text-direction characters')
    .refine((value) => value === '' || !showsNothing(value), 'nothing to see: only spaces or invisible characters');

/**
 * One line people read as a label (a tag, a title): as a name, no line breaks or tabs either, and in
 * one Unicode form (NFC), so `ü` typed as one character or as `u` and a combining mark is one tag.
 */
export const label = <T extends z.ZodString>(text: T) => displayName(text).transform((value) => value.normalize('NFC'));

// The workflow's own limit, so an overlong tag is a 400 naming it, not a 409 from the validator.
export const tag = label(z.string().trim().min(1).max(MAX_TAG_LENGTH));
