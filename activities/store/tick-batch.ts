/**
 * Group commit for writes that need no per-call result: calls made in the same turn of the event
 * loop become one `write` of all their values, and each call settles with that write. Under load a
 * batch grows with the number of concurrent callers, so round trips stop growing with traffic.
 */
export function tickBatch<T>(write: (values: T[]) => Promise<void>): (value: T) => Promise<void> {
  let pending: Array<{ value: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  return (value) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ value, resolve, reject });
      if (pending.length > 1) return;
      setImmediate(() => {
        const batch = pending;
        pending = [];
        write(batch.map((call) => call.value)).then(
          () => batch.forEach((call) => call.resolve()),
          (error: unknown) => batch.forEach((call) => call.reject(error)),
        );
      });
    });
}
