/**
 * What the first bytes of a file of a declared media type must be, for the image types served
 * inline. An upload declared as one of these whose bytes are something else is refused: an "image"
 * that is not one shows as broken wherever it is embedded. Other types are taken as declared (PDF
 * readers, for one, accept a header anywhere in the first KiB) and are served as attachments.
 */
import { isInlineImageType, type InlineImageType } from '../../domain/files';
import { startsWith } from './image-size';

/** One per inline type: a type added there without its signature does not compile. */
const SIGNATURES: Readonly<Record<InlineImageType, (head: Buffer) => boolean>> = {
  'image/png': (head) => startsWith(head, '\x89PNG\r\n\x1a\n'),
  'image/gif': (head) => startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a'),
  'image/jpeg': (head) => startsWith(head, '\xff\xd8\xff'),
  'image/webp': (head) => startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8),
};

/** Enough leading bytes to tell every signature above. */
export const SIGNATURE_BYTES = 12;

/** Whether `head` (the first SIGNATURE_BYTES bytes, or the whole of a shorter file) contradicts the declared type. */
export function contradictsMediaType(mediaType: string, head: Buffer): boolean {
  return isInlineImageType(mediaType) && !SIGNATURES[mediaType](head);
}
