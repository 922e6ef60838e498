/**
 * What is wrong with an upgrade request as a WebSocket handshake, found before its credentials are
 * read (a store lookup, and a visitor created on first sight). `ws` checks the same and more as it
 * completes the handshake, but refuses with a text/html body; these are refused with the API's
 * JSON errors instead, naming the header at fault.
 */
import type { IncomingMessage } from 'node:http';
import type { AppError } from '../../domain/errors';
import { invalidField } from '../http-errors';
import { hostProblem } from '../middleware/node-refusals';

export interface HandshakeFault {
  error: AppError;
  headers?: Record<string, string>;
}

/** A `Sec-WebSocket-Key` as `ws` takes it: 16 bytes in base64. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const VERSIONS = ['13', '8'];

const fault = (path: string, message: string, headers?: Record<string, string>): HandshakeFault => ({
  error: invalidField(path, message),
  ...(headers ? { headers } : {}),
});

/**
 * Node hands every request with `Upgrade` to the upgrade listener, whatever it upgrades to and on
 * any path: one asking for another protocol (`curl --http2` asks for `h2c`) cannot be answered as
 * the plain request it also is, so it is told what to leave out.
 */
export function handshakeFault(req: IncomingMessage): HandshakeFault | undefined {
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
    return fault('headers.upgrade', 'This server upgrades only to WebSocket (Upgrade: websocket, on /ws); send other requests without Upgrade');
  }
  if (req.method !== 'GET') return fault('method', 'A WebSocket handshake is a GET request');
  const noHost = hostProblem(req);
  if (noHost) return { error: noHost };
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) return fault('headers.sec-websocket-key', 'Missing or invalid Sec-WebSocket-Key: 16 bytes in base64');
  if (!VERSIONS.includes(req.headers['sec-websocket-version'] ?? '')) {
    return fault('headers.sec-websocket-version', 'Missing or unsupported Sec-WebSocket-Version: this server speaks 13 (and 8, an earlier draft)', { 'Sec-WebSocket-Version': VERSIONS.join(', ') });
  }
  return undefined;
}
