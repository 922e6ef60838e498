import { describe, expect, it } from 'vitest';
import { LocalPresence, OnlineDirectory } from '../../../server/realtime/presence';

const agent = { websiteId: 'w', kind: 'user' as const, id: 'u1' };

describe('LocalPresence', () => {
  describe('#connect / #disconnect', () => {
    it('announces only the first socket and the last one', () => {
      const presence = new LocalPresence();
      expect(presence.connect(agent)).toBe(true);
      expect(presence.connect(agent)).toBe(false);
      expect(presence.disconnect(agent)).toBe(false);
      expect(presence.disconnect(agent)).toBe(true);
    });
  });

  describe('#byWebsite', () => {
    it('lists the people with a socket here, by website', () => {
      const presence = new LocalPresence();
      presence.connect(agent);
      presence.connect({ websiteId: 'w', kind: 'visitor', id: 'v1' });
      presence.connect({ websiteId: 'w2', kind: 'visitor', id: 'v2' });
      presence.connect({ websiteId: 'w2', kind: 'visitor', id: 'v3' });
      presence.disconnect({ websiteId: 'w2', kind: 'visitor', id: 'v3' });
      expect(Object.fromEntries(presence.byWebsite())).toEqual({
        w: [{ kind: 'user', id: 'u1' }, { kind: 'visitor', id: 'v1' }],
        w2: [{ kind: 'visitor', id: 'v2' }],
      });
    });
  });
});

