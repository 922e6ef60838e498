import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';

describe('ManualClock', () => {
  describe('#advance', () => {
    it('fires due timers in due order and moves time to each', async () => {
      const clock = new ManualClock(0);
      const fired: Array<[string, number]> = [];
      clock.setTimer(300, () => fired.push(['c', clock.now()]));
      clock.setTimer(100, () => fired.push(['a', clock.now()]));
      clock.setTimer(200, () => fired.push(['b', clock.now()]));
      await clock.advance(250);
      expect(fired).toEqual([
        ['a', 100],
        ['b', 200],
      ]);
      expect(clock.now()).toBe(250);
      expect(clock.pendingTimers).toBe(1);
    });

    it('awaits the work a timer causes, and fires timers that work sets within the window', async () => {
      const clock = new ManualClock(0);
      const log: string[] = [];
      clock.setTimer(10, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push('first done');
        clock.setTimer(10, () => log.push('second'));
      });
      await clock.advance(30);
      expect(log).toEqual(['first done', 'second']);
    });

    it('does not fire cleared timers', async () => {
      const clock = new ManualClock(0);
      let fired = false;
      clock.clearTimer(clock.setTimer(1, () => (fired = true)));
      await clock.advance(10);
      expect(fired).toBe(false);
    });
  });
});
