import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../../domain/timeline';
import { configScript } from '../../../web/static-routes';
import { shouldAskForRating } from '../../../web/widget/rating-state';
import { event, message, VISITOR } from './items';

describe('shouldAskForRating', () => {
  const resolved = event(2, { kind: 'resolved', data: {} });
  const rating = { ...message(3, VISITOR, ''), type: 'rating', score: 5 } as TimelineItem;

  it('asks once a conversation is resolved and not rated since', () => {
    expect(shouldAskForRating('open', [message(1, VISITOR, 'hi')])).toBe(false);
    expect(shouldAskForRating('resolved', [message(1, VISITOR, 'hi'), resolved])).toBe(true);
    expect(shouldAskForRating('resolved', [message(1, VISITOR, 'hi'), resolved, rating])).toBe(false);
  });

  it('asks again after a later resolution', () => {
    expect(shouldAskForRating('resolved', [resolved, rating, event(4, { kind: 'resolved', data: {} })])).toBe(true);
  });
});

describe('configScript', () => {
  it('puts the config on window without letting a value close the script', () => {
    const script = configScript({ publicKey: 'pk_</script><script>alert(1)' });
    expect(script).toMatch(/^window\.SUPPORT_CONFIG = /);
    expect(script).not.toContain('</script>');
    const window: { SUPPORT_CONFIG?: unknown } = {};
    new Function('window', script)(window);
    expect(window.SUPPORT_CONFIG).toEqual({ publicKey: 'pk_</script><script>alert(1)' });
  });
});
