/** Where the widget says the visitor was (`metadata.widget`): checked as it comes in, kept for the team only. */
import { describe, expect, it } from 'vitest';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

const WIDGET = { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing · Shop', referrer: 'https://search.example/', language: 'fr-FR', timeZone: 'Europe/Paris' };

describe("the widget's context of a new conversation", () => {
  it("is kept with the visitor's conversation for the team, beside the website's own metadata, and not shown to the visitor", async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const created = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'ctx-1', metadata: { widget: WIDGET, plan: 'pro' } });
    expect(created.status).toBe(201);
    expect(created.body.conversation).not.toHaveProperty('metadata');
    const team = (await t.api.call('GET', '/v1/conversations/ctx-1', AGENT)).body.conversation;
    expect(team.metadata).toEqual({ widget: WIDGET, plan: 'pro' });
    expect((await t.api.call('GET', '/v1/conversations/ctx-1', visitor)).body.conversation).not.toHaveProperty('metadata');
  });

  it('takes a retry whose first answer was lost as the same request though the page moved on meanwhile, keeping what the first said', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const body = (pageUrl: string) => ({ conversationId: 'ctx-retry', defaultTimelineItems: [{ type: 'message', text: 'Hi' }], metadata: { widget: { ...WIDGET, pageUrl }, plan: 'pro' } });
    expect((await t.api.call('POST', '/v1/conversations', visitor, body('https://shop.example/pricing'))).status).toBe(201);
    expect((await t.api.call('POST', '/v1/conversations', visitor, body('https://shop.example/checkout'))).status).toBe(201);
    expect((await t.api.call('GET', '/v1/conversations/ctx-retry', AGENT)).body.conversation.metadata.widget.pageUrl).toBe('https://shop.example/pricing');
    // What it asks for still counts.
    expect((await t.api.call('POST', '/v1/conversations', visitor, { ...body('https://shop.example/pricing'), metadata: { plan: 'free' } })).status).toBe(409);
  });

  it('refuses a context the inbox could be misled by, naming the field, and creates nothing', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ pageUrl: 'javascript:alert(1)' }, 'body.metadata.widget.pageUrl'],
      [{ pageUrl: 'https://shop.example/reset?token=s3cret' }, 'body.metadata.widget.pageUrl'],
      [{ referrer: 'https://mail.example/#inbox' }, 'body.metadata.widget.referrer'],
      [{ pageUrl: 'https://admin:hunter2@shop.example/' }, 'body.metadata.widget.pageUrl'],
      [{ pageUrl: 'https://shop.example/\u0001' }, 'body.metadata.widget.pageUrl'],
      [{ pageTitle: '\u202Etxt.exe' }, 'body.metadata.widget.pageTitle'],
      [{ pageTitle: 'x'.repeat(301) }, 'body.metadata.widget.pageTitle'],
      [{ timeZone: 'Mars/Olympus' }, 'body.metadata.widget.timeZone'],
      [{ language: 'not a tag' }, 'body.metadata.widget.language'],
      [{ pageURL: 'https://shop.example/' }, 'body.metadata.widget.pageURL'],
    ];
    for (const [widget, field] of refusals) {
      const answer = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'ctx-refused', metadata: { widget } });
      expect(answer.status, JSON.stringify(widget)).toBe(400);
      expect(answer.body.error.details.fields.map((f: { path: string }) => f.path), JSON.stringify(widget)).toEqual([field]);
    }
    expect((await t.api.call('GET', '/v1/conversations/ctx-refused', AGENT)).status).toBe(404);
  });
});
