/**
 * Two requests Node's HTTP server would refuse itself, with a status line and no body: an HTTP/1.1
 * request without `Host` (a `400`) and an `Expect` other than `100-continue` (a `417`). The server
 * lets them through (`requireHostHeader: false`, its `checkExpectation` event given to the app),
 * and they are refused here as every other error is: JSON naming what is wrong, with a request id.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import { invalidField } from '../http-errors';

/** Node's own test of an `Expect` it meets (by answering `100 Continue`): one naming 100-continue, whatever else it names. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** Host, for a request of a version that must send it: HTTP/1.1 (Node's `requireHostHeader`; 1.0 need not). */
export function hostProblem(req: Pick<IncomingMessage, 'httpVersion' | 'headers'>): AppError | undefined {
  return req.httpVersion === '1.1' && req.headers.host === undefined ? invalidField('headers.host', 'an HTTP/1.1 request names its host: send Host') : undefined;
}

export const refuseWhatNodeWould: RequestHandler = (req, _res, next) => {
  const noHost = hostProblem(req);
  if (noHost) throw noHost;
  // As Node reads it: on HTTP/1.1 only, and met when it names 100-continue (Node has already answered 100 then).
  const { expect } = req.headers;
  if (req.httpVersion === '1.1' && expect !== undefined && !CONTINUE.test(expect)) throw new AppError('ERR_EXPECTATION_FAILED', 'This server meets no Expect but 100-continue');
  next();
};
