/**
 * The server's limits on uploads (`GET /v1/websites` gives them to the widget), checked when a file
 * is picked: a file the server would refuse is refused at once, with the reason, before anything
 * is sent (and before a new conversation is made for it).
 */
import { extensionsOf, fileNameProblem, hasExtensionOf } from '../../domain/file-names';
import { formatBytes } from './format';

export interface FileLimits {
  maxBytes: number;
  /** Lower-case media types the server takes. */
  mediaTypes: string[];
}

/** Why the server would refuse this file, or undefined when it would take it. */
export function fileRefusal(file: Pick<File, 'name' | 'size' | 'type'>, limits: FileLimits): string | undefined {
  // The upload names an unknown type as the server would see it.
  const type = (file.type || 'application/octet-stream').toLowerCase();
  if (!limits.mediaTypes.includes(type)) return `${file.name} can't be sent: files of this type are not accepted`;
  if (file.size > limits.maxBytes) return `${file.name} can't be sent: files are limited to ${formatBytes(limits.maxBytes)}`;
  if (file.size === 0) return `${file.name} can't be sent: the file is empty`;
  // The upload sends the name as it is, and the server trims it.
  const nameProblem = fileNameProblem(file.name.trim());
  // Not the name itself: one holding direction controls would show as another.
  if (nameProblem) return `This file can't be sent: its name is refused (${nameProblem}). Rename it and attach it again.`;
  if (!hasExtensionOf(file.name.trim(), type)) return `${file.name} can't be sent: a file of this type must have a name ending with ${extensionsOf(type)?.join(', ')}`;
  return undefined;
}
