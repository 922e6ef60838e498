import { describe, expect, it } from 'vitest';
import type { EphemeralPayload } from '../../../server/realtime/ephemeral';
import { PresenceFeed } from '../../../server/realtime/presence-feed';
import { OnlineDirectory } from '../../../server/realtime/presence';

/** A presence word as the store's stream carries it. */
type Word =
  | { type: 'presence'; payload: EphemeralPayload<'presence'> }
  | { type: 'presenceRestated'; payload: EphemeralPayload<'presenceRestated'> }
  | { type: 'presenceExpired'; payload: EphemeralPayload<'presenceExpired'> };

const online = (instanceId: string, seq: number, id = 'u1'): Word => ({ type: 'presence', payload: { kind: 'user', id, online: true, instanceId, seq } });
const offline = (instanceId: string, seq: number, id = 'u1'): Word => ({ type: 'presence', payload: { kind: 'user', id, online: false, instanceId, seq } });
const restated = (instanceId: string, seq: number, ids: string[]): Word => ({
  type: 'presenceRestated',
  payload: { instanceId, seq, people: ids.map((id) => ({ kind: 'user' as const, id })) },
});
const expired = (instanceId: string, silentInstanceId: string, lastSeq: number): Word => ({
  type: 'presenceExpired',
  payload: { instanceId, silentInstanceId, sources: [{ websiteId: 'w', lastSeq }] },
});

const SILENCE_MS = 3_000;

/**
 * Instances reading one stream, each with its own directory; `told` collects what each tells the
 * team queues (`<instance>:online|offline:<user>`). An instance added later reads from then on;
 * one that dies reads no more. `noticed` is the expiries an instance writes at its beat.
 */
function cluster({ warmUntil = 0 } = {}) {
  const told: string[] = [];
  const readers = new Map<string, PresenceFeed>();
  const directories = new Map<string, OnlineDirectory>();
  let now = 1_000;
  const join = (instanceId: string) => {
    directories.set(instanceId, new OnlineDirectory());
    readers.set(
      instanceId,
      new PresenceFeed(
        directories.get(instanceId)!,
        { deliver: () => {} },
        { instanceId, warmUntil, words: { readBack: () => {} }, tell: (key, isOnline) => told.push(`${instanceId}:${isOnline ? 'online' : 'offline'}:${key.id}`) },
      ),
    );
  };
  const die = (instanceId: string) => readers.delete(instanceId);
  const noticed = (instanceId: string): Word[] =>
    directories
      .get(instanceId)!
      .silentSources(now, SILENCE_MS, instanceId)
      .map(({ instanceId: silentInstanceId, lastSeq }) => expired(instanceId, silentInstanceId, lastSeq));
  const read = (...words: Word[]) => {
    for (const word of words) {
      now += 1;
      for (const feed of readers.values()) {
        if (word.type === 'presence') feed.announced('w', word.payload, now);
        else if (word.type === 'presenceRestated') feed.restated('w', word.payload, now);
        else feed.expired(word.payload, now);
      }
    }
  };
  return { told, join, die, read, noticed, feed: (instanceId: string) => readers.get(instanceId)!, pass: (ms: number) => void (now += ms) };
}

