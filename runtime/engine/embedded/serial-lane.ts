/**
 * Runs tasks one after another, in the order they were given. Workflow instances share one sandbox
 * context whose globals are swapped whenever a different instance is called into (tens of µs each time);
 * replays that took turns activation by activation paid that swap on every replayed activation.
 */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
