import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../../../web/shared/api-client';
import { errorText } from '../../../web/shared/toast';

describe('ApiClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const visitor = () => new ApiClient({ kind: 'visitor', publicKey: 'pk_test', visitorId: 'v1' }, 'http://localhost');

  describe('#resolve', () => {
    it('says the newest item the reader saw, when it knows one', async () => {
      const bodies: unknown[] = [];
      vi.stubGlobal('fetch', (_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(String(init.body)));
        return Promise.resolve(new Response(JSON.stringify({ conversation: {} }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
      });
      const agent = new ApiClient({ kind: 'agent', key: 'sk_test', agentId: 'agent_alex' }, 'http://localhost');
      await agent.resolve('c1', 7);
      await agent.resolve('c1');
      expect(bodies).toEqual([{ upToSeq: 7 }, {}]);
    });
  });

  describe('#request', () => {
    it('says in plain words that the server could not be reached, not "Failed to fetch"', async () => {
      vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
      const failure = await visitor().postItem('c1', { id: 'item_1', type: 'message', text: 'hi' }).catch((error: unknown) => error);
      expect(errorText(failure)).toBe("Couldn't reach the server. Check your internet connection.");
    });

    it("adds each field's reason to invalid input, whose message only names the fields, and to nothing else", () => {
      const fields = (message: string) => ({ fields: [{ path: 'body.shortcut', message }] });
      expect(errorText(new ApiError(400, 'ERR_INVALID_INPUT', 'Invalid input: body.shortcut', fields('too long')))).toBe('Invalid input: body.shortcut (too long)');
      // A 409 that names the field says why in its message already: not "… is taken (taken)".
      expect(errorText(new ApiError(409, 'ERR_CONFLICT', 'The shortcut hi is taken', fields('taken')))).toBe('The shortcut hi is taken');
    });

    it('says the server took too long when the request timed out', async () => {
      vi.stubGlobal('fetch', () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')));
      const failure = await visitor().listConversations().catch((error: unknown) => error);
      expect(errorText(failure)).toBe('The server took too long to answer. Please try again.');
    });
  });
});
