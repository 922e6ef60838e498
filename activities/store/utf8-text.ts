/**
 * Whether an upload declared `text/plain` is text, read chunk by chunk as it streams (never held
 * whole): UTF-8 throughout, a character split between chunks included, and no NUL (a program or an
 * archive renamed `.txt` has them; text does not).
 */
export class Utf8TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** Whether the bytes so far may still be text (false once they cannot be). */
  accepts(chunk: Buffer): boolean {
    if (chunk.includes(0)) return false;
    try {
      this.decoder.decode(chunk, { stream: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Whether the file ended on a whole character. */
  ends(): boolean {
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}
