/**
 * Reads of one thing that may overlap (a timer's and a button's, a change word's and a reconnect's)
 * and be answered in any order: an answer is taken unless one asked later was taken already, so
 * what is held never goes back to an older state. Shared by the inbox and the server.
 */
export class NewestAnswer {
  private asked = 0;
  private taken = 0;

  /**
   * Notes a read as it is asked; the function returned, called once its answer is in, says whether
   * to take that answer (no later read's was taken), and if so marks it taken.
   */
  ask(): () => boolean {
    const read = ++this.asked;
    return () => {
      if (read < this.taken) return false;
      this.taken = read;
      return true;
    };
  }
}
