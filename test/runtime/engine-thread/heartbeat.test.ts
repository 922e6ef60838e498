import { describe, expect, it } from 'vitest';
import { HeartbeatSilence } from '../../../runtime/engine-thread/heartbeat';
import { RunningCode, runningCodeBuffer } from '../../../runtime/engine-thread/running-code';

describe('HeartbeatSilence', () => {
  describe('#silentForMs', () => {
    it('counts from the first read that saw the beat count, and starts again at the next beat', () => {
      const buffer = runningCodeBuffer();
      const silence = new HeartbeatSilence(buffer);
      expect(silence.silentForMs(1_000)).toBe(0); // not beating yet: a thread starting
      expect(silence.silentForMs(30_000)).toBe(0);
      const code = new RunningCode(buffer);
      code.startBeating(); // beats once at once, then on an unref'd interval this test outlives
      expect(silence.silentForMs(31_000)).toBe(0);
      expect(silence.silentForMs(43_000)).toBe(12_000);
    });
  });
});
