/**
 * The widget embedded on a customer's website, another origin than the chat server's, with the
 * snippet only (`<script src=…/widget.js data-public-key=… async>`), under a strict CSP.
 */
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { userHashOf } from '../../server/services/identity';
import { identityTokenKey } from '../../server/services/identity-token';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { startTestApp } from './support/app';
import { startCustomerSite, type CustomerSite } from './support/customer-site';

const AGENT_ID = 'agent_alex';

/** The page's `window` with the widget's API on it. */
type WithChat = { SupportChat: { identify(who: unknown): void; reset(): void } };

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'the widget embedded on another website', () => {
  let app: RunningApp;
  let browser: Browser;
  /** Allowed in ALLOWED_ORIGINS. */
  let site: CustomerSite;
  /** Not allowed. */
  let stranger: CustomerSite;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const publicKey = () => app.keys.publicKey;
    [site, stranger] = await Promise.all([startCustomerSite(publicKey), startCustomerSite(publicKey)]);
    app = await startTestApp({ ALLOWED_ORIGINS: site.url });
    site.chatOrigin = stranger.chatOrigin = app.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([site?.close(), stranger?.close()]);
  });

  /** A new browser (its own storage) on `url`, `prepare` done to its page first; what it says on the console as errors and what it throws uncaught are collected. */
  async function visitWith(url: string, prepare: (page: Page) => Promise<void>): Promise<{ page: Page; errors: string[]; uncaught: Error[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    const uncaught: Error[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => uncaught.push(error));
    await prepare(page);
    await page.goto(url);
    return { page, errors, uncaught };
  }

  const visit = (url: string) => visitWith(url, async () => undefined);

  const overApi = async (method: string, path: string, body?: unknown) => {
    const answer = await fetch(`${app.url}/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await answer.json()) as any;
  };

  /** Opens the widget, starts a conversation with `text`; the conversation's id. */
  async function startConversation(page: Page, text: string): Promise<string> {
    if ((await page.locator('.sw-panel').isHidden())) await page.locator('.sw-launcher').click();
    await page.getByRole('button', { name: 'New conversation' }).click();
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST');
    await page.locator('.composer-input').fill(text);
    await page.locator('.composer-input').press('Enter');
    const { conversation } = (await (await created).json()) as { conversation: { id: string } };
    await page.locator('.sw-chat .tl-message').filter({ hasText: text }).waitFor();
    return conversation.id;
  }

  const identity = (externalId: string) => ({ externalId, userHash: userHashOf(app.keys.identitySecret, externalId) });

  it('shows the launcher on a page of another origin under a strict CSP; the visitor writes to the team and gets the reply live', async () => {
    const { page, errors, uncaught } = await visit(site.url);
    await page.locator('.sw-launcher').waitFor();
    const id = await startConversation(page, 'Hello from the customer site');
    const { items } = await overApi('GET', `/conversations/${id}/timeline`);
    expect(items.map((item: { text?: string }) => item.text)).toContain('Hello from the customer site');
    await overApi('POST', '/messages', { conversationId: id, item: { type: 'message', text: 'A person answers here' } });
    await page.locator('.sw-chat .tl-message').filter({ hasText: 'A person answers here' }).waitFor();
    expect(uncaught).toEqual([]);
    expect(errors.filter((error) => /Content Security Policy|CORS/.test(error))).toEqual([]);
  });

  it('tells the team the page a conversation was started on, and the page the visitor is on now, unless the snippet says data-page-context="off"', async () => {
    const conversationOf = async (id: string) => (await overApi('GET', `/conversations/${id}`)).conversation;
    const lastPageOf = async (visitorId: string) => (await overApi('GET', `/visitors/${visitorId}`)).visitor.lastPage;
    const told = await visit(`${site.url}/?from=newsletter`);
    const toldConversation = await conversationOf(await startConversation(told.page, 'Which page am I on?'));
    expect(toldConversation.metadata).toEqual({ widget: expect.objectContaining({ pageUrl: `${site.url}/`, pageTitle: 'Customer site' }) });
    await expect.poll(() => lastPageOf(toldConversation.visitorId)).toMatchObject({ pageUrl: `${site.url}/`, pageTitle: 'Customer site' });
    const kept = await visit(`${site.url}/?pageContext=off`);
    const keptConversation = await conversationOf(await startConversation(kept.page, 'Keep my page to myself'));
    expect(keptConversation.metadata).toBeUndefined();
    await kept.page.evaluate(() => history.pushState({}, '', '/private/share-link'));
    await kept.page.waitForTimeout(2_000); // Twice as long as the widget takes to notice a move.
    expect(await lastPageOf(keptConversation.visitorId)).toBeUndefined();
  });

  it("leaves the page's own styles as they were, and the page's styles out of the widget", async () => {
    const styles = (page: Page) =>
      page.evaluate(() => {
        const body = getComputedStyle(document.body);
        const button = getComputedStyle(document.getElementById('buy')!);
        const h1 = getComputedStyle(document.querySelector('h1')!);
        return { body: [body.margin, body.fontFamily, body.fontSize, body.backgroundColor], button: [button.padding, button.borderRadius, button.color, button.fontFamily], h1: h1.margin };
      });
    const bare = await visit(`${site.url}/?bare`);
    const { page } = await visit(site.url);
    await page.locator('.sw-launcher').click();
    await page.locator('.sw-panel').waitFor();
    expect(await styles(page)).toEqual(await styles(bare.page));
    // `button { background: red !important }` and `div { padding: 3px }` on the page, a Georgia body font: none of it in the widget.
    const launcher = await page.locator('.sw-launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(launcher).toBe('rgb(79, 70, 229)');
    const root = await page.locator('.sw-root').evaluate((el) => [getComputedStyle(el).padding, getComputedStyle(el).fontFamily]);
    expect(root[0]).toBe('0px');
    expect(root[1]).not.toContain('Georgia');
  });

  it("shows an identified user's conversations on another browser, also when identify is called before widget.js has loaded", async () => {
    const laptop = await visit(site.url);
    await laptop.page.locator('.sw-launcher').waitFor();
    await laptop.page.evaluate((who) => (window as unknown as WithChat).SupportChat.identify(who), identity('user-continuity'));
    const id = await startConversation(laptop.page, 'Asked on my laptop');
    expect((await overApi('GET', `/conversations/${id}`)).conversation.contactId).toBeDefined();

    const context = await browser.newContext();
    contexts.push(context);
    // The snippet's queue: calls made before the script has loaded.
    await context.addInitScript((who) => {
      const queue: unknown[] = [];
      (window as any).SupportChat = Object.assign((...args: unknown[]) => void queue.push(args), { q: queue });
      (window as any).SupportChat('identify', who);
      (window as any).SupportChat('open');
    }, identity('user-continuity'));
    const phone = await context.newPage();
    await phone.goto(site.url);
    await phone.locator(`.sw-conversation[data-conversation-id="${id}"]`).waitFor();
  });

  it('identifies the user with a token signed by the website, the name and email in it reaching the team, and a second browser with a new token', async () => {
    const tokenFor = (externalId: string) =>
      new SignJWT({ name: 'Grace Hopper', email: 'grace@example.com' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(externalId)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(identityTokenKey(app.keys.identitySecret)));
    const laptop = await visit(site.url);
    await laptop.page.locator('.sw-launcher').waitFor();
    await laptop.page.evaluate((userJwt) => (window as unknown as WithChat).SupportChat.identify({ userJwt }), await tokenFor('user-signed'));
    const id = await startConversation(laptop.page, 'Asked with a signed identity');
    expect((await overApi('GET', `/conversations/${id}`)).conversation.contact).toMatchObject({ externalId: 'user-signed', name: 'Grace Hopper', email: 'grace@example.com' });

    const phone = await visit(site.url);
    await phone.page.locator('.sw-launcher').waitFor();
    await phone.page.evaluate((userJwt) => (window as unknown as WithChat).SupportChat.identify({ userJwt }), await tokenFor('user-signed'));
    await phone.page.locator('.sw-launcher').click();
    await phone.page.locator(`.sw-conversation[data-conversation-id="${id}"]`).waitFor();
  });

  it("forgets the previous user on reset: the next one sees none of their conversations, and what they write is not filed under them", async () => {
    const { page } = await visit(site.url);
    await page.locator('.sw-launcher').waitFor();
    await page.evaluate((who) => (window as unknown as WithChat).SupportChat.identify(who), identity('user-leaving'));
    const previous = await startConversation(page, 'Private question of the first user');
    const previousContact = (await overApi('GET', `/conversations/${previous}`)).conversation.contactId;
    expect(previousContact).toBeDefined();

    await page.evaluate(() => (window as unknown as WithChat).SupportChat.reset());
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
    await expect.poll(() => page.locator('.sw-conversation').count()).toBe(0);
    const next = await startConversation(page, 'Question of the next user');
    const { conversation } = await overApi('GET', `/conversations/${next}`);
    expect(conversation.contactId).toBeUndefined();
    expect(conversation.visitorId).not.toBe((await overApi('GET', `/conversations/${previous}`)).conversation.visitorId);
  });

  /**
   * Reloads the page with its start held on its way to the server until `whileHeld` has run (the
   * website's own calls, say), recording every call made after as which visitor.
   */
  async function reloadWithStartHeld(page: Page, whileHeld: () => Promise<void>): Promise<string[]> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/v1\/websites/, async (route) => {
      await held;
      await route.continue();
    });
    const askedAs: string[] = [];
    const started = page.waitForRequest(/\/v1\/websites/);
    await page.reload();
    await started;
    page.on('request', (request) => {
      const visitor = request.headers()['x-visitor-id'] ?? new URL(request.url()).searchParams.get('visitorId');
      if (visitor) askedAs.push(`${request.method()} ${new URL(request.url()).pathname} ${visitor}`);
    });
    await whileHeld();
    release();
    return askedAs;
  }

  /** A user identified on this browser with a conversation of their own; its id and their visitor's. */
  async function signedInUser(page: Page, externalId: string): Promise<{ conversationId: string; visitorId: string }> {
    await page.locator('.sw-launcher').waitFor();
    await page.evaluate((who) => (window as unknown as WithChat).SupportChat.identify(who), identity(externalId));
    const conversationId = await startConversation(page, `Question only ${externalId} may see`);
    return { conversationId, visitorId: (await overApi('GET', `/conversations/${conversationId}`)).conversation.visitorId as string };
  }

  /** The widget shows a new visitor: no conversation listed, and the next one started is not the previous visitor's. */
  async function expectNewVisitor(page: Page, previousVisitor: string): Promise<void> {
    if (await page.locator('.sw-panel').isHidden()) await page.locator('.sw-launcher').click();
    await page.getByRole('button', { name: 'New conversation' }).waitFor();
    expect(await page.locator('.sw-conversation').count()).toBe(0);
    const next = await startConversation(page, 'Question of whoever comes next');
    const { conversation } = await overApi('GET', `/conversations/${next}`);
    expect(conversation.visitorId).not.toBe(previousVisitor);
    expect(conversation.contactId).toBeUndefined();
  }

  it('forgets the previous user at once on a reset made while the widget is still reaching the server: nothing of theirs is asked for or shown', async () => {
    const { page } = await visit(site.url);
    const previous = await signedInUser(page, 'user-on-shared-computer');
    const askedAs = await reloadWithStartHeld(page, () => page.evaluate(() => (window as unknown as WithChat).SupportChat.reset()));
    await expectNewVisitor(page, previous.visitorId);
    expect(askedAs.filter((request) => request.endsWith(previous.visitorId))).toEqual([]);
  });

  it('does not link the next visitor to a user who signed out before their identify was done', async () => {
    const { page } = await visit(site.url);
    const previous = await signedInUser(page, 'user-leaving-at-once');
    // The page identifies its user as it loads, and the user signs out before the widget has started.
    const askedAs = await reloadWithStartHeld(page, () =>
      page.evaluate((who) => {
        (window as unknown as WithChat).SupportChat.identify(who);
        (window as unknown as WithChat).SupportChat.reset();
      }, identity('user-leaving-at-once')),
    );
    await expectNewVisitor(page, previous.visitorId);
    expect(askedAs.filter((request) => request.startsWith('POST /v1/contacts/identify'))).toEqual([]);
  });

  it('says once on the console that a page of an origin not allowed must be added to ALLOWED_ORIGINS, without an uncaught error, asking again only once a minute', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.clock.install();
    const errors: string[] = [];
    const uncaught: Error[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => uncaught.push(error));
    let calls = 0;
    page.on('request', (request) => request.url().includes('/v1/websites') && calls++);
    await page.goto(stranger.url);
    await expect.poll(() => errors.filter((error) => error.includes('ALLOWED_ORIGINS'))).toHaveLength(1);
    expect(errors.find((error) => error.includes('ALLOWED_ORIGINS'))).toContain(stranger.url);
    // The first guess is checked with one more call at once (the server may have just come back), then a call a minute.
    await page.clock.runFor(30_000);
    expect(calls).toBe(2);
    await page.clock.runFor(31_000);
    await expect.poll(() => calls).toBe(3);
    await page.waitForTimeout(500);
    expect(errors.filter((error) => error.includes('ALLOWED_ORIGINS'))).toHaveLength(1);
    expect(uncaught).toEqual([]);
    expect(await page.locator('.sw-launcher').count()).toBe(0);
  });

  it("says once on the console that the widget's public key is unknown, not that the page's origin is refused, on an allowed origin", async () => {
    const { page, errors, uncaught } = await visit(`${site.url}/?publicKey=pk_mistyped`);
    await expect.poll(() => errors.filter((error) => error.includes('pk_mistyped'))).toHaveLength(1);
    expect(errors.find((error) => error.includes('pk_mistyped'))).toContain('data-public-key');
    expect(errors.filter((error) => error.includes('ALLOWED_ORIGINS'))).toEqual([]);
    expect(uncaught).toEqual([]);
    expect(await page.locator('.sw-launcher').count()).toBe(0);
  });

  it('shows the launcher when an answer without CORS headers (a proxy in front failing) turns out not to have been a refusal', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.clock.install();
    // An answer the page may not read (it names another origin), as a proxy's error page without the server's CORS headers.
    const unreadable = { 'access-control-allow-origin': 'https://elsewhere.example' };
    await page.route(`${app.url}/v1/websites`, (route) => route.fulfill({ status: 502, body: 'Bad gateway', headers: unreadable }));
    await page.goto(site.url);
    await page.waitForTimeout(1_000);
    await page.unroute(`${app.url}/v1/websites`);
    await page.clock.runFor(61_000);
    await page.locator('.sw-launcher').waitFor();
  });

  it("tries again after a proxy's error page at load (a 404 without the API's error body), rather than giving up", async () => {
    const { page, errors, uncaught } = await visitWith(site.url, async (page) => {
      await page.route(`${app.url}/v1/websites`, (route) => route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' }));
    });
    await page.waitForTimeout(1_500);
    expect(await page.locator('.sw-launcher').count()).toBe(0);
    await page.unroute(`${app.url}/v1/websites`);
    await page.locator('.sw-launcher').waitFor({ timeout: 20_000 });
    expect(errors.filter((error) => error.includes('refused the widget'))).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it("never throws into the page, whatever it passes: junk in its own queue, a BigInt as a command", async () => {
    const { page, errors, uncaught } = await visitWith(site.url, async (page) => {
      await page.addInitScript(() => {
        (window as any).SupportChat = Object.assign(() => undefined, { q: [42, null, 'open', ['open']] });
      });
    });
    await page.locator('.sw-panel').waitFor();
    await page.evaluate(() => (window as any).SupportChat(BigInt(1)));
    await expect.poll(() => errors.filter((error) => error.includes('no command bigint'))).toHaveLength(1);
    expect(uncaught).toEqual([]);
  });

  it('works where the browser refuses the page its storage: the visitor is new at each page load', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    await context.addInitScript(() =>
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      }),
    );
    const page = await context.newPage();
    await page.goto(site.url);
    await page.locator('.sw-launcher').waitFor();
    await startConversation(page, 'Written without storage');
  });

  it('shows the launcher at once, without a console error, when the chat server comes back between a failed call and its check', async () => {
    const { page, errors, uncaught } = await visitWith(site.url, async (page) => {
      let back = false;
      await page.route(`${app.url}/v1/**`, (route) => {
        // The server comes back just as the widget checks whether it is up.
        back ||= new URL(route.request().url()).pathname === '/v1/health';
        return back ? route.continue() : route.abort('connectionrefused');
      });
    });
    await page.locator('.sw-launcher').waitFor({ timeout: 10_000 });
    expect(errors.filter((error) => error.includes('ALLOWED_ORIGINS'))).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it('shows the launcher once the chat server can be reached, on a page loaded while it could not', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const uncaught: Error[] = [];
    page.on('pageerror', (error) => uncaught.push(error));
    await page.route(`${app.url}/v1/**`, (route) => route.abort('connectionrefused'));
    await page.goto(site.url);
    await page.waitForTimeout(1_500);
    expect(await page.locator('.sw-launcher').count()).toBe(0);
    await page.unroute(`${app.url}/v1/**`);
    await page.locator('.sw-launcher').waitFor({ timeout: 20_000 });
    expect(uncaught).toEqual([]);
  });
});
