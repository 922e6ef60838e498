import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../domain/errors';
import { EngineRestartingError, EngineShutDownError, EngineUnavailableError, UpdateRejectedError, WorkflowSetAsideError } from '../../runtime/engine/errors';
import { errorBody, httpStatusOf, inRequest, toAppError } from '../../server/http-errors';
import { parseInput } from '../../server/schemas/parse';

describe('http-errors', () => {
  describe('#httpStatusOf', () => {
    it('maps every error code to a status', () => {
      for (const code of ERROR_CODES) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
      expect(httpStatusOf('ERR_NOT_FOUND')).toBe(404);
      expect(httpStatusOf('ERR_INVALID_TRANSITION')).toBe(409);
      expect(httpStatusOf('ERR_UNSUPPORTED_MEDIA_TYPE')).toBe(415);
    });
  });

  describe('#toAppError', () => {
    it('keeps AppErrors as they are', () => {
      const err = new AppError('ERR_FORBIDDEN', 'no');
      expect(toAppError(err)).toBe(err);
    });

    it('turns a validator rejection into an invalid transition', () => {
      expect(toAppError(new UpdateRejectedError('already resolved'))).toMatchObject({ code: 'ERR_INVALID_TRANSITION', message: 'already resolved' });
    });

    it('turns an engine that cannot answer now into a 503 to retry, when the workflow is set aside after its time is up', () => {
      expect(toAppError(new EngineRestartingError('thread ended (code 1) before answering'))).toMatchObject({ code: 'ERR_UNAVAILABLE', message: expect.stringMatching(/try again/) });
      const setAside = toAppError(new WorkflowSetAsideError('conversation:c', new Date(Date.now() + 59_500)));
      expect(setAside).toMatchObject({ code: 'ERR_UNAVAILABLE', details: { retryAfterSeconds: 60 } });
    });

    it('maps the HTTP libraries\' client errors by their status and hides anything else', () => {
      expect(toAppError(Object.assign(new Error('x'), { status: 413 })).code).toBe('ERR_PAYLOAD_TOO_LARGE');
      expect(toAppError(Object.assign(new Error('x'), { status: 400 })).code).toBe('ERR_INVALID_INPUT');
      expect(errorBody(toAppError(new Error('secret detail')))).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal error' } });
    });

    it('turns an engine whose store is unavailable into the store\'s 503, its cause kept out of the answer', () => {
      const mapped = toAppError(new EngineUnavailableError('Could not journal the workflow task: the store is unavailable (disk full)'));
      expect(errorBody(mapped)).toEqual({ error: { code: 'ERR_UNAVAILABLE', message: 'The store cannot take this request now; try again later' } });
    });

    it('turns a call the engine could not finish as the server stops into a 503 to retry, not a fault', () => {
      expect(toAppError(new EngineShutDownError())).toMatchObject({ code: 'ERR_UNAVAILABLE', message: 'The server is shutting down; try again' });
    });

    it('tells a file server\'s 404 by its status alone: the file system\'s message names the server\'s paths', () => {
      const missing = Object.assign(new Error("ENOENT: no such file or directory, stat '/srv/app/web/dist/assets/nope.js'"), { status: 404, code: 'ENOENT', syscall: 'stat' });
      expect(toAppError(missing)).toMatchObject({ code: 'ERR_NOT_FOUND', message: 'Not found' });
      expect(toAppError(Object.assign(new Error('Unknown page'), { status: 404 })).message).toBe('Unknown page');
    });

    it('names the request as a whole in a 400 that names no field', () => {
      expect(toAppError(new AppError('ERR_INVALID_INPUT', 'The upload ended before its last byte')).details).toEqual({ fields: [{ path: 'request', message: 'The upload ended before its last byte' }] });
      expect(toAppError(Object.assign(new Error('Bad Request'), { status: 400 })).details).toEqual({ fields: [{ path: 'request', message: 'Bad Request' }] });
    });
  });

  describe('#field details', () => {
    it('puts the plugin registry\'s and the store\'s details in the one shape', () => {
      const plugin = new AppError('ERR_INVALID_INPUT', 'Invalid item', [{ path: 'options', message: 'Required' }]);
      expect(toAppError(plugin).details).toEqual({ fields: [{ path: 'options', message: 'Required' }] });
      const store = new AppError('ERR_INVALID_INPUT', 'invalid cursor', { fields: ['cursor'] });
      expect(toAppError(store).details).toEqual({ fields: [{ path: 'cursor', message: 'invalid cursor' }] });
    });

    it('places a plugin\'s fields in the request', () => {
      const rejecting = () => {
        throw new AppError('ERR_INVALID_INPUT', 'Invalid item', [{ path: 'text', message: 'Required' }]);
      };
      expect(() => inRequest('body.item', rejecting)).toThrow(expect.objectContaining({ details: { fields: [{ path: 'body.item.text', message: 'Required' }] } }));
    });
  });

  describe('#parseInput', () => {
    it('names every failing field with its place in the request', () => {
      const schema = z.object({ item: z.object({ type: z.string() }), limit: z.number() });
      try {
        parseInput(schema, { item: {}, limit: 'x' }, 'body');
        expect.unreachable();
      } catch (err) {
        const details = (err as AppError).details as { fields: { path: string }[] };
        expect((err as AppError).code).toBe('ERR_INVALID_INPUT');
        expect(details.fields.map((f) => f.path)).toEqual(['body.item.type', 'body.limit']);
      }
    });
  });
});
