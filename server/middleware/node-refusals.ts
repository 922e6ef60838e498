/**
 * Two requests Node's HTTP server would refuse itself, with a status line and no body: an HTTP/1.1
 * request without `Host` (a `400`) and an `Expect` other than `100-continue` (a `417`). The server
 * lets them through (`requireHostHeader: false`, its `checkExpectation` event given to the app),
 * and they are refused here as every other error is: JSON naming what is wrong, with a request id.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import { invalidField } from '../http-errors';

const MET_EXPECTATION = '100-continue';

export const refuseWhatNodeWould: RequestHandler = (req, _res, next) => {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) throw invalidField('headers.host', 'an HTTP/1.1 request names its host: send Host');
  const { expect } = req.headers;
  if (expect !== undefined && expect.trim().toLowerCase() !== MET_EXPECTATION) {
    throw new AppError('ERR_EXPECTATION_FAILED', `This server meets no Expect but ${MET_EXPECTATION}`);
  }
  next();
};
