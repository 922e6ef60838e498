import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../../web/shared/api-client';
import { errorText } from '../../../web/shared/toast';

describe('ApiClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const visitor = () => new ApiClient({ kind: 'visitor', publicKey: 'pk_test', visitorId: 'v1' }, 'http://localhost');

  describe('#request', () => {
    it('says in plain words that the server could not be reached, not "Failed to fetch"', async () => {
      vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
      const failure = await visitor().postItem('c1', { id: 'item_1', type: 'message', text: 'hi' }).catch((error: unknown) => error);
      expect(errorText(failure)).toBe("Couldn't reach the server. Check your internet connection.");
    });

    it('says the server took too long when the request timed out', async () => {
      vi.stubGlobal('fetch', () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')));
      const failure = await visitor().listConversations().catch((error: unknown) => error);
      expect(errorText(failure)).toBe('The server took too long to answer. Please try again.');
    });
  });
});
