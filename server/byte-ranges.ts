/**
 * Which bytes of a download a request asks for, by its `Range` and `If-Range` headers (RFC 9110
 * §13.1.5, §14). One range only: a multi-range answer (`multipart/byteranges`) serves no client
 * we have, and the RFC lets a server ignore such a header, as it ignores a malformed one.
 * range-parser (Express's `req.range`) differs where it matters here: it answers `416` where a
 * suffix is longer than the file (the RFC: the whole file, as a part) and where first > last
 * (the RFC: invalid, so ignored), and serves one range of a multi-range header.
 */
import type { Request } from 'express';
import type { ByteRange } from '../activities/store';
import { ifRangeHolds, type Validators } from './conditional-requests';

/** What a download's answer is of: the file's size (at least one byte) and its validators. */
export type Representation = { size: number } & Validators;

export interface RangeHeaders {
  range?: string;
  ifRange?: string;
}

export const rangeHeadersOf = (req: Request): RangeHeaders => ({ range: req.get('Range'), ifRange: req.get('If-Range') });

export type RequestedBytes = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

const WHOLE: RequestedBytes = { kind: 'whole' };
/** `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; the unit is case-insensitive. */
const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

function parsed(header: string, size: number): RequestedBytes {
  const match = SINGLE_RANGE.exec(header);
  if (!match) return WHOLE;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return WHOLE;
    const suffix = Number(last);
    return suffix === 0 ? { kind: 'unsatisfiable' } : { kind: 'part', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return WHOLE;
  return start >= size ? { kind: 'unsatisfiable' } : { kind: 'part', range: { start, end: Math.min(end, size - 1) } };
}

/**
 * Whether a `Range` header asks for one byte range as this server reads it (whatever the file's
 * size): what a media player or a resumed download sends, rather than a header a download ignores.
 */
export const isOneByteRange = (header: string | undefined): boolean => header !== undefined && parsed(header, Number.MAX_SAFE_INTEGER).kind !== 'whole';

/**
 * The bytes to serve of a representation of `size` bytes (at least one): the range asked for, but
 * only while `If-Range` (when sent) names that very representation; the whole otherwise.
 */
export function requestedBytes(headers: RangeHeaders, representation: Representation): RequestedBytes {
  if (headers.range === undefined || !ifRangeHolds(headers.ifRange, representation)) return WHOLE;
  return parsed(headers.range, representation.size);
}

/** Whether the answer carries every byte: no range served, or one from the first byte to the last (`bytes=0-`). */
export function servesEveryByte(headers: RangeHeaders, representation: Representation): boolean {
  const wanted = requestedBytes(headers, representation);
  return wanted.kind === 'whole' || (wanted.kind === 'part' && wanted.range.start === 0 && wanted.range.end === representation.size - 1);
}
