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
  describe('#apply', () => {
    it('keeps a person online while any instance has a socket', () => {
      const online = new OnlineDirectory();
      online.apply(agent, 'i1', true);
      online.apply(agent, 'i2', true);
      online.apply(agent, 'i1', false);
      expect(online.isOnline(agent)).toBe(true);
      online.apply(agent, 'i2', false);
      expect(online.isOnline(agent)).toBe(false);
    });
  });

  describe('#restate / #expire', () => {
    it('learns people from a restatement and forgets those of an instance silent too long', () => {
      const online = new OnlineDirectory();
      const visitor = { websiteId: 'w', kind: 'visitor' as const, id: 'v1' };
      online.apply(agent, 'i1', true, 0);
      expect(online.restate('w', 'i2', [{ kind: 'visitor', id: 'v1' }, { kind: 'user', id: 'u1' }], 0)).toEqual([visitor]);
      expect(online.restate('w', 'i2', [{ kind: 'visitor', id: 'v1' }], 50)).toEqual([]);
      // i1 fell silent; i2 still speaks: the agent held by both stays, through i2.
      expect(online.expire(150, 100)).toEqual([]);
      expect(online.isOnlineElsewhere(agent, 'i1')).toBe(true);
      expect(online.expire(200, 100)).toEqual([agent, visitor]);
      expect(online.isOnline(visitor)).toBe(false);
    });

    it('keeps people an instance announced lately, whatever its last restatement said', () => {
      const online = new OnlineDirectory();
      online.restate('w', 'i1', [], 0);
      online.apply(agent, 'i1', true, 90);
      expect(online.expire(150, 100)).toEqual([]);
      expect(online.isOnline(agent)).toBe(true);
    });
  });

  describe('#isOnlineElsewhere', () => {
    it('tells whether another instance still holds a socket of the person', () => {
      const online = new OnlineDirectory();
      online.apply(agent, 'i1', true);
      expect(online.isOnlineElsewhere(agent, 'i1')).toBe(false);
      online.apply(agent, 'i2', true);
      expect(online.isOnlineElsewhere(agent, 'i1')).toBe(true);
      online.apply(agent, 'i2', false);
      expect(online.isOnlineElsewhere(agent, 'i1')).toBe(false);
    });
  });
});
