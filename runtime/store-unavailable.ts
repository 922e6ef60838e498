import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { WRITES_REFUSED_LABEL } from './mongo/errors';

/**
 * The store cannot take requests now: a real MongoDB out of reach, or the embedded server refusing
 * writes since its journal failed (a full disk, its log deleted). Looked for along `cause` too, as
 * the driver's bulk write wraps what the server answered.
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (let at: unknown = err, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    if (at instanceof MongoNetworkError || at instanceof MongoServerSelectionError || at instanceof MongoNotConnectedError || at instanceof MongoTopologyClosedError) return true;
    if (at instanceof MongoError && at.hasErrorLabel(WRITES_REFUSED_LABEL)) return true;
  }
  return false;
}
