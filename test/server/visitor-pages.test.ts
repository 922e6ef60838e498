/** The page a visitor is on now, as their widget says it over the socket: told to the team live, kept for the team to read. */
import { describe, expect, it } from 'vitest';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

describe("a visitor's page as the widget follows it", () => {
  it('reaches every agent socket as it changes, and the visitor is read with the last one', async () => {
    const visitorId = await t.api.newVisitor();
    await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'pages-1' });
    const agent = await t.open(AGENT);
    const visitor = await t.open({ visitorId });
    expect((await t.api.call('GET', `/v1/visitors/${visitorId}`, AGENT)).body.visitor).toMatchObject({ recentPages: [] });
    expect((await t.api.call('GET', `/v1/visitors/${visitorId}`, AGENT)).body.visitor).not.toHaveProperty('lastPage');

    visitor.send({ type: 'pageViewed', payload: { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing · Shop' } });
    const first = await agent.waitFor((f) => f.type === 'visitorPageViewed');
    expect(first.payload).toEqual({ visitorId, websiteId: expect.any(String), pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing · Shop', at: expect.any(String) });
    visitor.send({ type: 'pageViewed', payload: { pageUrl: 'https://shop.example/checkout' } });
    const second = await agent.waitFor((f) => f.type === 'visitorPageViewed' && f.payload.pageUrl === 'https://shop.example/checkout');
    expect(second.payload).not.toHaveProperty('pageTitle');
    expect(second.payload.at >= first.payload.at).toBe(true);

    const read = await t.api.call('GET', `/v1/visitors/${visitorId}`, AGENT);
    expect(read.status).toBe(200);
    const checkout = { pageUrl: 'https://shop.example/checkout', at: second.payload.at };
    const pricing = { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing · Shop', at: first.payload.at };
    expect(read.body.visitor).toEqual({ id: visitorId, createdAt: expect.any(String), lastSeenAt: expect.any(String), lastPage: checkout, recentPages: [checkout, pricing] });
    // Told again (a reconnect): the team hears it, and it is not another page of the history.
    visitor.send({ type: 'pageViewed', payload: { pageUrl: 'https://shop.example/checkout' } });
    const again = await agent.waitFor((f) => f.type === 'visitorPageViewed' && f.payload.at > second.payload.at);
    const reread = (await t.api.call('GET', `/v1/visitors/${visitorId}`, AGENT)).body.visitor;
    expect(reread.lastPage).toEqual({ ...checkout, at: again.payload.at });
    expect(reread.recentPages).toEqual([checkout, pricing]);
    // Nobody but the team hears of it: not the visitor's own socket.
    expect(visitor.of('visitorPageViewed')).toEqual([]);
  });

  it('refuses a page the inbox could be misled by, and one said by anyone but a visitor, with error frames', async () => {
    const visitorId = await t.api.newVisitor();
    const agent = await t.open(AGENT);
    const visitor = await t.open({ visitorId });
    const refused: Array<[unknown, string]> = [
      [{ pageUrl: 'javascript:alert(1)' }, 'payload.pageUrl'],
      [{ pageUrl: 'https://shop.example/reset?token=s3cret' }, 'payload.pageUrl'],
      [{ pageUrl: 'https://shop.example/' + 'a'.repeat(2_100) }, 'payload.pageUrl'],
      [{ pageUrl: 'https://shop.example/', pageTitle: '\u202Etxt.exe' }, 'payload.pageTitle'],
      [{ pageUrl: 'https://shop.example/', pageTitle: 'x'.repeat(301) }, 'payload.pageTitle'],
      [{ pageUrl: 'https://shop.example/', referrer: 'https://search.example/' }, 'payload'],
      [{}, 'payload.pageUrl'],
    ];
    for (const [payload, path] of refused) {
      const ref = `bad-${refused.findIndex(([p]) => p === payload)}`;
      visitor.send({ type: 'pageViewed', payload, ref });
      const error = await visitor.waitFor((f) => f.type === 'error' && f.payload.ref === ref);
      expect(error.payload.code, JSON.stringify(payload)).toBe('ERR_INVALID_INPUT');
      expect(JSON.stringify(error.payload.details), JSON.stringify(payload)).toContain(path);
    }
    agent.send({ type: 'pageViewed', payload: { pageUrl: 'https://shop.example/' }, ref: 'from-agent' });
    expect((await agent.waitFor((f) => f.type === 'error' && f.payload.ref === 'from-agent')).payload.code).toBe('ERR_FORBIDDEN');
    expect(agent.of('visitorPageViewed')).toEqual([]);
    expect((await t.api.call('GET', `/v1/visitors/${visitorId}`, AGENT)).body.visitor).not.toHaveProperty('lastPage');
  });

  it('is read by the team only; a visitor the website does not have is a 404', async () => {
    const visitorId = await t.api.newVisitor();
    expect((await t.api.call('GET', `/v1/visitors/${visitorId}`, { visitorId })).status).toBe(403);
    expect((await t.api.call('GET', '/v1/visitors/vis_nobody', AGENT)).status).toBe(404);
  });
});
