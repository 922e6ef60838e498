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