describe('PresenceFeed', () => {
  describe('telling the team queues', () => {
    it('tells an agent came once, from the instance whose announcement made it', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      read(online('A', 1), online('B', 1));
      expect(told).toEqual(['A:online:u1']);
    });

    it('tells once that an agent whose last sockets on two instances closed at once went, whichever is read first', () => {
      for (const [first, second] of [
        ['A', 'B'],
        ['B', 'A'],
      ] as const) {
        const { told, join, read } = cluster();
        join('A');
        join('B');
        read(online('A', 1), online('B', 1), offline(first, 2), offline(second, 2));
        expect(told).toEqual(['A:online:u1', `${second}:offline:u1`]);
      }
    });

    it('tells that an agent went when the close is overtaken by its own instance’s restatement', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      // A wrote the offline (2), then its beat's restatement without the agent (3); 3 is read first.
      read(online('A', 1), restated('A', 3, []), offline('A', 2));
      expect(told).toEqual(['A:online:u1', 'A:offline:u1']);
    });

    it('tells that an agent came when the announcement was overtaken by its own instance’s restatement', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      read(restated('A', 2, ['u1']), online('A', 1));
      expect(told).toEqual(['A:online:u1']);
    });

    it('hears through the next restatement of an instance whose announcement could not be written', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      // The offline (2) never reached the store; A restates the website, where nobody is left.
      read(online('A', 1), restated('A', 3, []));
      expect(told).toEqual(['A:online:u1', 'A:offline:u1']);
    });

    it('tells nothing again while an agent stays, beat after beat, not even from an instance started since', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      read(online('A', 1), online('B', 1));
      for (let beat = 2; beat < 6; beat++) read(restated('A', beat, ['u1']), restated('B', beat, ['u1']));
      join('C');
      for (let beat = 6; beat < 9; beat++) read(restated('A', beat, ['u1']), restated('B', beat, ['u1']));
      // The queue marked the agent away when it refused work: nothing has lifted that mark.
      expect(told).toEqual(['A:online:u1']);
    });

    it('tells once, from the writer of the expiry read first, that the agents of a crashed instance went', () => {
      const { told, join, read } = cluster();
      join('A');
      join('B');
      read(online('crashed', 1), online('crashed', 2, 'u2'), online('B', 1, 'u2'));
      // Both noticed the silence; B's expiry is read first, A's finds nothing left. The crashed
      // instance never told that u2 came (it read nothing back): B tells it again.
      read(expired('B', 'crashed', 2), expired('A', 'crashed', 2));
      expect(told).toEqual(['B:offline:u1', 'B:online:u2']);
    });

    it('lets a crashed instance go in every website one expiry names', () => {
      const told: string[] = [];
      const feed = new PresenceFeed(new OnlineDirectory(), { deliver: () => {} }, { instanceId: 'A', warmUntil: 0, words: { readBack: () => {} }, tell: (key, isOnline) => told.push(`${key.websiteId}:${isOnline ? 'online' : 'offline'}:${key.id}`) });
      const announce = (websiteId: string, id: string, seq: number) => feed.announced(websiteId, { kind: 'user', id, online: true, instanceId: 'crashed', seq }, 1_000);
      announce('w1', 'u1', 1);
      announce('w2', 'u2', 2);
      feed.expired({ instanceId: 'A', silentInstanceId: 'crashed', sources: [{ websiteId: 'w1', lastSeq: 1 }, { websiteId: 'w2', lastSeq: 2 }] }, 5_000);
      expect(told.filter((word) => word.includes('offline'))).toEqual(['w1:offline:u1', 'w2:offline:u2']);
    });

    it('lets nobody go when the expired instance spoke after the word the expiry names', () => {
      const { told, join, read } = cluster();
      join('A');
      read(online('slow', 1), restated('slow', 2, ['u1']), expired('A', 'slow', 1));
      expect(told).toEqual([]);
      read(expired('A', 'slow', 2));
      expect(told).toEqual(['A:offline:u1']);
    });
  });

  describe('an instance dying before reading its word back', () => {
    it('has the writer of its expiry tell that an agent came, when it was still held elsewhere', () => {
      const { told, join, read, noticed, pass } = cluster();
      join('A');
      join('B');
      // C wrote the agent's first socket there (1) and died before reading it back.
      read(online('C', 1));
      read(online('B', 1)); // the inbox reconnects to B: nothing changes anywhere
      pass(SILENCE_MS);
      read(restated('A', 2, []), restated('B', 2, ['u1']));
      const expiry = noticed('A');
      expect(expiry).toEqual([expired('A', 'C', 1)]);
      read(...expiry, ...noticed('B')); // B's finds nothing left
      expect(told).toEqual(['A:online:u1']);
    });

    it('has the writer of its expiry tell that an agent went, whether it still held others there or nobody', () => {
      for (const others of [['v1'], []]) {
        const { told, join, die, read, noticed, pass } = cluster();
        join('A');
        join('B');
        read(online('A', 1), ...others.map((id) => ({ type: 'presence' as const, payload: { kind: 'visitor' as const, id, online: true, instanceId: 'A', seq: 2 } })));
        die('A'); // after writing the agent's last close (3), before reading it back
        read(offline('A', 3));
        pass(SILENCE_MS);
        read(restated('B', 1, []));
        read(...noticed('B'));
        expect(told).toEqual(['A:online:u1', 'B:offline:u1']);
      }
    });

    it('has the writer of the next expiry tell what an expiry’s writer made, dying before reading it back', () => {
      const { told, join, die, read, noticed, pass } = cluster();
      join('A');
      join('B');
      read(online('crashed', 1));
      die('B'); // after writing the expiry, before reading it back
      read(expired('B', 'crashed', 1));
      pass(SILENCE_MS);
      read(restated('A', 1, []));
      read(...noticed('A'));
      expect(told).toEqual(['A:offline:u1']);
    });

    it('tells nothing again of an instance heard a silence window after its word', () => {
      const { told, join, die, read, noticed, pass } = cluster();
      join('A');
      join('B');
      read(online('A', 1), online('B', 1));
      pass(SILENCE_MS);
      read(restated('A', 2, ['u1']), restated('B', 2, ['u1']));
      expect(noticed('B')).toEqual([]);
      die('A'); // long after reading its word back
      pass(SILENCE_MS);
      read(restated('B', 3, ['u1']));
      const expiry = noticed('B');
      expect(expiry).toEqual([expired('B', 'A', 2)]);
      read(...expiry);
      // The queue may have marked the agent away since: nothing lifts that mark.
      expect(told).toEqual(['A:online:u1']);
    });

    it('tells nothing again of an instance that let go of the agent it brought, when it goes quiet', () => {
      const { told, join, read, noticed, pass } = cluster();
      join('A');
      join('B');
      // A brought the agent, who moved to B; A has no sockets left, so it says nothing more.
      read(online('A', 1), online('B', 1), offline('A', 2));
      pass(SILENCE_MS);
      read(restated('B', 2, ['u1']));
      expect(noticed('B')).toEqual([]);
      expect(told).toEqual(['A:online:u1']);
    });
  });

  describe('#ownWordsLost', () => {
    it('tells that this instance’s agents went, unless another instance holds them', () => {
      const { told, join, read, feed } = cluster();
      join('A');
      read(online('A', 1), online('A', 2, 'u2'), online('B', 1, 'u2'));
      feed('A').ownWordsLost();
      expect(told).toEqual(['A:online:u1', 'A:online:u2', 'A:offline:u1']);
    });
  });

  describe('warm-up', () => {
    it('undoes an away told before it had heard another instance that holds the agent', () => {
      const { told, join, read } = cluster({ warmUntil: 10_000 });
      join('A'); // B held the agent before A started: A has not heard it yet
      read(online('A', 1), offline('A', 2), restated('B', 7, ['u1']));
      expect(told).toEqual(['A:online:u1', 'A:offline:u1', 'A:online:u1']);
    });

    it('undoes nothing once warm', () => {
      const { told, join, read, pass } = cluster({ warmUntil: 10_000 });
      join('A');
      join('B');
      read(online('A', 1), offline('A', 2));
      pass(10_000);
      read(online('B', 1));
      expect(told).toEqual(['A:online:u1', 'A:offline:u1', 'B:online:u1']);
    });
  });
});
