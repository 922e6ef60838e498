/**
 * Work in lines, one per key: each piece of work starts when the one before it on its key has
 * ended, whether it succeeded or failed; different keys run side by side.
 */
export class KeyedLines {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after the work already queued on `key`; answers what `work` answers. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return turn;
  }

  /** Waits until every line is empty, including work queued meanwhile. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
