// MongoDB wire protocol framing: parse OP_MSG / OP_QUERY requests, build OP_MSG / OP_REPLY replies.
import { BSON, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
export const HEADER_SIZE = 16;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;

const DESERIALIZE_OPTIONS = { promoteBuffers: false, validation: { utf8: false } } as const;
const SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command document, with OP_MSG document sequences merged in under their identifiers. */
  command: Document;
  /** Database from `$db` (OP_MSG) or the `db.$cmd` namespace (OP_QUERY). */
  db: string;
  /** The client does not want a reply (fire-and-forget OP_MSG). */
  moreToCome: boolean;
  /** The client accepts a stream of replies to this one request (OP_MSG exhaust). */
  exhaustAllowed: boolean;
}

export class WireError extends Error {}

/** Reads the declared total length of the message starting at `offset`, or undefined if the header is incomplete. */
export function peekMessageLength(buffer: Buffer, offset = 0): number | undefined {
  return buffer.length - offset >= 4 ? buffer.readInt32LE(offset) : undefined;
}

function readCString(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new WireError('unterminated cstring');
  return [buffer.toString('utf8', offset, end), end + 1];
}

function readDocument(buffer: Buffer, offset: number, limit: number): [Document, number] {
  if (offset + 5 > limit) throw new WireError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new WireError('invalid BSON document length');
  const doc = BSON.deserialize(buffer.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  return [doc, offset + size];
}

function parseOpMsg(message: Buffer): Omit<WireRequest, 'requestId' | 'opCode'> {
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message.readUInt8(offset++);
    if (kind === 0) {
      [body, offset] = readDocument(message, offset, end);
    } else if (kind === 1) {
      const sectionEnd = offset + message.readInt32LE(offset);
      if (sectionEnd > end) throw new WireError('document sequence overruns message');
      let identifier: string;
      [identifier, offset] = readCString(message, offset + 4);
      const docs: Document[] = [];
      while (offset < sectionEnd) {
        let doc: Document;
        [doc, offset] = readDocument(message, offset, sectionEnd);
        docs.push(doc);
      }
      sequences.push([identifier, docs]);
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  if (typeof body.$db !== 'string') throw new WireError('OP_MSG body lacks $db');
  return { command: body, db: body.$db, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0, exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0 };
}

function parseOpQuery(message: Buffer): Omit<WireRequest, 'requestId' | 'opCode'> {
  const [collection, afterName] = readCString(message, HEADER_SIZE + 4);
  let [query] = readDocument(message, afterName + 8, message.length);
  // Legacy drivers wrap the command as {$query: {...}, $readPreference}.
  if (query.$query && typeof query.$query === 'object') query = query.$query as Document;
  const dot = collection.indexOf('.');
  return { command: query, db: dot < 0 ? collection : collection.slice(0, dot), moreToCome: false, exhaustAllowed: false };
}

/** Parses one complete message (header included). Throws WireError on malformed input. */
export function parseMessage(message: Buffer): WireRequest {
  if (message.length < HEADER_SIZE + 5) throw new WireError('message too short');
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  try {
    if (opCode === OP_MSG) return { requestId, opCode, ...parseOpMsg(message) };
    if (opCode === OP_QUERY) return { requestId, opCode, ...parseOpQuery(message) };
  } catch (error) {
    if (error instanceof WireError) throw error;
    throw new WireError(`malformed message: ${(error as Error).message}`);
  }
  throw new WireError(`unsupported opCode ${opCode}`);
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_SIZE);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

/** The id a serialized message carries in its header (what a reply to it names in `responseTo`). */
export const messageId = (message: Buffer): number => message.readInt32LE(4);

/** `moreToCome`: another reply to the same request follows (exhaust); OP_MSG only. */
export function serializeReply(request: Pick<WireRequest, 'requestId' | 'opCode'>, reply: Document, moreToCome = false): Buffer {
  const body = BSON.serialize(reply, SERIALIZE_OPTIONS);
  if (request.opCode === OP_QUERY) {
    const prefix = Buffer.alloc(20); // responseFlags, cursorID, startingFrom, numberReturned
    prefix.writeInt32LE(1, 16);
    const length = HEADER_SIZE + prefix.length + body.length;
    return Buffer.concat([header(length, request.requestId, OP_REPLY), prefix, body], length);
  }
  const prefix = Buffer.alloc(5); // flagBits, then section kind 0
  if (moreToCome) prefix.writeUInt32LE(FLAG_MORE_TO_COME, 0);
  const length = HEADER_SIZE + prefix.length + body.length;
  return Buffer.concat([header(length, request.requestId, OP_MSG), prefix, body], length);
}