describe('OnlineDirectory', () => {
  const visitor = { websiteId: 'w', kind: 'visitor' as const, id: 'v1' };

  describe('#announce', () => {
    it('keeps a person online while any instance has a socket, and says when that begins and ends', () => {
      const online = new OnlineDirectory();
      expect(online.announce(agent, 'i1', true, 1)).toEqual({ arrived: [agent], gone: [] });
      expect(online.announce(agent, 'i2', true, 1)).toEqual({ arrived: [], gone: [] });
      expect(online.announce(agent, 'i1', false, 2)).toEqual({ arrived: [], gone: [] });
      expect(online.isOnline(agent)).toBe(true);
      expect(online.announce(agent, 'i2', false, 2)).toEqual({ arrived: [], gone: [agent] });
      expect(online.isOnline(agent)).toBe(false);
    });

    it('takes what an instance said earlier, read back later, as old news', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', false, 5);
      expect(online.announce(agent, 'i1', true, 4)).toEqual({ arrived: [], gone: [] });
      expect(online.isOnline(agent)).toBe(false);
    });
  });

  describe('#restate', () => {
    it('learns an instance’s people, and lets go of those it no longer states', () => {
      const online = new OnlineDirectory();
      expect(online.restate('w', 'i1', [{ kind: 'visitor', id: 'v1' }, { kind: 'user', id: 'u1' }], 1)).toEqual({ arrived: [visitor, agent], gone: [] });
      expect(online.restate('w', 'i1', [{ kind: 'user', id: 'u1' }], 2)).toEqual({ arrived: [], gone: [visitor] });
    });

    it('lets neither a newer announcement be undone by an older restatement, nor an older one undo a restatement', () => {
      const online = new OnlineDirectory();
      online.announce(visitor, 'i1', false, 7); // left after the restatement below was written
      expect(online.restate('w', 'i1', [{ kind: 'visitor', id: 'v1' }], 6).arrived).toEqual([]);
      expect(online.isOnline(visitor)).toBe(false);
      online.restate('w', 'i1', [], 9);
      online.announce(visitor, 'i1', true, 8); // said before that restatement
      expect(online.isOnline(visitor)).toBe(false);
      expect(online.restate('w', 'i1', [{ kind: 'visitor', id: 'v1' }], 8)).toEqual({ arrived: [], gone: [] }); // an older one

      online.announce(visitor, 'i1', true, 11); // arrived after the restatement below was written
      expect(online.restate('w', 'i1', [], 10).gone).toEqual([]);
      expect(online.isOnline(visitor)).toBe(true);
    });
  });

  describe('#silentSources', () => {
    it('names the websites where another instance holds people and fell silent, never this one’s', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', true, 1, 0);
      online.restate('w', 'i2', [{ kind: 'user', id: 'u1' }, { kind: 'visitor', id: 'v1' }], 4, 50);
      online.announce({ websiteId: 'w', kind: 'visitor', id: 'mine' }, 'me', true, 1, 0);
      expect(online.silentSources(150, 100, 'me')).toEqual([{ websiteId: 'w', instanceId: 'i1', lastSeq: 1 }]);
      expect(online.silentSources(200, 100, 'me')).toEqual([
        { websiteId: 'w', instanceId: 'i1', lastSeq: 1 },
        { websiteId: 'w', instanceId: 'i2', lastSeq: 4 },
      ]);
      // Naming them lets nobody go: that is decided by the expiry read back from the stream.
      expect(online.isOnline(agent)).toBe(true);
    });

    it('forgets, without naming them, silent instances that hold nobody', () => {
      const online = new OnlineDirectory();
      online.announce(visitor, 'i1', true, 1, 0);
      online.announce(visitor, 'i1', false, 2, 0);
      expect(online.silentSources(200, 100, 'me')).toEqual([]);
    });

    it('names a website where an instance silent everywhere made an agent come or go last, though it holds nobody there', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', true, 1, 0);
      online.announce(agent, 'i1', false, 2, 0);
      expect(online.silentSources(200, 100, 'me')).toEqual([{ websiteId: 'w', instanceId: 'i1', lastSeq: 2 }]);
    });

    it('forgets an instance’s agent changes once it was heard a silence window after them, in any website', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', true, 1, 0);
      online.announce(agent, 'i1', false, 2, 0);
      online.restate('w2', 'i1', [{ kind: 'visitor', id: 'v2' }], 3, 90);
      expect(online.silentSources(120, 100, 'me')).toEqual([]); // heard lately: kept, not named
      online.restate('w2', 'i1', [{ kind: 'visitor', id: 'v2' }], 4, 150);
      expect(online.silentSources(160, 100, 'me')).toEqual([]);
      expect(online.silentSources(300, 100, 'me')).toEqual([{ websiteId: 'w2', instanceId: 'i1', lastSeq: 4 }]);
    });
  });

  describe('#expireSource', () => {
    it('lets a silent instance’s people in a website go; those another instance holds stay', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', true, 1);
      online.restate('w', 'i2', [{ kind: 'user', id: 'u1' }, { kind: 'visitor', id: 'v1' }], 4);
      // i1 made the agent come (maybe dying before telling it): still online, through i2.
      expect(online.expireSource('w', 'i1', 1, 'i3')).toEqual({ arrived: [], gone: [], maybeUntold: [agent] });
      expect(online.isOnline(agent)).toBe(true);
      expect(online.expireSource('w', 'i2', 4, 'i3')).toEqual({ arrived: [], gone: [agent, visitor], maybeUntold: [] });
      // A second expiry of the same silence (another instance noticed it too) finds nothing left.
      expect(online.expireSource('w', 'i2', 4, 'i4')).toEqual({ arrived: [], gone: [], maybeUntold: [] });
      // The agent's going is its writer's change, maybe untold if that one dies in turn.
      expect(online.expireSource('w', 'i3', -1, 'i4')).toEqual({ arrived: [], gone: [], maybeUntold: [agent] });
    });

    it('names no agent whose coming the expired instance undid itself, by letting go of them', () => {
      const online = new OnlineDirectory();
      online.announce(agent, 'i1', true, 1);
      online.announce(agent, 'i2', true, 1);
      online.announce(agent, 'i1', false, 2);
      online.announce(visitor, 'i1', true, 3);
      expect(online.expireSource('w', 'i1', 3, 'i3')).toEqual({ arrived: [], gone: [visitor], maybeUntold: [] });
    });

    it('is void when the instance spoke after the word it names (slow, not gone)', () => {
      const online = new OnlineDirectory();
      online.restate('w', 'i1', [{ kind: 'user', id: 'u1' }], 4);
      online.restate('w', 'i1', [{ kind: 'user', id: 'u1' }], 5);
      expect(online.expireSource('w', 'i1', 4, 'i2')).toEqual({ arrived: [], gone: [], maybeUntold: [] });
      expect(online.isOnline(agent)).toBe(true);
    });
  });

  describe('#releaseInstance', () => {
    it('lets go of everyone an instance holds, in every website', () => {
      const online = new OnlineDirectory();
      const elsewhere = { websiteId: 'w2', kind: 'visitor' as const, id: 'v2' };
      online.announce(agent, 'me', true, 1);
      online.announce(elsewhere, 'me', true, 2);
      online.announce(visitor, 'me', true, 3);
      online.announce(visitor, 'i2', true, 1);
      expect(online.releaseInstance('me')).toEqual({ arrived: [], gone: [agent, elsewhere] });
      expect(online.isOnline(visitor)).toBe(true);
    });
  });

  describe('memory', () => {
    it('keeps no record of announcements once nothing older can still arrive', () => {
      const online = new OnlineDirectory();
      for (let i = 0; i < 1_000; i++) {
        online.announce({ websiteId: 'w', kind: 'visitor', id: `v${i}` }, 'me', true, 2 * i, i);
        online.announce({ websiteId: 'w', kind: 'visitor', id: `v${i}` }, 'me', false, 2 * i + 1, i);
      }
      online.silentSources(2_000, 100, 'me');
      // A record still kept would refuse this (older than the visitor's last word, which is gone).
      expect(online.announce({ websiteId: 'w', kind: 'visitor', id: 'v0' }, 'me', true, 0, 2_000).arrived).toHaveLength(1);
    });
  });
});
