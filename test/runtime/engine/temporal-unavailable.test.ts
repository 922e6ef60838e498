import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '../../../runtime/engine/errors';
import { unavailableOr } from '../../../runtime/engine/temporal';

/** A gRPC error as the client's connection throws it (14 UNAVAILABLE, 13 INTERNAL). */
const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('TemporalEngine', () => {
  describe('#unavailableOr', () => {
    it('makes the client\'s gRPC UNAVAILABLE the engine-unavailable error the embedded engine throws, keeping the cause', () => {
      const clientError = new ServiceError('Workflow Update failed', { cause: grpcError(14, 'persistence unavailable') });
      const mapped = unavailableOr(clientError);
      expect(mapped).toBeInstanceOf(EngineUnavailableError);
      expect(mapped).toMatchObject({ message: 'Workflow Update failed: persistence unavailable', cause: clientError });
    });

    it('leaves other service errors as they are', () => {
      const internal = new ServiceError('Workflow Update failed', { cause: grpcError(13, 'boom') });
      expect(unavailableOr(internal)).toBe(internal);
    });
  });
});
