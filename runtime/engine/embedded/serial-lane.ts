/**
 * Runs tasks one after another, in the order they were given. Workflow instances share one sandbox
 * context whose globals are swapped whenever a different instance is called into (tens of µs each time);
 * replays that took turns activation by activation paid that swap on every replayed activation.
 *
 * Each task starts in a later turn of the event loop than the previous one ended. Building an
 * instance is synchronous work of 8–10 ms (the bundle's modules are evaluated per instance); chained
 * on promises alone, a burst of new conversations built one after another in a single microtask run
 * and held every socket and HTTP request back for seconds.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(nextTurn).then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
