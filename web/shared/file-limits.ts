/**
 * The server's limits on uploads (`GET /v1/websites` gives them to the widget), checked when a file
 * is picked: a file the server would refuse is refused at once, with the reason, before anything
 * is sent (and before a new conversation is made for it).
 */
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
  return undefined;
}
