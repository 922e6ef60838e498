/**
 * Group commit for writes that need no per-call result: calls made in the same turn of the event
 * loop (`tickBatch`) or within a time window (`windowBatch`) become one `write` of all their values,
 * and each call settles with that write. Under load a batch grows with the number of concurrent
 * callers, so round trips stop growing with traffic.
 */
type Batcher<T> = (value: T) => Promise<void>;

function batcher<T>(write: (values: T[]) => Promise<void>, schedule: (flush: () => void) => void): Batcher<T> {
  let pending: Array<{ value: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    write(batch.map((call) => call.value)).then(
      () => batch.forEach((call) => call.resolve()),
      (error: unknown) => batch.forEach((call) => call.reject(error)),
    );
  };
  return (value) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ value, resolve, reject });
      if (pending.length === 1) schedule(flush);
    });
}

/** One write for the calls of one event-loop turn: for writes a caller waits on. */
export function tickBatch<T>(write: (values: T[]) => Promise<void>): Batcher<T> {
  return batcher(write, (flush) => setImmediate(flush));
}

/**
 * One write for the calls of `windowMs`: for bookkeeping nobody waits on, where a longer window
 * makes batches larger (the timer does not hold the process open).
 */
export function windowBatch<T>(write: (values: T[]) => Promise<void>, windowMs: number): Batcher<T> {
  return batcher(write, (flush) => setTimeout(flush, windowMs).unref());
}
