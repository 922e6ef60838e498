/**
 * Files: uploads stream the raw body into the store's GridFS (never held whole); downloads go only
 * to callers who may see the file's conversation, in a CSP sandbox, and as attachments but for the
 * raster images whose bytes the upload checked. Browsers cannot set headers on `<img src>`, so a
 * download also accepts the WebSocket-style query credentials. A file never changes once uploaded:
 * a download has a strong ETag and its upload time as `Last-Modified`, revalidates with
 * `If-None-Match` or `If-Modified-Since`, and serves single byte ranges
 * (audio and video seek with them, an interrupted download resumes) read from GridFS as asked.
 */
import { create as contentDisposition } from 'content-disposition';
import { Router, type Request } from 'express';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extensionsOf, hasExtensionOf } from '../../domain/file-names';
import { isInlineImageType } from '../../domain/files';
import { AppError, isAppError } from '../../domain/errors';
import { visibleConversation } from '../access';
import { rangeHeadersOf, requestedBytes } from '../byte-ranges';
import { authorOf } from '../caller';
import type { ApiContext } from '../context';
import { fileValidators, isNotModified } from '../conditional-requests';
import { httpDate } from '../http-dates';
import { authenticated, callerOf } from '../middleware/authenticate';
import { requireIdentityEncoding } from '../middleware/identity-encoding';
import { fileSecurityHeaders } from '../middleware/security-headers';
import { fileParams, uploadQuery } from '../schemas/files';
import { parseInput } from '../schemas/parse';
import { fileUrl, visitorMaySeeFile } from '../services/items';
import { uploadQuota } from '../services/upload-quota';

/** For the file's answers, not for a refusal (a cache keeps an answer by URL, whatever its Range). */
const CACHE_CONTROL = 'private, max-age=3600';
const CREDENTIAL_HEADERS = 'Authorization, X-Actor-User-Id, X-Public-Key, X-Visitor-Id';

const mediaTypeOf = (req: Request): string | undefined => req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;

export function fileRoutes(ctx: ApiContext): Router {
  const router = Router();
  const { fileMaxBytes, fileMediaTypes } = ctx.limits;
  const quota = uploadQuota(ctx.store, ctx.limits.uploadQuota, ctx.log);

  router.post('/', ...ctx.authenticate, requireIdentityEncoding, async (req, res) => {
    const caller = callerOf(res);
    const { conversationId, filename } = parseInput(uploadQuery, req.query, 'query');
    const mediaType = mediaTypeOf(req);
    if (!mediaType || !fileMediaTypes.includes(mediaType)) {
      // A form upload (curl -F, FormData) wraps the file: said as such, the fix is not another type.
      const form = mediaType?.startsWith('multipart/') ? "Send the file's raw bytes as the body with the file's own Content-Type, not a multipart form: " : '';
      throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', `${form}Content-Type must be one of ${fileMediaTypes.join(', ')}`, { allowed: fileMediaTypes });
    }
    if (!hasExtensionOf(filename, mediaType)) {
      const extensions = extensionsOf(mediaType) ?? [];
      const message = `a ${mediaType} file's name ends with ${extensions.join(', ')}`;
      throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', `The file name does not say it is ${mediaType}: ${message}`, { fields: [{ path: 'query.filename', message }], extensions });
    }
    const declaredBytes = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declaredBytes !== undefined && declaredBytes > fileMaxBytes) throw new AppError('ERR_PAYLOAD_TOO_LARGE', `Files are limited to ${fileMaxBytes} bytes`, { maxBytes: fileMaxBytes });
    await visibleConversation(ctx.store, caller, conversationId);
    // Before a byte is read, so an upload past the quota stores nothing; one sent without a length (chunked) may be as large as allowed.
    const settleQuota = await quota.reserve(req, res, caller, declaredBytes ?? fileMaxBytes);
    const uploadedBy = authorOf(caller);
    // The store destroys its source on failure; a pass-through keeps the request itself alive so the error can still be answered.
    const body = new PassThrough();
    req.pipe(body);
    // `pipe` passes no abort on: a client gone mid-upload (or before the checks above were done)
    // must still end the store's read, which then deletes the chunks it wrote; otherwise the read
    // waits for good and they stay.
    const cutOff = () => {
      if (!req.complete) body.destroy(new AppError('ERR_INVALID_INPUT', 'The upload ended before its last byte'));
    };
    if (req.destroyed) cutOff();
    else req.once('close', cutOff);
    try {
      const info = await ctx.store.saveFile(body, { websiteId: caller.website.id, conversationId, filename, mediaType, maxBytes: fileMaxBytes, uploadedBy });
      const { id, size, width, height } = info;
      await settleQuota(size);
      res.status(201).json({ file: { id, url: fileUrl(id), mediaType, filename, size, ...(width ? { width, height } : {}) } });
    } catch (err) {
      req.unpipe(body);
      res.setHeader('Connection', 'close');
      req.resume();
      await settleQuota(0);
      throw err;
    }
  });

  // A visitor's download costs it a token as its other calls do (a visitor may not fetch a file in a
  // loop), but for a media player's ranges of a file it was granted, which have an allowance of their own.
  // Express answers HEAD with this route too; the headers are all it sends then.
  router.get('/:id', fileSecurityHeaders, authenticated(ctx.directory, { queryCredentials: true }), ctx.downloadLimit.charge, async (req, res) => {
    const caller = callerOf(res);
    const { id } = parseInput(fileParams, req.params, 'params');
    const info = await ctx.store.getFileInfo(id);
    // A file the caller may not see is unknown to it, whatever the reason (its conversation's id
    // included) and whatever the request's conditions and ranges: they are looked at only below.
    const unknown = new AppError('ERR_NOT_FOUND', `Unknown file ${id}`);
    if (!info) throw unknown;
    await visibleConversation(ctx.store, caller, info.conversationId).catch((err: unknown) => {
      throw isAppError(err) && err.code === 'ERR_NOT_FOUND' ? unknown : err;
    });
    if (caller.kind === 'visitor' && !(await visitorMaySeeFile(ctx.store, info))) throw unknown;
    const validators = fileValidators(info);
    const representation = { size: info.size, ...validators };
    ctx.downloadLimit.grant(req, res, id, representation);
    res.setHeader('ETag', validators.etag);
    res.setHeader('Last-Modified', httpDate(validators.lastModified));
    res.setHeader('Accept-Ranges', 'bytes');
    // A browser keeps the answer by URL: another person signed in on it, sending other credentials
    // in headers, is not served this one's copy without asking (query credentials are in the URL).
    res.vary(CREDENTIAL_HEADERS);
    if (isNotModified({ ifNoneMatch: req.get('If-None-Match'), ifModifiedSince: req.get('If-Modified-Since') }, validators)) {
      res.setHeader('Cache-Control', CACHE_CONTROL);
      res.status(304).end();
      return;
    }
    const wanted = requestedBytes(rangeHeadersOf(req), representation);
    if (wanted.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${info.size}`);
      throw new AppError('ERR_RANGE_NOT_SATISFIABLE', `The range asks for no byte of the file's ${info.size}`, { size: info.size });
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('Content-Type', info.mediaType);
    res.setHeader('Content-Disposition', contentDisposition(info.filename, { type: isInlineImageType(info.mediaType) ? 'inline' : 'attachment' }));
    const range = wanted.kind === 'part' ? wanted.range : undefined;
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
    }
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : info.size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(ctx.store.openFileStream(id, range), res);
    } catch (err) {
      // A client that stops reading (an image scrolled away) is nothing to answer or to log.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' && req.destroyed) return;
      throw err;
    }
  });

  return router;
}
