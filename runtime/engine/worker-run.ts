/**
 * Starts a Worker's run. It is awaited only at shutdown, so a Worker that fails by itself before
 * then would be an unhandled rejection (the process gone without a word): `onFailed` hears that
 * failure instead, and the returned promise then resolves. Once `stopping()` says shutdown began,
 * a failure rejects the returned promise, for the shutdown to report.
 */
export function runWorker(worker: { run(): Promise<void> }, onFailed: (err: unknown) => void, stopping: () => boolean): Promise<void> {
  return worker.run().catch((err: unknown) => {
    if (stopping()) throw err;
    onFailed(err);
  });
}
