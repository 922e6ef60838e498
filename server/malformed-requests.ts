/**
 * Requests Node's HTTP parser refuses before Express sees them (headers past the size limit, a
 * malformed request line, Content-Length with Transfer-Encoding) get the API's JSON error too,
 * instead of Node's bare status line.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../domain/errors';
import { rawErrorAnswer } from './http-errors';

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
      else if (code.startsWith('HPE_')) socket.write(rawErrorAnswer(answerOf(code)));
    }
    socket.destroy();
  });
}
