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

    it('lets tracked work settle before it fires a later timer', async () => {
      const clock = new ManualClock(0);
      const log: string[] = [];
      clock.setTimer(60_000, () => log.push(`timeout at ${clock.now()}`));
      clock.trackWork(new Promise((resolve) => setTimeout(resolve, 30)).then(() => log.push('write done')));
      await clock.advance(23 * 3_600_000);
      expect(log).toEqual(['write done', 'timeout at 60000']);
    });

    it('waits for work that tracked work starts, in due order with the timers', async () => {
      const clock = new ManualClock(0);
      const log: string[] = [];
      const write = (name: string) => new Promise((resolve) => setTimeout(resolve, 10)).then(() => log.push(`${name} at ${clock.now()}`));
      clock.setTimer(100, () => clock.trackWork(write('second write')));
      clock.setTimer(200, () => log.push(`timer at ${clock.now()}`));
      clock.trackWork(write('first write').then(() => clock.trackWork(write('follow-up'))));
      await clock.advance(1_000);
      expect(log).toEqual(['first write at 0', 'follow-up at 0', 'second write at 100', 'timer at 200']);
    });

    it('stops waiting for work still going after the settle limit', async () => {
      // A limit far above a loaded machine's pauses, so that waiting it out again shows as such.
      const clock = new ManualClock(0, { settleLimitMs: 1_000 });
      let fired = false;
      clock.setTimer(10, () => (fired = true));
      clock.trackWork(new Promise(() => undefined));
      const began = performance.now();
      await clock.advance(20);
      expect(fired).toBe(true);
      expect(performance.now() - began).toBeLessThan(10_000);
      const again = performance.now();
      await clock.advance(20);
      expect(performance.now() - again).toBeLessThan(500);
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
