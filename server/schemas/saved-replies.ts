/** `/v1/saved-replies` requests: a saved reply's fields as the team writes them (domain/saved-reply.ts). */
import { z } from 'zod';
import { SHORTCUT_PATTERN } from '../../domain/saved-reply';
import { PLACEHOLDER_NAMES, unknownPlaceholders } from '../../domain/saved-reply-placeholders';
import { itemText } from '../../plugins/builtin/text';
import { entityId, pathParams, searchText, strictQuery, title } from './common';

export const savedReplyParams = pathParams(z.object({ id: entityId }));

export const listSavedRepliesQuery = strictQuery({ q: searchText.optional() });

const shortcut = z.string().regex(SHORTCUT_PATTERN, 'expected 1-32 of A-Z a-z 0-9 and -, not starting or ending with -');

/** The text as a message's (trimmed, at most 10,000 characters): what it inserts is sent as one. Its placeholders must be ones the inbox fills. */
const text = itemText.superRefine((value, ctx) => {
  const unknown = unknownPlaceholders(value);
  if (unknown.length > 0) {
    const named = unknown.map((name) => `{{${name}}}`).join(', ');
    ctx.addIssue({ code: 'custom', message: `unknown placeholder${unknown.length > 1 ? 's' : ''} ${named}: known are ${PLACEHOLDER_NAMES.join(', ')}`, input: value });
  }
});

const fields = { shortcut, title, text };

export const newSavedReplyBody = z.strictObject(fields);

/** Some of the fields; the others stay. */
export const savedReplyChangeBody = z
  .strictObject(fields)
  .partial()
  .refine((change) => Object.keys(change).length > 0, 'give shortcut, title or text');
