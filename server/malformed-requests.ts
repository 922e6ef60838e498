/**
 * Requests Node's HTTP parser refuses before Express sees them (headers past the size limit, a
 * malformed request line, Content-Length with Transfer-Encoding) get the API's JSON error too,
 * instead of Node's bare status line.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../domain/errors';
import { errorBody, httpStatusOf } from './http-errors';

function answerOf(code: string): AppError {
  if (code === 'HPE_HEADER_OVERFLOW') return new AppError('ERR_HEADERS_TOO_LARGE', 'Request headers are too large');
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return new AppError('ERR_PAYLOAD_TOO_LARGE', 'Chunk extensions are too large');
  return new AppError('ERR_INVALID_INPUT', 'Malformed HTTP request', { fields: [{ path: 'request', message: code }] });
}

/** As Node's own handler: answer unless a response on the socket has begun, then close it. */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
    const code = err.code ?? '';
    if (socket.writable && !socket._httpMessage?.headersSent) {
      if (code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      else if (code.startsWith('HPE_')) socket.write(responseOf(answerOf(code)));
    }
    socket.destroy();
  });
}

function responseOf(error: AppError): string {
  const status = httpStatusOf(error.code);
  const body = JSON.stringify(errorBody(error));
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
