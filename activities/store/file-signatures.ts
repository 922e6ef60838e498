/**
 * What the first bytes of a file of a declared media type must be: the image types served inline
 * (an "image" that is not one shows as broken wherever it is embedded) and PDF (a download opened
 * by whatever the computer runs for a PDF). An upload declared as one of these whose bytes are
 * something else is refused. Plain text has no signature: it is checked as it streams
 * (utf8-text.ts). Other types an operator allows are taken as declared, and served as attachments.
 */
import type { InlineImageType } from '../../domain/files';
import { startsWith } from './image-size';

type SignedType = InlineImageType | 'application/pdf';

/** One per inline type: a type added there without its signature does not compile. */
const SIGNATURES: Readonly<Record<SignedType, (head: Buffer) => boolean>> = {
  'image/png': (head) => startsWith(head, '\x89PNG\r\n\x1a\n'),
  'image/gif': (head) => startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a'),
  'image/jpeg': (head) => startsWith(head, '\xff\xd8\xff'),
  'image/webp': (head) => startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8),
  // The header a PDF begins with (ISO 32000-2 §7.5.2); some readers look further in, a file that puts it later is refused.
  'application/pdf': (head) => startsWith(head, '%PDF-'),
};

const isSignedType = (mediaType: string): mediaType is SignedType => Object.hasOwn(SIGNATURES, mediaType);

/** Enough leading bytes to tell every signature above. */
export const SIGNATURE_BYTES = 12;

/** Whether `head` (the first SIGNATURE_BYTES bytes, or the whole of a shorter file) contradicts the declared type. */
export function contradictsMediaType(mediaType: string, head: Buffer): boolean {
  return isSignedType(mediaType) && !SIGNATURES[mediaType](head);
}
