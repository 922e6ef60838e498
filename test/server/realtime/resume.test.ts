import { describe, expect, it } from 'vitest';
import { ResumeGate, type LiveItem } from '../../../server/realtime/resume';

const made = (conversationId: string, seq: number): LiveItem => ({ conversationId, seq, change: 'created' });
const changed = (conversationId: string, seq: number): LiveItem => ({ conversationId, seq, change: 'updated' });

describe('ResumeGate', () => {
  describe('#admitLive', () => {
    it('passes live items when no backfill runs, each seq once', () => {
      const gate = new ResumeGate();
      expect(gate.admitLive(made('c', 1), 'f1')).toBe(true);
      expect(gate.admitLive(made('c', 1), 'f1')).toBe(false);
    });

    it('holds live items during a backfill and releases the ones it did not send, in seq order', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      expect(gate.admitBackfill('c', 4)).toBe(true);
      expect(gate.admitLive(made('c', 6), 'f6')).toBe(false);
      expect(gate.admitLive(made('c', 4), 'f4')).toBe(false);
      expect(gate.admitLive(made('c', 5), 'f5')).toBe(false);
      expect(gate.admitLive(made('other', 9), 'f9')).toBe(true);
      expect(gate.finish('c')).toEqual(['f5', 'f6']);
    });

    it('holds live items until the last of several pending resumes of the conversation finishes', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      gate.begin('c');
      expect(gate.admitLive(made('c', 5), 'f5')).toBe(false);
      expect(gate.finish('c')).toEqual([]);
      expect(gate.admitLive(made('c', 6), 'f6')).toBe(false);
      expect(gate.finish('c')).toEqual(['f5', 'f6']);
      expect(gate.admitLive(made('c', 7), 'f7')).toBe(true);
    });

    it('holds the updates of a conversation being resumed too, and releases each after its item, in the order they came', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      expect(gate.admitLive(changed('c', 6), 'u6a')).toBe(false);
      expect(gate.admitLive(made('c', 6), 'f6')).toBe(false);
      expect(gate.admitLive(changed('c', 2), 'u2')).toBe(false);
      expect(gate.admitLive(changed('c', 6), 'u6b')).toBe(false);
      // The backfill sent item 6: its held copy is dropped, its updates still go, after what the backfill sent.
      expect(gate.admitBackfill('c', 6)).toBe(true);
      expect(gate.finish('c')).toEqual(['u2', 'u6a', 'u6b']);
    });

    it('passes every update when no backfill runs (an update is no duplicate of its item)', () => {
      const gate = new ResumeGate();
      expect(gate.admitLive(made('c', 1), 'f1')).toBe(true);
      expect(gate.admitLive(changed('c', 1), 'u1')).toBe(true);
      expect(gate.admitLive(changed('c', 1), 'u1 again')).toBe(true);
    });

    it('releases a held item before its held updates', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      gate.admitLive(changed('c', 3), 'u3');
      gate.admitLive(made('c', 3), 'f3');
      expect(gate.finish('c')).toEqual(['f3', 'u3']);
    });

    it('drops a late live copy of an item the backfill sent', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      gate.admitBackfill('c', 3);
      gate.finish('c');
      expect(gate.admitLive(made('c', 3), 'f3')).toBe(false);
      expect(gate.admitLive(made('c', 7), 'f7')).toBe(true);
    });
  });

  describe('#admitBackfill', () => {
    it('skips items the connection already received live', () => {
      const gate = new ResumeGate();
      gate.admitLive(made('c', 2), 'f2');
      gate.begin('c');
      expect(gate.admitBackfill('c', 1)).toBe(true);
      expect(gate.admitBackfill('c', 2)).toBe(false);
      expect(gate.finish('c')).toEqual([]);
    });
  });

  describe('#startBackfill', () => {
    it('starts reading past the seqs after afterSeq that the connection holds, sent live or read before', () => {
      const gate = new ResumeGate();
      for (const seq of [1, 2, 3, 6]) gate.admitLive(made('c', seq), `f${seq}`);
      expect(gate.startBackfill('c', 0)).toBe(3);
      expect(gate.startBackfill('c', 4)).toBe(4);
      expect(gate.startBackfill('c', 5)).toBe(6);
      expect(gate.startBackfill('other', 7)).toBe(7);
    });

    it('counts the seqs a backfill read past, none of them the caller’s to see, as held: a later resume does not read them again', () => {
      const gate = new ResumeGate();
      gate.begin('c');
      expect(gate.startBackfill('c', 0)).toBe(0);
      // Seqs 1, 4, 5 and 9 are private: the store's read gave only these.
      for (const seq of [2, 3, 6, 7, 8, 10]) expect(gate.admitBackfill('c', seq)).toBe(true);
      gate.finish('c');
      gate.begin('c');
      expect(gate.startBackfill('c', 0)).toBe(10);
      gate.finish('c');
      // Past what the backfill read, nothing is known: seq 11 is read again.
      expect(gate.admitLive(made('c', 12), 'f12')).toBe(true);
      expect(gate.startBackfill('c', 0)).toBe(10);
    });
  });
});

describe('ResumeGate#newestSent', () => {
  it('is the newest seq sent, live or backfilled', () => {
    const gate = new ResumeGate();
    expect(gate.newestSent('c')).toBeUndefined();
    gate.begin('c');
    gate.startBackfill('c', 0);
    gate.admitBackfill('c', 2);
    gate.admitBackfill('c', 5); // 3 and 4 read past: not the caller's
    gate.admitLive(made('c', 7), 'f7');
    expect(gate.newestSent('c')).toBe(5);
    gate.finish('c');
    expect(gate.newestSent('c')).toBe(7);
    gate.admitLive(made('c', 6), 'f6');
    expect(gate.newestSent('c')).toBe(7);
  });
});
