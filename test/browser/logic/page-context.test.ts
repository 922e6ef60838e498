import { describe, expect, it } from 'vitest';
import { widgetContextSchema } from '../../../server/schemas/widget-context';
import { pageContext, type PageFacts } from '../../../web/widget/page-context';

const facts = (over: Partial<PageFacts> = {}): PageFacts => ({
  href: 'https://shop.example/account/reset?token=s3cret#step-2',
  title: 'Reset your password · Shop',
  referrer: 'https://mail.example/inbox?id=42',
  language: 'fr-FR',
  timeZone: 'Europe/Paris',
  ...over,
});

describe('pageContext: where the widget says the visitor was', () => {
  it('tells the page and where they came from without query or fragment, which often hold tokens', () => {
    expect(pageContext(facts())).toEqual({
      pageUrl: 'https://shop.example/account/reset',
      pageTitle: 'Reset your password · Shop',
      referrer: 'https://mail.example/inbox',
      language: 'fr-FR',
      timeZone: 'Europe/Paris',
    });
  });

  it('leaves out what the server would refuse rather than lose the conversation over it', () => {
    const context = pageContext(facts({ href: 'file:///home/ada/page.html', title: ' \u202Eexe.txt\n', referrer: '', language: 'not a tag!', timeZone: '' }));
    expect(context).toEqual({ pageTitle: 'exe.txt' });
    expect(pageContext(facts({ href: `https://shop.example/${'a'.repeat(2_100)}`, title: '   ' })).pageUrl).toBeUndefined();
    expect(pageContext(facts({ title: 'x'.repeat(400) })).pageTitle).toHaveLength(300);
    // Cut where a character ends: half an emoji would make the request unstorable.
    expect(pageContext(facts({ title: `${'x'.repeat(299)}😀 and more` })).pageTitle).toBe('x'.repeat(299));
  });

  it('sends only what the server takes, whatever the page', () => {
    const pages = [
      facts(),
      facts({ href: 'http://localhost:3000/a%20b/', title: `${'é'.repeat(299)}😀`, referrer: 'android-app://com.example' }),
      facts({ href: 'https://xn--bcher-kva.example/ü', language: 'es-419' }),
      // A title of zero-width characters shows nothing: the server refuses it as a title.
      facts({ title: '\u200b \u2060' }),
    ];
    for (const page of pages) expect(widgetContextSchema.safeParse(pageContext(page)).error).toBeUndefined();
  });
});
