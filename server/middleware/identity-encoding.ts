/**
 * An upload is kept as the bytes it carries, so a body sent with a Content-Encoding (gzip, br, …)
 * would be stored compressed, as if it were the file. Decoding it instead would need the size limit
 * to count decoded bytes (a few KiB of gzip inflate to gigabytes), and browsers never compress a
 * request body: such a body is refused, `415` with `Accept-Encoding: identity` (RFC 7694).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';

export const requireIdentityEncoding: RequestHandler = (req, res, next) => {
  const encoding = req.headers['content-encoding'];
  const codings = (encoding ?? '').split(',').map((coding) => coding.trim().toLowerCase());
  if (codings.every((coding) => coding === '' || coding === 'identity')) return next();
  res.setHeader('Accept-Encoding', 'identity');
  next(new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', `Uploads are kept as sent: send the file itself, without Content-Encoding (got ${encoding})`));
};
