/**
 * Requests Node's HTTP parser refuses before Express sees them (headers past the size limit, a
 * malformed request line, Content-Length with Transfer-Encoding) get the API's JSON error too,
 * instead of Node's bare status line.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../domain/errors';
import { errorBody, httpStatusOf } from './http-errors';

function answerOf(code: string | undefined): AppError {
  if (code === 'HPE_HEADER_OVERFLOW') return new AppError('ERR_HEADERS_TOO_LARGE', 'Request headers are too large');
  return new AppError('ERR_INVALID_INPUT', 'Malformed HTTP request', { fields: [{ path: 'request', message: code ?? 'malformed' }] });
}

export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Only the parser's refusals are answered; a reset or timed-out connection has no one left to hear it.
    if (!err.code?.startsWith('HPE_') || !socket.writable) return void socket.destroy();
    const error = answerOf(err.code);
    const status = httpStatusOf(error.code);
    const body = JSON.stringify(errorBody(error));
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
