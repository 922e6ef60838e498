/**
 * What a file's name may be: checked by the upload (server/schemas/files.ts) and by the pages'
 * file picker before anything is sent, so both refuse the same names for the same reasons.
 */
import { INVISIBLE_FORMAT, MISLEADING_IN_NAME } from './readable-text';

export const MAX_FILE_NAME_LENGTH = 255;

/**
 * The extensions a name may end with for each media type whose names are checked. A download is
 * saved under its name, and the computer that opens it goes by the extension, not by the type the
 * upload declared: `setup.exe` declared a PDF would run as a program. Types an operator adds to
 * `FILE_MEDIA_TYPES` beyond these keep the names they come with.
 */
const FILE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'text/plain': ['.txt', '.text', '.log'],
};

/** What is wrong with `name` (trimmed) as a file's name, or undefined when nothing is. */
export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a file name is needed';
  if (name.length > MAX_FILE_NAME_LENGTH) return `at most ${MAX_FILE_NAME_LENGTH} characters`;
  if (/[/\\]/.test(name)) return 'no path separators';
  // A name a download would save as the folder itself, or its parent.
  if (name === '.' || name === '..') return 'not a file name';
  if (MISLEADING_IN_NAME.test(name)) return 'no control or text-direction characters';
  if (INVISIBLE_FORMAT.test(name)) return 'no zero-width or other invisible format characters';
  return undefined;
}

/** The extensions a file of `mediaType` must have, or undefined when any name is taken (a type not checked). */
export const extensionsOf = (mediaType: string): readonly string[] | undefined => (Object.hasOwn(FILE_EXTENSIONS, mediaType) ? FILE_EXTENSIONS[mediaType] : undefined);

/** Whether `name` ends with one of the extensions its media type allows (always, for a type not checked). */
export function hasExtensionOf(name: string, mediaType: string): boolean {
  const allowed = extensionsOf(mediaType);
  const lower = name.toLowerCase();
  return !allowed || allowed.some((extension) => lower.endsWith(extension) && lower.length > extension.length);
}
