import { beatsOf } from './running-code';

/**
 * How long the engine thread's event loop has not turned, as far as the server's thread has seen:
 * read when asked (a health probe), no timer. Two reads with the same beat count mean no beat came
 * between them, so the silence is counted from the first read that saw that count.
 */
export class HeartbeatSilence {
  private beats = -1;
  private since = 0;

  constructor(private readonly buffer: SharedArrayBuffer) {}

  silentForMs(now = performance.now()): number {
    const beats = beatsOf(this.buffer);
    // 0: a thread starting, which beats once it runs; not silence.
    if (beats === 0 || beats !== this.beats) {
      this.beats = beats;
      this.since = now;
      return 0;
    }
    return now - this.since;
  }
}
