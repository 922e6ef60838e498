import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OwnWords } from '../../../server/realtime/own-words';

const quiet = pino({ level: 'silent' });

describe('OwnWords', () => {
  describe('#settled', () => {
    it('resolves once every word written so far came back or failed', async () => {
      const words = new OwnWords(quiet);
      let fail!: (err: Error) => void;
      words.wrote(1, 'w', Promise.resolve());
      words.wrote(2, 'w2', new Promise<void>((_, reject) => (fail = reject)));
      let settled: boolean | undefined;
      const waiting = words.settled(5_000).then((value) => (settled = value));
      words.readBack(1);
      await Promise.resolve();
      expect(settled).toBeUndefined();
      fail(new Error('store unreachable'));
      expect(await waiting).toBe(true);
    });

    it('gives up after the time given', async () => {
      const words = new OwnWords(quiet);
      words.wrote(1, 'w', Promise.resolve());
      expect(await words.settled(10)).toBe(false);
    });

    it('does not wait for words the stream lost long ago, and has their websites restated', async () => {
      const words = new OwnWords(quiet);
      words.wrote(1, 'w', Promise.resolve(), 0);
      words.wrote(2, 'w2', Promise.resolve(), 200);
      words.loseOlderThan(100);
      expect(words.takeUnsettled()).toEqual(['w']);
      words.loseOlderThan();
      expect(await words.settled(10)).toBe(true);
      expect(words.takeUnsettled()).toEqual(['w2']);
    });
  });

  describe('#takeUnsettled', () => {
    it('names each website whose word could not be written, once', async () => {
      const words = new OwnWords(quiet);
      words.wrote(1, 'w', Promise.reject(new Error('store unreachable')));
      words.wrote(2, 'w2', Promise.resolve());
      words.readBack(2);
      expect(await words.settled(1_000)).toBe(true);
      expect(words.takeUnsettled()).toEqual(['w']);
      expect(words.takeUnsettled()).toEqual([]);
    });
  });
});
