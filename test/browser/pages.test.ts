/**
 * The pages as their users meet them, beyond the journey: what a visitor and an agent see and can
 * do when things happen at awkward moments (files, sends under way, reconnects, two tabs).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium, launchChromiumWithTabs } from './support/browser';
import { startTestApp } from './support/app';
import { signInToInbox } from './support/inbox';
import { hasFocus, placementOf } from './support/page-reads';
import { solidPng } from '../support/png';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';

const DESKTOP = { width: 1280, height: 820 };
const AGENT_ID = 'agent_alex';

/** WCAG's contrast ratio of an element's text colour against its background colour (both opaque). */
const contrastOf = (element: Locator) =>
  element.evaluate((el) => {
    const luminance = (css: string) => {
      const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const style = getComputedStyle(el);
    const [a, b] = [luminance(style.color), luminance(style.backgroundColor)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });

/** The element with keyboard focus, also inside the widget's shadow root (where `document.activeElement` is only its host). */
const focusedElement = (page: Page) =>
  page.evaluateHandle(() => {
    let focused = document.activeElement;
    while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
    return focused as HTMLElement | null;
  });

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'the pages in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let agentContext: BrowserContext;
  let agent: Page;
  const visitorContexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    agentContext = await browser.newContext({ viewport: DESKTOP });
    agentContext.setDefaultTimeout(10_000);
    agent = await agentContext.newPage();
    await signIn(agent);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signs in at the inbox, or at an address of it (`/inbox?…`), with the link `npm start` prints: the key in the fragment. */
  function signIn(page: Page, address = '/inbox', on: RunningApp = app): Promise<void> {
    return signInToInbox(page, on, { address });
  }

  async function newVisitor(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    visitorContexts.push(context);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.locator('.sw-launcher').click();
    return page;
  }

  const send = async (page: Page, text: string) => {
    await page.locator('.composer-input').fill(text);
    await page.locator('.composer-input').press('Enter');
  };

  /** The visitor starts a conversation with `text` in the widget; its id. */
  async function startConversation(visitor: Page, text: string): Promise<string> {
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    const created = visitor.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST');
    await send(visitor, text);
    const { conversation } = (await (await created).json()) as { conversation: { id: string } };
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: text }).waitFor();
    return conversation.id;
  }

  const openInInbox = async (page: Page, conversationId: string) => {
    await page.locator(`.row[data-conversation-id="${conversationId}"]`).click();
    await page.locator('.panel-main .tl-message').first().waitFor();
  };

  /** Calls the API of `on` (the app the tests share unless given), as the agent unless `as` gives other credentials; the status and parsed answer. */
  const overApi = async (method: string, path: string, body?: unknown, as?: Record<string, string>, on: RunningApp = app) => {
    const headers = as ?? { Authorization: `Bearer ${on.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID };
    const answer = await fetch(`${on.url}/v1${path}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: answer.status, body: (await answer.json()) as any };
  };

  /** The conversation's priority is raised elsewhere (another tab, the backend): the inbox's panel is drawn again with it. */
  const raisePriorityElsewhere = async (page: Page, conversationId: string) => {
    expect((await overApi('PATCH', `/conversations/${encodeURIComponent(conversationId)}`, { priority: 'urgent' })).status).toBe(200);
    await expect.poll(() => page.locator('select[name="conversationPriority"]').inputValue()).toBe('urgent');
  };

  it("shows the AI assistant's answers readable in the inbox, where they sit on the team's side", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'How do I reset my password?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    await openInInbox(agent, id);
    const answer = agent.locator('.panel-main .tl-message[data-author="ai"] .tl-bubble').first();
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/Forgot password/);
    expect(await contrastOf(answer)).toBeGreaterThanOrEqual(4.5);
  });

  /** Attaches a file in the composer and sends it with `text`; done once the page shows it sent. */
  async function sendFile(page: Page, text: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await page.locator('.composer-file-input').setInputFiles(file);
    await page.locator('.composer-attached').filter({ hasText: file.name }).waitFor();
    await send(page, text);
    await page.locator('.tl-list .tl-message').filter({ hasText: text }).filter({ hasText: file.name }).waitFor();
  }

  const png = (name: string, width: number, height: number) => ({ name, mimeType: 'image/png', buffer: Buffer.from(solidPng(width, height)) });

  /** Whether `element` is wider inside than it shows (a line running out of it). */
  const overflows = (element: Locator) => element.evaluate((el) => el.scrollWidth > el.clientWidth + 1);

  it('offers an image too large to decode safely (16,000 × 16,000) as a download, not drawn in the timeline', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A huge picture');
    const bomb = Buffer.from(solidPng(1, 1));
    bomb.writeUInt32BE(16_000, 16); // IHDR's width and height, which the server reads as the image's size
    bomb.writeUInt32BE(16_000, 20);
    await sendFile(visitor, 'Look at this', { name: 'huge.png', mimeType: 'image/png', buffer: bomb });
    await openInInbox(agent, id);
    const file = agent.locator('.panel-main .tl-file').filter({ hasText: 'huge.png' });
    await file.waitFor();
    expect(await file.evaluate((element) => element.tagName)).toBe('BUTTON');
    expect(await agent.locator('.panel-main img.tl-file-image').count()).toBe(0);
  });

  it('wraps a long file name inside the message, in the widget and the inbox, rather than running out of it', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Screenshot coming');
    const name = `Screenshot_20261206_142231_com_android_chrome_edited_final_${'x'.repeat(120)}.txt`;
    await sendFile(visitor, 'Here it is', { name, mimeType: 'text/plain', buffer: Buffer.from('the log\n') });
    const inWidget = visitor.locator('.sw-chat .tl-list');
    expect(await overflows(inWidget)).toBe(false);
    await openInInbox(agent, id);
    await agent.locator('.panel-main .tl-file-name').filter({ hasText: 'Screenshot_' }).waitFor();
    expect(await overflows(agent.locator('.panel-main .tl-list'))).toBe(false);
  });

  /** The images of a timeline once drawn: their own size and the size shown. */
  const imagesIn = async (timeline: Locator) => {
    const images = timeline.locator('img.tl-file-image');
    await expect.poll(() => images.evaluateAll((all: HTMLImageElement[]) => all.length > 0 && all.every((img) => img.complete && img.naturalWidth > 0))).toBe(true);
    return images.evaluateAll((all: HTMLImageElement[]) =>
      Object.fromEntries(all.map((img) => [img.alt, { natural: [img.naturalWidth, img.naturalHeight], shown: [img.clientWidth, img.clientHeight] }])),
    );
  };

  it('shows an image at its own size, or smaller to fit but whole, in the widget and the inbox', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Here are two screenshots');
    await sendFile(visitor, 'a small one', png('small.png', 40, 30));
    await sendFile(visitor, 'a tall one', png('tall.png', 100, 600));
    await openInInbox(agent, id);
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'a tall one' }).waitFor();
    for (const timeline of [visitor.locator('.sw-chat .tl-list'), agent.locator('.panel-main .tl-list')]) {
      const images = await imagesIn(timeline);
      expect(images['small.png']?.shown).toEqual([40, 30]);
      const [width = 0, height = 0] = images['tall.png']?.shown ?? [];
      expect(height).toBeGreaterThan(150); // made smaller to fit the timeline's 160 px…
      expect(height).toBeLessThanOrEqual(160);
      expect(Math.abs(width - (height * 100) / 600)).toBeLessThanOrEqual(1); // …with its proportions kept: nothing cut off
    }
  });

  /** How far above its end a timeline is scrolled, in pixels. */
  const distanceFromEnd = (timeline: Locator) => timeline.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

  it('keeps the newest message in view after images, however late they arrive', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'I have a few screenshots for you');
    for (const n of [1, 2, 3]) await sendFile(visitor, `screenshot ${n}`, png(`screen-${n}.png`, 300, 600));
    const timeline = visitor.locator('.sw-chat .tl-list');
    await imagesIn(timeline);
    expect(await timeline.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true); // The images made it scroll.
    expect(await distanceFromEnd(timeline)).toBeLessThan(5);

    // The agent answers: the visitor, who never scrolled, sees the answer without scrolling.
    await openInInbox(agent, id);
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'screenshot 3' }).waitFor();
    const inbox = agent.locator('.panel-main .tl-list');
    await imagesIn(inbox);
    expect(await distanceFromEnd(inbox)).toBeLessThan(5);
    await send(agent, 'Thanks, I can see the problem now');
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'I can see the problem' }).waitFor();
    await imagesIn(timeline);
    expect(await distanceFromEnd(timeline)).toBeLessThan(5);
    expect(await distanceFromEnd(inbox)).toBeLessThan(5);
  });

  /**
   * Holds the page's requests to `url` until the returned function is called (a slow network or
   * server), all but the first `letThrough`.
   */
  async function holdRequests(page: Page, url: string, letThrough = 0): Promise<() => void> {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen = 0;
    await page.route(url, async (route) => {
      if (++seen > letThrough) await held;
      await route.continue();
    });
    return release;
  }

  it('keeps what the visitor writes and attaches while a message is still uploading, and sends it next', async () => {
    const visitor = await newVisitor();
    await startConversation(visitor, 'I will send you a screenshot');
    // The upload takes its time (held here until the visitor has written the next message).
    const release = await holdRequests(visitor, '**/v1/files?**');
    const input = visitor.locator('.composer-input');
    await visitor.locator('.composer-file-input').setInputFiles(png('screen.png', 40, 30));
    await send(visitor, 'here it is');
    // It is on its way: the box is free for the next message, which the visitor writes, with a file, and sends.
    await expect.poll(() => input.inputValue()).toBe('');
    await visitor.locator('.composer-attached').waitFor({ state: 'hidden' });
    await visitor.locator('.composer-file-input').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await send(visitor, 'and my notes');
    release();

    // The visitor's own, in the order they were sent (the assistant's hand-off may come between any two).
    const messages = visitor.locator('.sw-chat .tl-message[data-author="mine"]');
    await messages.filter({ hasText: 'and my notes' }).filter({ hasText: 'notes.pdf' }).waitFor();
    const texts = await messages.allInnerTexts();
    const first = texts.findIndex((t) => t.includes('here it is') && t.includes('screen.png'));
    expect(first).toBeGreaterThan(0);
    expect(texts.findIndex((t) => t.includes('and my notes'))).toBe(first + 1);
    expect(await input.inputValue()).toBe('');
    expect(await visitor.locator('.composer-attached').isHidden()).toBe(true);
    expect(await (await focusedElement(visitor)).evaluate((focused) => focused?.classList.contains('composer-input'))).toBe(true);
  });

  it('leaves keyboard focus where the agent moved it while a message was on its way', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Is my order shipped?');
    await openInInbox(agent, id);
    const release = await holdRequests(agent, '**/v1/messages');
    await send(agent, 'Let me check');
    // Meanwhile the agent turns to the list's tag filter and types in it.
    const tag = agent.locator('input[name="tag"]');
    onTestFinished(async () => {
      // Emptied (and applied, had it been): the other tests read the whole list.
      await tag.fill('');
      await tag.press('Enter');
      await agent.unroute('**/v1/messages');
    });
    await tag.focus();
    await agent.keyboard.type('vi');
    release();
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'Let me check' }).waitFor();
    await agent.locator('.panel-main .composer:not([aria-busy])').waitFor();
    await agent.keyboard.type('p');
    expect(await tag.inputValue()).toBe('vip');
    expect(await agent.locator('.panel-main .composer-input').inputValue()).toBe('');
  });

  it('filters the list by tag as the agent types, keeping their focus and caret in the field', async () => {
    const tagged = await startConversation(await newVisitor(), 'I am a big customer');
    const untagged = await startConversation(await newVisitor(), 'Just asking');
    expect((await overApi('POST', `/conversations/${tagged}/tags`, { add: ['vip'] })).status).toBe(200);
    const row = (id: string) => agent.locator(`.row[data-conversation-id="${id}"]`);
    await row(untagged).waitFor();
    const tag = agent.locator('input[name="tag"]');
    onTestFinished(async () => {
      await tag.fill('');
      await tag.press('Enter');
    });
    await tag.focus();
    await agent.keyboard.type('vip'); // No Enter: the agent types and waits.
    await row(untagged).waitFor({ state: 'detached' });
    await row(tagged).waitFor();
    expect(await tag.evaluate((field: HTMLInputElement) => [document.activeElement === field, field.selectionStart])).toEqual([true, 3]);
    await agent.keyboard.press('ArrowLeft');
    await agent.keyboard.type('-');
    expect(await tag.inputValue()).toBe('vi-p');
  });

  it('sorts the list by who has waited longest, says for how long, and moves a conversation answered out of the waiting ones at once', async () => {
    const tag = 'sort-waiting';
    /** A conversation of a new visitor, the assistant paused so that only the test answers; the visitor's headers. */
    const quiet = async (conversationId: string) => {
      const visitorId = (await overApi('GET', '/websites', undefined, { 'X-Public-Key': app.keys.publicKey })).body.visitor.id as string;
      expect((await overApi('POST', '/conversations', { conversationId, visitorId, tags: [tag] })).status).toBe(201);
      expect((await overApi('POST', `/conversations/${conversationId}/ai/pause`, { minutes: 60 })).status).toBe(200);
      await expect.poll(async () => (await overApi('GET', `/conversations/${conversationId}`)).body.conversation.aiPausedUntil).toBeDefined();
      return { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId };
    };
    const write = (conversationId: string, text: string, as?: Record<string, string>) => overApi('POST', '/messages', { conversationId, item: { type: 'message', text } }, as);
    const [first, second, silent] = ['sw-first', 'sw-second', 'sw-silent'];
    const firstVisitor = await quiet(first);
    const secondVisitor = await quiet(second);
    await quiet(silent);
    expect((await write(first, 'Hello, is anyone there?', firstVisitor)).status).toBe(201);
    expect((await write(second, 'My order did not come', secondVisitor)).status).toBe(201);

    const tagField = agent.locator('input[name="tag"]');
    const sort = agent.locator('select[name="sort"]');
    onTestFinished(async () => {
      await sort.selectOption('recent');
      await tagField.fill('');
      await tagField.press('Enter');
    });
    await tagField.fill(tag);
    await tagField.press('Enter');
    await sort.selectOption({ label: 'Waiting longest' });
    const order = () => agent.locator('.conversation-list .row').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.conversationId));
    await expect.poll(order).toEqual([first, second, silent]);
    expect(new URL(agent.url()).searchParams.get('sort')).toBe('waiting');
    const waitingOf = (id: string) => agent.locator(`.row[data-conversation-id="${id}"] [data-testid="waiting"]`);
    await expect.poll(() => waitingOf(first).textContent()).toMatch(/^Waiting (now|\d+m)$/);
    expect(await waitingOf(silent).count()).toBe(0);

    // The agent answers the one waiting longest elsewhere: the frame moves it below the one still waiting, newest of the rest.
    expect((await write(first, 'Yes, how can I help?')).status).toBe(201);
    await expect.poll(order).toEqual([second, first, silent]);
    expect(await waitingOf(first).count()).toBe(0);
  });

  it('searches the list as the agent types: / goes to the field, the matches alone show, counted, and Escape brings the list back', async () => {
    const toaster = await startConversation(await newVisitor(), 'My toaster zorblax is on fire');
    const otherVisitor = await newVisitor();
    const other = await startConversation(otherVisitor, 'Just a question about invoices');
    const row = (id: string) => agent.locator(`.row[data-conversation-id="${id}"]`);
    await row(other).waitFor();
    const search = agent.getByRole('searchbox', { name: 'Search conversations' });
    onTestFinished(async () => {
      await search.fill('');
      await search.press('Enter');
    });
    await agent.locator('h1.brand').focus();
    await agent.keyboard.press('/');
    expect(await search.evaluate((field) => document.activeElement === field)).toBe(true);
    await agent.keyboard.type('ZORBLAX'); // Any case, no Enter: the agent types and waits.
    await row(other).waitFor({ state: 'detached' });
    await row(toaster).waitFor();
    const count = agent.locator('[data-testid="search-count"]');
    expect([await count.getAttribute('aria-live'), await count.textContent()]).toEqual(['polite', '1 conversation found']);
    // The count is written again only when it changes: a live region rewritten at every frame is read out again each time.
    await count.evaluate((region) => {
      const writes = new MutationObserver((records) => (region.dataset.writes = String(Number(region.dataset.writes ?? 0) + records.length)));
      writes.observe(region, { childList: true, characterData: true, subtree: true });
    });
    // A conversation that does not match stays out as it changes; one whose new message matches comes in.
    await send(otherVisitor, 'Still waiting');
    // Stored before the next conversation begins, so its frame reaches the inbox first.
    await expect.poll(async () => (await overApi('GET', `/conversations/${other}`)).body.conversation.lastMessage?.text).toBe('Still waiting');
    const thirdVisitor = await newVisitor();
    const third = await startConversation(thirdVisitor, 'Hello');
    await send(thirdVisitor, 'zorblax too');
    await row(third).waitFor();
    expect(await row(other).count()).toBe(0);
    await expect.poll(() => count.textContent()).toBe('2 conversations found');
    // Frames came for three conversations (the other's message, the third's creation and messages): one write, for the new count.
    expect(await count.getAttribute('data-writes')).toBe('1');
    await search.press('End');
    await agent.keyboard.type(' nowhere');
    await agent.locator('.list-empty').filter({ hasText: 'No conversations match “ZORBLAX nowhere”.' }).waitFor();
    // Escape while an input method composes cancels the composition, not the search.
    await search.evaluate((field) => field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true, cancelable: true })));
    expect(await search.inputValue()).toBe('ZORBLAX nowhere');
    await search.press('Escape');
    expect(await search.inputValue()).toBe('');
    await row(other).waitFor();
    await row(toaster).waitFor();
    expect(await count.textContent()).toBe('');
  });

  it('shows the list of the tag typed last, also when the list read for what was typed before answers late', async () => {
    const tagged = await startConversation(await newVisitor(), 'Gold member here');
    expect((await overApi('POST', `/conversations/${tagged}/tags`, { add: ['gold'] })).status).toBe(200);
    const row = agent.locator(`.row[data-conversation-id="${tagged}"]`);
    await row.waitFor();
    // The read for "go" takes its time (a slow server): the one for "gold" overtakes it.
    const readFor = (tag: string) => (url: URL) => url.pathname === '/v1/conversations' && url.searchParams.get('tag') === tag;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await agent.route(readFor('go'), async (route) => {
      await held;
      await route.continue();
    });
    const tag = agent.locator('input[name="tag"]');
    onTestFinished(async () => {
      release();
      await agent.unroute(readFor('go'));
      await tag.fill('');
      await tag.press('Enter');
    });
    const slowRead = agent.waitForRequest((request) => readFor('go')(new URL(request.url())));
    await tag.fill('go');
    const late = await slowRead;
    const gold = agent.waitForResponse((response) => readFor('gold')(new URL(response.url())));
    await tag.fill('gold');
    await (await gold).finished();
    await row.waitFor();
    release();
    await (await late.response())?.finished();
    await agent.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100))); // Its answer read and handled.
    expect(await row.count()).toBe(1);
  });

  it('lists a conversation assigned to the agent while "Assigned to me" is being read: the listing, read before the assignment, does not take it away', async () => {
    const assigned = await conversationOverApi('Assigned while the list is read');
    const row = agent.locator(`.row[data-conversation-id="${assigned}"]`);
    await row.waitFor();
    // The server answers the filtered list before the assignment; the answer reaches the page after the assignment's frame.
    const readMine = (url: URL) => url.pathname === '/v1/conversations' && url.searchParams.get('assigneeId') === AGENT_ID;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered = () => {};
    const read = new Promise<void>((resolve) => (answered = resolve));
    await agent.route(readMine, async (route) => {
      const response = await route.fetch();
      answered();
      await held;
      await route.fulfill({ response });
    });
    const mine = agent.locator('input[name="assignedToMe"]');
    onTestFinished(async () => {
      release();
      await agent.unroute(readMine);
      await mine.uncheck();
    });
    const listing = agent.waitForResponse((response) => readMine(new URL(response.url())));
    await mine.check();
    await read;
    expect((await overApi('POST', `/conversations/${assigned}/assign`, { userId: AGENT_ID })).status).toBe(200);
    // A change the row shows, made after the assignment: once it shows, the assignment's frame came too.
    expect((await overApi('PATCH', `/conversations/${assigned}`, { priority: 'urgent' })).status).toBe(200);
    await row.locator('[data-testid="priority"]', { hasText: 'urgent' }).waitFor();
    release();
    await (await listing).finished();
    await agent.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100))); // Its answer read and handled.
    expect(await row.count()).toBe(1);
  });

  /** A new agent's page of its own (a colleague's browser), signed in at `address`. */
  async function inboxAt(address: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signIn(page, address);
    return page;
  }

  /** The part of the inbox's address after its path. */
  const addressOf = (page: Page) => new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash;

  it('names the open conversation and the filters in the address: a reload, Back and Forward, and a colleague given the link see the same', async () => {
    const parcel = await startConversation(await newVisitor(), 'Where is my parcel?');
    const sorted = await startConversation(await newVisitor(), 'Thanks, all sorted');
    await resolveOverApi(sorted);
    const page = await inboxAt('/inbox');
    expect(addressOf(page)).toBe('/inbox'); // The key is off the address once signed in.
    const showing = (text: string) => page.locator('.panel-main .tl-message').filter({ hasText: text }).waitFor();
    const status = page.locator('select[name="status"]');

    await openInInbox(page, parcel);
    expect(addressOf(page)).toBe(`/inbox?conversation=${parcel}`);
    await status.selectOption('all');
    expect(addressOf(page)).toBe(`/inbox?conversation=${parcel}&status=all`);
    await openInInbox(page, sorted);
    await status.selectOption('open'); // The list no longer holds it: it stays open.
    expect(addressOf(page)).toBe(`/inbox?conversation=${sorted}`);

    await page.goBack();
    await showing('Where is my parcel?');
    expect(await status.inputValue()).toBe('all');
    await page.goBack();
    await page.locator('.inbox-empty').filter({ hasText: 'Choose a conversation.' }).waitFor();
    expect(await status.inputValue()).toBe('open');
    await page.goForward();
    await showing('Where is my parcel?');
    expect(addressOf(page)).toBe(`/inbox?conversation=${parcel}&status=all`);

    await page.reload();
    await showing('Where is my parcel?');
    expect(await status.inputValue()).toBe('all');
    await page.locator(`.row-selected[data-conversation-id="${parcel}"]`).waitFor();

    // Back while a tag typed was about to apply: the filters of the entry gone back to stand.
    await openInInbox(page, sorted);
    await status.selectOption('resolved');
    await page.locator('input[name="tag"]').fill('zz');
    await page.goBack();
    await showing('Where is my parcel?');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(addressOf(page)).toBe(`/inbox?conversation=${parcel}&status=all`);
    expect(await page.locator('input[name="tag"]').inputValue()).toBe('');

    // A colleague opens a link to the resolved one, which their list (open conversations) leaves out, after signing in.
    const colleague = await inboxAt(`/inbox?conversation=${sorted}`);
    await colleague.locator('.panel-main .tl-message').filter({ hasText: 'Thanks, all sorted' }).waitFor();
    expect(await colleague.locator('.panel-header').textContent()).toContain('resolved');
    expect(await colleague.locator(`.row[data-conversation-id="${sorted}"]`).count()).toBe(0);
    expect(addressOf(colleague)).toBe(`/inbox?conversation=${sorted}`);
  });

  it('says plainly that the conversation an address names cannot be opened, and shows the list', async () => {
    const page = await inboxAt('/inbox?conversation=conv_nosuchthing&status=all');
    await page.locator('.toast[role="alert"]').filter({ hasText: "Couldn't open conversation conv_nosuchthing: it does not exist, or you do not have access to it." }).waitFor();
    await page.locator('.inbox-empty').filter({ hasText: 'Choose a conversation.' }).waitFor();
    await page.locator('.conversation-list .row').first().waitFor();
    expect(await page.locator('select[name="status"]').inputValue()).toBe('all');
    expect(addressOf(page)).toBe('/inbox?status=all');
  });

  /** The server stores each message the page sends; its answer is lost on the way (a proxy's 502). */
  const storeButLoseAnswers = (page: Page) =>
    page.route('**/v1/messages', async (route) => {
      await route.fetch();
      await route.fulfill({ status: 502, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Bad gateway' } }) });
    });

  it('keeps a message whose send failed until Retry, and stores it once also when the server had stored it and only its answer was lost', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Hello there');
    await storeButLoseAnswers(visitor);
    await send(visitor, 'Are you still there?');
    await visitor.locator('.composer-unsent').filter({ hasText: '1 message not sent' }).waitFor();
    expect(await visitor.locator('.composer-input').inputValue()).toBe('');
    await visitor.unroute('**/v1/messages');
    const retried = visitor.waitForResponse((r) => r.url().endsWith('/v1/messages') && r.request().method() === 'POST');
    await visitor.locator('.composer-retry').click();
    expect((await retried).status()).toBe(201);
    await visitor.locator('.composer-unsent').waitFor({ state: 'hidden' });
    const mine = visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Are you still there?' });
    await mine.first().waitFor();
    const stored = await fetch(`${app.url}/v1/conversations/${id}/timeline?limit=100`, {
      headers: { Authorization: `Bearer ${app.keys.secretKey}` },
    }).then((r) => r.json() as Promise<{ items: Array<{ text?: string }> }>);
    expect(stored.items.filter((item) => item.text === 'Are you still there?')).toHaveLength(1);
    expect(await mine.count()).toBe(1);
  });

  it('keeps a message sent offline in view as not delivered, says why in plain words, and sends it once back online', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Hello there');
    await visitor.context().setOffline(true);
    await send(visitor, 'Did my order ship?');
    const unsent = visitor.locator('.sw-chat [data-testid="unsent-message"]');
    await unsent.filter({ hasText: 'Did my order ship?' }).filter({ hasText: 'Not delivered' }).waitFor();
    await visitor.locator('.toast').filter({ hasText: "Couldn't reach the server" }).waitFor();
    expect(await visitor.locator('.toast').filter({ hasText: 'Failed to fetch' }).count()).toBe(0);

    await visitor.context().setOffline(false); // The browser says it is online: no Retry needed.
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Did my order ship?' }).waitFor({ timeout: 5_000 });
    await unsent.first().waitFor({ state: 'detached' });
    expect((await storedItems(id)).filter((item) => item.text === 'Did my order ship?')).toHaveLength(1);
  });

  it('sets aside a message the server refuses, sends the next, and puts the refused one back in the box on Edit', async () => {
    const visitor = await newVisitor();
    await startConversation(visitor, 'Hello there');
    await visitor.route('**/v1/messages', (route) =>
      route.request().postData()?.includes('Refuse me')
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_INVALID_INPUT', message: 'Invalid input: body.item.text', details: { fields: [{ path: 'body.item.text', message: 'too long' }] } } }) })
        : route.continue(),
    );
    await send(visitor, 'Refuse me');
    await send(visitor, 'And then this');
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'And then this' }).waitFor();
    const refused = visitor.locator('.sw-chat [data-testid="unsent-message"]');
    await refused.filter({ hasText: 'Refuse me' }).filter({ hasText: 'Not sent: Invalid input: body.item.text (too long)' }).waitFor();
    expect(await visitor.locator('.composer-unsent-line').isVisible()).toBe(false);
    await refused.getByRole('button', { name: 'Edit' }).click();
    await refused.first().waitFor({ state: 'detached' });
    expect(await visitor.locator('.composer-input').inputValue()).toBe('Refuse me');
  });

  it('keeps text over the limit in the box, saying the limit, and sends nothing', async () => {
    const visitor = await newVisitor();
    await startConversation(visitor, 'Hello there');
    const long = 'a'.repeat(10_001);
    await visitor.locator('.composer-input').fill(long);
    await visitor.locator('.composer-input').press('Enter');
    await visitor.locator('.toast').filter({ hasText: "This message can't be sent: at most 10,000 characters (this is 10,001)." }).waitFor();
    expect(await visitor.locator('.composer-input').inputValue()).toBe(long);
    expect(await visitor.locator('.composer-unsent').isVisible()).toBe(false);
  });

  it('names the message box for screen readers by what it writes: a private note while the Note switch is on', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Who reads this?');
    await openInInbox(agent, id);
    const box = agent.locator('.panel-main').getByRole('textbox');
    const reply = await box.getAttribute('aria-label');
    await agent.locator('.panel-main .composer-note-toggle').check();
    expect(await box.getAttribute('aria-label')).toBe('Private note (only the team sees it)…');
    await agent.locator('.panel-main .composer-note-toggle').uncheck();
    expect(await box.getAttribute('aria-label')).toBe(reply);
  });

  it('keeps the Note switch on while the conversation changes (the AI hands it over, a colleague raises its priority)', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Please look at my account');
    await openInInbox(agent, id);
    const notes = agent.locator('.panel-main .composer-note-toggle');
    await notes.check();
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor(); // The AI's hand-over to the team.
    await raisePriorityElsewhere(agent, id);
    expect(await notes.isChecked()).toBe(true);
  });

  it('sends a private note whose send failed as a note on Retry, whatever the Note switch says by then', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Please check my order');
    // The AI's turn (here its hand-over to the team, which draws the panel again) is over before the agent writes.
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    await openInInbox(agent, id);
    const notes = agent.locator('.panel-main .composer-note-toggle');
    await notes.check();
    await agent.route('**/v1/messages', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Try again' } }) }),
    );
    await send(agent, 'Looks like a fraud attempt, keep an eye on it');
    await agent.locator('.panel-main .composer-unsent').waitFor();
    // The agent turns to answering the visitor meanwhile.
    await notes.uncheck();
    await agent.unroute('**/v1/messages');
    await agent.locator('.panel-main .composer-retry').click();
    await agent.locator('.panel-main .composer-unsent').waitFor({ state: 'hidden' });
    // Polled: a drawing of the panel under load may take the unsent line away before the retry's answer.
    const stored = async () =>
      (await overApi('GET', `/conversations/${id}/timeline?limit=100`)).body.items.filter((item: { text?: string }) => item.text?.startsWith('Looks like a fraud'));
    await expect.poll(stored).toEqual([expect.objectContaining({ type: 'note', visibility: 'private' })]);
  });

  /** The items stored in a conversation, as the team reads them. */
  const storedItems = (conversationId: string) =>
    fetch(`${app.url}/v1/conversations/${conversationId}/timeline?limit=100`, { headers: { Authorization: `Bearer ${app.keys.secretKey}` } })
      .then((r) => r.json() as Promise<{ items: Array<{ type: string; visibility: string; text?: string; parts?: Array<{ type: string; text?: string; filename?: string }> }> }>)
      .then(({ items }) => items);

  it('keeps the messages not sent and the text being written when the visitor goes back to the list, and across a reload', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'I have a screenshot for you');
    await storeButLoseAnswers(visitor); // Its file is uploaded first.
    await visitor.locator('.composer-file-input').setInputFiles(png('screen.png', 40, 30));
    await send(visitor, 'here it is');
    const unsent = visitor.locator('.sw-chat .composer-unsent');
    await unsent.filter({ hasText: '1 message not sent' }).waitFor();
    await send(visitor, 'and one more thing');
    await unsent.filter({ hasText: '2 messages not sent' }).waitFor();
    await visitor.locator('.composer-input').fill('I was about to say');
    const expectKept = async (notSent: string) => {
      await unsent.filter({ hasText: notSent }).waitFor();
      expect(await visitor.locator('.composer-input').inputValue()).toBe('I was about to say');
    };

    await visitor.locator('.sw-back').click();
    await visitor.locator(`.sw-conversation[data-conversation-id="${id}"]`).click();
    // Opened again, the conversation's timeline is read: it holds the first (stored, only its answer
    // lost), which then no longer waits; the second does, and so does the text being written.
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'here it is' }).waitFor();
    await expectKept('1 message not sent');

    await visitor.unroute('**/v1/messages');
    await visitor.reload();
    await visitor.locator('.sw-launcher').click();
    await visitor.locator(`.sw-conversation[data-conversation-id="${id}"]`).click();
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'here it is' }).waitFor();
    await expectKept('1 message not sent');
    const uploads: string[] = [];
    visitor.on('request', (request) => void (request.url().includes('/v1/files?') && uploads.push(request.url())));
    await visitor.locator('.composer-retry').click();
    await unsent.waitFor({ state: 'hidden' });
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'and one more thing' }).waitFor();
    const items = await storedItems(id);
    // Stored once, with the file uploaded before the reload: the retry carried its item id and the file's.
    const screenshots = items.filter((item) => item.parts?.some((part) => part.text === 'here it is'));
    expect(screenshots).toHaveLength(1);
    expect(screenshots[0]?.parts?.some((part) => part.type === 'file')).toBe(true);
    expect(uploads).toEqual([]);
    expect(items.filter((item) => item.text === 'and one more thing')).toHaveLength(1);
    expect(await visitor.locator('.composer-input').inputValue()).toBe('I was about to say');
  });

  it('keeps a new conversation whose first message was not sent for when the visitor starts one again, also after a reload', async () => {
    const visitor = await newVisitor();
    const startNew = () => visitor.getByRole('button', { name: 'New conversation' }).click();
    await startNew();
    await visitor.route('**/v1/conversations', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Try again' } }) })
        : route.fallback(),
    );
    await send(visitor, 'My very first question');
    const unsent = visitor.locator('.sw-chat .composer-unsent').filter({ hasText: '1 message not sent' });
    await unsent.waitFor();
    await visitor.locator('.composer-input').fill('and a detail');
    await visitor.locator('.sw-back').click();
    await startNew();
    await unsent.waitFor();
    expect(await visitor.locator('.composer-input').inputValue()).toBe('and a detail');

    await visitor.unroute('**/v1/conversations');
    await visitor.reload();
    await visitor.locator('.sw-launcher').click();
    await startNew();
    await unsent.waitFor();
    await visitor.locator('.composer-retry').click();
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'My very first question' }).waitFor();
    // Created now: the next "New conversation" is another, empty one.
    await visitor.locator('.sw-back').click();
    await visitor.locator('.sw-conversation').filter({ hasText: 'My very first question' }).waitFor();
    await startNew();
    expect(await visitor.locator('.composer-input').inputValue()).toBe('');
    expect(await visitor.locator('.sw-chat .tl-message').count()).toBe(0);
  });

  it('starts a conversation of its own in a tab duplicated while New conversation was open, each tab writing first in its own', async () => {
    const visitor = await newVisitor();
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    // A tab opened by the page gets a copy of its sessionStorage, as the browser's "Duplicate tab" does.
    const [copy] = await Promise.all([visitor.context().waitForEvent('page'), visitor.evaluate(() => void window.open(location.href))]);
    await copy.locator('.sw-launcher').waitFor();
    await copy.waitForTimeout(500); // A person opens it later than the first tab's answer is awaited (150 ms).
    await copy.locator('.sw-launcher').click();
    await copy.getByRole('button', { name: 'New conversation' }).click();

    await send(visitor, 'Written first, in the first tab');
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Written first' }).waitFor();
    await send(copy, 'Written next, in the copy');
    await copy.locator('.sw-chat .tl-message').filter({ hasText: 'Written next' }).waitFor();

    await visitor.locator('.sw-back').click();
    await expect.poll(() => visitor.locator('.sw-conversation').count()).toBe(2);
    expect(await copy.locator('.sw-chat .tl-message').filter({ hasText: 'Written first' }).count()).toBe(0);
  });

  it('takes New conversation back, with the text being written, in a page loaded again after the one before died without pagehide', async () => {
    const visitor = await newVisitor();
    // Set, `diesSilently` has the page go as after a crash, or its tab killed by the system: no pagehide
    // handler of its own runs (this one is added before them, and a window's run in that order).
    await visitor.addInitScript(() =>
      window.addEventListener('pagehide', (event) => (window as { diesSilently?: boolean }).diesSilently && event.stopImmediatePropagation()),
    );
    await visitor.reload();
    await visitor.locator('.sw-launcher').click();
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    await visitor.locator('.composer-input').fill('Half a question');
    await expect.poll(() => visitor.evaluate(() => Object.values(sessionStorage).join())).toContain('Half a question');
    await visitor.evaluate(() => ((window as { diesSilently?: boolean }).diesSilently = true));
    await visitor.reload();
    await visitor.locator('.sw-launcher').waitFor();
    await visitor.waitForTimeout(500); // A person opens it later than the other tabs' answer is awaited (150 ms).
    await visitor.locator('.sw-launcher').click();
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    expect(await visitor.locator('.composer-input').inputValue()).toBe('Half a question');
  });

  it("keeps each conversation's messages not sent and the note being written while the agent opens another, and across a reload", async () => {
    const first = await startConversation(await newVisitor(), 'My parcel is late');
    const second = await startConversation(await newVisitor(), 'Where is my refund?');
    await openInInbox(agent, first);
    const composer = agent.locator('.panel-main .composer');
    await agent.route('**/v1/messages', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Try again' } }) }),
    );
    await send(agent, 'It left the warehouse yesterday');
    await composer.locator('.composer-unsent').filter({ hasText: '1 message not sent' }).waitFor();
    await composer.locator('.composer-note-toggle').check();
    await composer.locator('.composer-input').fill('Carrier is slow this week');
    const composerShows = async () => ({
      unsent: (await composer.locator('.composer-unsent').isVisible()) && (await composer.locator('.composer-unsent').textContent()),
      text: await composer.locator('.composer-input').inputValue(),
      asNote: await composer.locator('.composer-note-toggle').isChecked(),
    });
    const kept = { unsent: expect.stringContaining('1 message not sent'), text: 'Carrier is slow this week', asNote: true };

    await openInInbox(agent, second);
    expect(await composerShows()).toEqual({ unsent: false, text: '', asNote: false });
    await openInInbox(agent, first);
    expect(await composerShows()).toEqual(kept);

    await agent.unroute('**/v1/messages');
    await agent.reload();
    await agent.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await openInInbox(agent, first);
    expect(await composerShows()).toEqual(kept);
    await composer.locator('.composer-retry').click();
    await composer.locator('.composer-unsent').waitFor({ state: 'hidden' });
    await composer.locator('.composer-input').press('Enter');
    await agent.locator('.panel-main .tl-note').filter({ hasText: 'Carrier is slow' }).waitFor();
    const items = await storedItems(first);
    expect(items.filter((item) => item.text === 'It left the warehouse yesterday')).toEqual([expect.objectContaining({ type: 'message', visibility: 'public' })]);
    expect(items.filter((item) => item.text === 'Carrier is slow this week')).toEqual([expect.objectContaining({ type: 'note', visibility: 'private' })]);
  });

  /**
   * A second inbox, in a page whose realtime connection the test can cut: `cut()` closes its
   * sockets and has every new one refused (as a network outage would) until `mend()`. `sleep()`
   * hides the page and leaves its sockets open but dead, hearing and saying nothing (a laptop whose
   * lid was closed, a network that dropped without a word), until `wake()` shows the page again.
   */
  async function cuttableInbox(): Promise<{ page: Page; cut(): Promise<void>; mend(): Promise<void>; sleep(): Promise<void>; wake(): Promise<void> }> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    await context.addInitScript(() => {
      const Real = window.WebSocket;
      const state = window as unknown as { cutOff: boolean; asleep: boolean; sockets: WebSocket[]; dead: Set<WebSocket> };
      state.cutOff = false;
      state.asleep = false;
      state.sockets = [];
      state.dead = new Set();
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (state.asleep ? 'hidden' : 'visible') });
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => state.asleep });
      window.WebSocket = class extends Real {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(state.cutOff ? new URL('/no-socket-here', location.href).href.replace(/^http/, 'ws') : url, protocols);
          state.sockets.push(this);
        }
        override addEventListener(type: string, listener: (event: Event) => void, options?: boolean | AddEventListenerOptions): void {
          super.addEventListener(type, type === 'message' ? (event: Event) => void (state.dead.has(this) || listener(event)) : listener, options);
        }
        override send(data: string): void {
          if (!state.dead.has(this)) super.send(data);
        }
      };
    });
    const page = await context.newPage();
    await signIn(page);
    return {
      page,
      cut: () =>
        page.evaluate(() => {
          const state = window as unknown as { cutOff: boolean; sockets: WebSocket[] };
          state.cutOff = true;
          for (const socket of state.sockets) socket.close();
        }),
      mend: () => page.evaluate(() => void ((window as unknown as { cutOff: boolean }).cutOff = false)),
      sleep: () =>
        page.evaluate(() => {
          const state = window as unknown as { asleep: boolean; sockets: WebSocket[]; dead: Set<WebSocket> };
          state.asleep = true;
          for (const socket of state.sockets) state.dead.add(socket);
          document.dispatchEvent(new Event('visibilitychange'));
        }),
      wake: () =>
        page.evaluate(() => {
          (window as unknown as { asleep: boolean }).asleep = false;
          document.dispatchEvent(new Event('visibilitychange'));
        }),
    };
  }

  const resolveOverApi = async (conversationId: string) => {
    const answer = await fetch(`${app.url}/v1/conversations/${conversationId}/resolve`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(200);
  };

  it('shows a conversation resolved (or reopened) by someone else first as it is, calmly, when its own resolve is refused (409)', async () => {
    const { body } = await overApi('POST', '/team/members', { name: 'Sam Park' });
    const sam: string = body.member.id;
    const asSam = { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': sam };
    onTestFinished(async () => {
      await fetch(`${app.url}/v1/team/members/${sam}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    });
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Please close this when done');
    const second = await cuttableInbox();
    onTestFinished(() => second.page.context().close());
    await openInInbox(second.page, id);
    await second.cut(); // So the page does not hear of Sam's changes before its own clicks.
    const alerts = second.page.locator('.toast[role="alert"]');

    expect((await overApi('POST', `/conversations/${id}/resolve`, {}, asSam)).status).toBe(200);
    await second.page.locator('[data-action="resolve"]').click();
    await second.page.locator('.toast[role="status"]').filter({ hasText: 'Already resolved by Sam Park' }).waitFor();
    await second.page.locator('[data-action="reopen"]').waitFor();
    expect(await second.page.locator('.panel-header').textContent()).toContain('resolved');
    expect(await alerts.count()).toBe(0);

    expect((await overApi('POST', `/conversations/${id}/reopen`, {}, asSam)).status).toBe(200);
    await second.page.locator('[data-action="reopen"]').click();
    await second.page.locator('.toast[role="status"]').filter({ hasText: 'Already reopened' }).waitFor();
    await second.page.locator('[data-action="resolve"]').waitFor();
    expect(await alerts.count()).toBe(0);

    // A refusal that leaves the agent short of what they asked keeps its message.
    expect((await overApi('POST', `/conversations/${id}/participants`, { userId: AGENT_ID })).status).toBe(200);
    await second.page.getByRole('button', { name: 'Join conversation' }).click();
    await alerts.filter({ hasText: 'already a participant' }).waitFor();
  });

  /** A colleague, Sam Park, on the team for this test: their id. */
  const samForThisTest = async (): Promise<string> => {
    const { body } = await overApi('POST', '/team/members', { name: 'Sam Park' });
    const sam: string = body.member.id;
    onTestFinished(async () => {
      await fetch(`${app.url}/v1/team/members/${sam}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    });
    return sam;
  };

  it('does not overwrite a colleague\'s assignment made while the agent chose: the assignment is refused and says who has it', async () => {
    const sam = await samForThisTest();
    const visitor = await newVisitor();
    // A question the AI answers: it does not hand the conversation to routing, which would assign it meanwhile.
    const id = await startConversation(visitor, 'How do I reset my password?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const second = await cuttableInbox();
    onTestFinished(() => second.page.context().close());
    await openInInbox(second.page, id);
    await second.page.getByRole('combobox', { name: 'Assignee' }).waitFor();
    await second.cut(); // The page does not hear of Sam's assignment before its own.

    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: sam })).status).toBe(200);
    await second.page.getByRole('combobox', { name: 'Assignee' }).selectOption(AGENT_ID);
    await second.page.getByRole('button', { name: 'Assign', exact: true }).click();
    await second.page.locator('.toast[role="alert"]').filter({ hasText: 'It was assigned to Sam Park meanwhile: your choice was not applied' }).waitFor();
    await second.page.getByRole('button', { name: 'Unassign Sam Park' }).waitFor();
    expect((await overApi('GET', `/conversations/${id}`)).body.conversation.assigneeId).toBe(sam);
  });

  it("does not take off a colleague's assignment made while the agent looked: the unassignment is refused and says who has it", async () => {
    const sam = await samForThisTest();
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'How do I reset my password?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID })).status).toBe(200);
    const second = await cuttableInbox();
    onTestFinished(() => second.page.context().close());
    await openInInbox(second.page, id);
    const unassign = second.page.locator('[data-action="unassign"]');
    await unassign.waitFor();
    await second.cut(); // The page does not hear of Sam's assignment before its unassignment.

    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: sam })).status).toBe(200);
    await unassign.click();
    await second.page.locator('.toast[role="alert"]').filter({ hasText: 'It was assigned to Sam Park meanwhile: your choice was not applied' }).waitFor();
    await second.page.getByRole('button', { name: 'Unassign Sam Park' }).waitFor();
    expect((await overApi('GET', `/conversations/${id}`)).body.conversation.assigneeId).toBe(sam);
  });

  it("shows the open conversation as it is after a reconnect, also when it left the list's filter meanwhile", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'One question');
    const second = await cuttableInbox();
    await openInInbox(second.page, id);
    await second.page.locator('[data-action="resolve"]').waitFor();
    await second.cut();
    await second.page.locator('[data-testid="connection"]:not([data-status="open"])').waitFor();
    await resolveOverApi(id);
    await second.mend();
    await second.page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await second.page.locator('.panel-main .tl-system').filter({ hasText: 'Conversation resolved' }).waitFor();
    await second.page.locator('[data-action="reopen"]').waitFor();
    expect(await second.page.locator('.panel-header').textContent()).toContain('resolved');
    // The list shows open conversations: not this one.
    expect(await second.page.locator(`.row[data-conversation-id="${id}"]`).count()).toBe(0);
    await second.page.context().close();
  });

  it("sends the agent's reply that failed while the connection was down by itself once the inbox's socket is back", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Can you help?');
    const second = await cuttableInbox();
    onTestFinished(() => second.page.context().close());
    await openInInbox(second.page, id);
    await second.cut();
    await second.page.locator('[data-testid="connection"]:not([data-status="open"])').waitFor();
    // The server is out of reach for its API too; the browser never says it went offline.
    await second.page.route('**/v1/messages', (route) => route.abort('connectionrefused'));
    await send(second.page, 'Yes, one moment');
    const unsent = second.page.locator('.panel-main [data-testid="unsent-message"]');
    await unsent.filter({ hasText: 'Not delivered' }).waitFor();
    await second.page.unroute('**/v1/messages');
    await second.mend();
    await second.page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Yes, one moment' }).waitFor();
    await unsent.first().waitFor({ state: 'detached' });
    expect((await storedItems(id)).filter((item) => item.text === 'Yes, one moment')).toHaveLength(1);
  });

  it('resumes a conversation opened while connected after what the socket brought since, not after what it held when opened', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A first question');
    const second = await cuttableInbox();
    await openInInbox(second.page, id);
    await send(visitor, 'A second question');
    await second.page.locator('.panel-main .tl-message').filter({ hasText: 'A second question' }).waitFor();
    const timeline = await fetch(`${app.url}/v1/conversations/${id}/timeline?limit=100`, { headers: { Authorization: `Bearer ${app.keys.secretKey}` } });
    const { items } = (await timeline.json()) as { items: Array<{ seq: number; text?: string }> };
    const secondSeq = items.find((item) => item.text === 'A second question')?.seq ?? Infinity;
    await second.cut();
    await second.page.locator('[data-testid="connection"]:not([data-status="open"])').waitFor();
    await second.mend();
    await second.page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    const resumes = await second.page.evaluate(() => new URL((window as unknown as { sockets: WebSocket[] }).sockets.at(-1)!.url).searchParams.getAll('resume'));
    const afterSeq = Number(resumes.find((resume) => resume.startsWith(`${id}:`))?.slice(id.length + 1));
    // Resumed after the REST page read as it opened, the reconnect would be sent the second question again.
    expect(afterSeq).toBeGreaterThanOrEqual(secondSeq);
    await second.page.context().close();
  });

  it('notices at once that the connection died while the inbox was out of sight, and shows what it missed', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Hello from the other side');
    const second = await cuttableInbox();
    await openInInbox(second.page, id);
    await second.sleep();
    await send(visitor, 'Are you awake?');
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Are you awake?' }).waitFor();
    // Looked at again: well before the heartbeat (20 s, a connection silent for two is dead) would tell.
    await second.wake();
    await second.page.locator('.panel-main .tl-message').filter({ hasText: 'Are you awake?' }).waitFor({ timeout: 8_000 });
    await second.page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await second.page.context().close();
  });

  it('shows the widget offline as soon as the network drops, and live again with what it missed as soon as it is back', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Still waiting on my refund');
    await visitor.context().setOffline(true);
    // Within 5 s: a socket left to find out by itself would take a missed heartbeat.
    await visitor.locator('.sw-panel.sw-offline').waitFor({ timeout: 5_000 });
    // Said in the conversation the visitor has open, not only on the list's header.
    const reconnecting = visitor.getByRole('status').filter({ hasText: 'Reconnecting…' });
    await reconnecting.waitFor({ state: 'visible', timeout: 5_000 });
    const answer = await fetch(`${app.url}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversationId: id, item: { type: 'message', text: 'Your refund went out today' } }),
    });
    expect(answer.status).toBe(201);
    // Long enough offline for the reconnects to be spaced out: the next one left to its backoff would
    // come 5.5 s or more after the network is back (8 s ± 25 % after the one at about 7.5 s).
    await visitor.waitForTimeout(8_000);
    await visitor.context().setOffline(false);
    const back = Date.now();
    await visitor.locator('.sw-panel:not(.sw-offline)').waitFor({ timeout: 5_000 });
    await reconnecting.waitFor({ state: 'hidden' });
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Your refund went out today' }).waitFor({ timeout: 5_000 });
    expect(Date.now() - back).toBeLessThan(5_000);
  });

  it("dates the items of an earlier day, where today's show their time only", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'When did I write this?');
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const time = () => page.locator('.panel-main .tl-message').filter({ hasText: 'When did I write this?' }).locator('time');

    await signIn(page);
    await openInInbox(page, id);
    const written = new Date((await time().getAttribute('datetime')) ?? '');
    const hhmm = written.toISOString().slice(11, 16);
    expect(await time().textContent()).toBe(hhmm);

    // Two days later the same message says which day it was written on.
    await page.clock.setFixedTime(new Date(written.getTime() + 2 * 24 * 3_600_000));
    await page.reload();
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await openInInbox(page, id);
    const month = written.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    expect(await time().textContent()).toBe(`${written.getUTCDate()} ${month}, ${hhmm}`);
    expect(await time().getAttribute('title')).toContain(String(written.getUTCFullYear()));
    await context.close();
  });

  const focusedConversation = async (page: Page) => (await focusedElement(page)).evaluate((focused) => focused?.dataset.conversationId);

  it('keeps keyboard focus in the conversation lists while they are drawn again as conversations change', async () => {
    const visitor = await newVisitor();
    const first = await startConversation(visitor, 'A first question');
    const row = agent.locator(`.row[data-conversation-id="${first}"]`);
    await row.waitFor();
    await row.focus();
    // Someone else writes in: the inbox's list is drawn again, focus stays where the agent was.
    const other = await newVisitor();
    const second = await startConversation(other, 'Another visitor');
    await agent.locator(`.row[data-conversation-id="${second}"]`).waitFor();
    expect(await focusedConversation(agent)).toBe(first);
    await agent.keyboard.press('Enter');
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'A first question' }).waitFor();
    await agent.keyboard.press('Escape'); // From the conversation opened by keyboard, back to its row.
    expect(await focusedConversation(agent)).toBe(first);

    // The visitor, back on the widget's list with a conversation in focus, gets an answer there.
    await visitor.locator('.sw-back').click();
    const entry = visitor.locator(`.sw-conversation[data-conversation-id="${first}"]`);
    await entry.focus();
    await send(agent, 'Here is your answer');
    await entry.filter({ hasText: 'Here is your answer' }).waitFor();
    expect(await focusedConversation(visitor)).toBe(first);
    await visitor.keyboard.press('Enter');
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Here is your answer' }).waitFor();
  });

  /** A conversation made over the API, with a visitor's message in it so that it opens in the inbox; its id. */
  const conversationOverApi = async (text: string) => {
    // The team opens conversations for visitors the website has: this one is made by its first call, as the widget's.
    const visitorId = (await overApi('GET', '/websites', undefined, { 'X-Public-Key': app.keys.publicKey })).body.visitor.id as string;
    const { body } = await overApi('POST', '/conversations', { visitorId });
    const id = body.conversation.id as string;
    expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'note', text } })).status).toBe(201);
    return id;
  };

  it('gives keyboard focus anew to no row of the inbox list as other conversations get activity', async () => {
    const resting = await conversationOverApi('Where the agent rests');
    const others = [await conversationOverApi('Other one'), await conversationOverApi('Other two')];
    const inbox = await laterInbox();
    await inbox.locator(`.row[data-conversation-id="${others[1]}"]`).waitFor();
    await inbox.locator(`.row[data-conversation-id="${resting}"]`).focus();
    // Each focus given is read out by a screen reader, as if the agent had moved.
    await inbox.evaluate(() => document.addEventListener('focusin', () => ((window as unknown as { focusGiven: number }).focusGiven = ((window as unknown as { focusGiven?: number }).focusGiven ?? 0) + 1)));
    for (const [i, id] of [...others, ...others].entries()) {
      expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'note', text: `Activity ${i}` } })).status).toBe(201);
      await inbox.locator(`.row[data-conversation-id="${id}"]`).filter({ hasText: `Activity ${i}` }).waitFor();
    }
    expect(await focusedConversation(inbox)).toBe(resting);
    expect(await inbox.evaluate(() => (window as unknown as { focusGiven?: number }).focusGiven ?? 0)).toBe(0);
  });

  it('opens the conversation whose row the agent pressed, also when a message moves it up the list before they let go', async () => {
    // Each once the AI has answered: the one started second is above the other.
    const [lowerVisitor, upperVisitor] = [await newVisitor(), await newVisitor()];
    const lower = await startConversation(lowerVisitor, 'I was here first');
    await lowerVisitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const upper = await startConversation(upperVisitor, 'I came after');
    await upperVisitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const inbox = await agentContext.newPage();
    onTestFinished(() => inbox.close());
    /** The texts of the socket frames the inbox received. */
    const heard: string[] = [];
    inbox.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => void heard.push(String(payload))));
    await signIn(inbox);
    await openInInbox(inbox, upper);
    const rows = inbox.locator('.conversation-list .row');
    const lowerIsAbove = async () => {
      const order = await rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.conversationId));
      return order.indexOf(lower) < order.indexOf(upper);
    };
    await expect.poll(lowerIsAbove).toBe(false);

    await inbox.locator(`.row[data-conversation-id="${lower}"]`).hover();
    await inbox.mouse.down();
    await send(lowerVisitor, 'Me again');
    await expect.poll(() => heard.some((frame) => frame.includes('Me again'))).toBe(true);
    await inbox.mouse.up();
    await expect.poll(() => new URL(inbox.url()).searchParams.get('conversation')).toBe(lower);
    await expect.poll(lowerIsAbove).toBe(true); // Moved up once let go.
  });

  it('takes keyboard focus to the heading of a conversation opened by keyboard, and back to its row with Escape; a click leaves it on the row', async () => {
    const id = await conversationOverApi('Opened by keyboard');
    const inbox = await laterInbox();
    const row = inbox.locator(`.row[data-conversation-id="${id}"]`);
    await row.press('Enter');
    await inbox.locator('.panel-main .tl-note').first().waitFor();
    expect(await focusedLabel(inbox)).toMatch(/^H2 Visitor /);
    await inbox.keyboard.press('Escape');
    expect(await focusedConversation(inbox)).toBe(id);

    // Another, by mouse: the agent stays where they clicked.
    const other = await conversationOverApi('Opened by mouse');
    await inbox.locator(`.row[data-conversation-id="${other}"]`).click();
    await inbox.locator('.panel-main .tl-note').filter({ hasText: 'Opened by mouse' }).waitFor();
    expect(await focusedConversation(inbox)).toBe(other);
  });

  it("names a row's priority and unread count to a screen reader, and marks the open conversation's row as current", async () => {
    const id = await conversationOverApi('A row to read out');
    const other = await conversationOverApi('Another row');
    const inbox = await laterInbox();
    const row = inbox.locator(`.row[data-conversation-id="${id}"]`);
    await row.click();
    await inbox.locator('.panel-main .tl-note').first().waitFor();
    expect(await row.getAttribute('aria-current')).toBe('true');
    expect(await inbox.locator(`.row[data-conversation-id="${other}"]`).getAttribute('aria-current')).toBeNull();
    const visitor = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': 'vis_reads_rows' };
    const { body } = await overApi('POST', '/conversations', { visitorId: 'vis_reads_rows' }, visitor);
    expect((await overApi('POST', '/messages', { conversationId: body.conversation.id, item: { type: 'message', text: 'Unread here' } }, visitor)).status).toBe(201);
    const unread = inbox.locator(`.row[data-conversation-id="${body.conversation.id}"]`);
    await unread.locator('[data-testid="unread"]').waitFor();
    expect(await unread.ariaSnapshot()).toMatch(/^- button "Visitor \S+ .* priority (low|medium|high|urgent) open\b.* \d+ unread"/);
  });

  it('takes keyboard focus back to the row of the conversation left, by its Back button or the browser\'s, where a narrow screen shows one or the other', async () => {
    const id = await conversationOverApi('On a narrow screen');
    const inbox = await laterInbox();
    await inbox.setViewportSize({ width: 600, height: 800 });
    const row = inbox.locator(`.row[data-conversation-id="${id}"]`);
    const panel = inbox.locator('.panel-main .tl-note').first();
    await row.press('Enter');
    await panel.waitFor();
    await inbox.getByRole('button', { name: 'Back to the list' }).press('Enter');
    await panel.waitFor({ state: 'detached' });
    expect(await focusedConversation(inbox)).toBe(id);

    await row.press('Enter');
    await panel.waitFor();
    await inbox.goBack();
    await panel.waitFor({ state: 'detached' });
    expect(await focusedConversation(inbox)).toBe(id);
  });

  it("takes keyboard focus to the heading of the conversation the browser's Forward opens again on a phone, and to its row on Back", async () => {
    const id = await conversationOverApi('Opened on a phone');
    const inbox = await laterInbox();
    await inbox.setViewportSize({ width: 390, height: 844 });
    const panel = inbox.locator('.panel-main .tl-note').first();
    await inbox.locator(`.row[data-conversation-id="${id}"]`).click();
    await panel.waitFor();
    const heading = inbox.locator('.panel-header h2');
    const title = await heading.textContent();
    const headingFocused = () => heading.evaluate((element) => element === document.activeElement).catch(() => false);

    await inbox.goBack();
    await panel.waitFor({ state: 'detached' });
    expect(await focusedConversation(inbox)).toBe(id);
    // The row, hidden as the conversation shows, would leave focus on the page's start.
    await inbox.goForward();
    await panel.waitFor();
    await expect.poll(headingFocused).toBe(true);
    expect(await heading.textContent()).toBe(title);
    await inbox.goBack();
    await panel.waitFor({ state: 'detached' });
    expect(await focusedConversation(inbox)).toBe(id);
  });

  it('leaves keyboard focus where the agent put it while the conversation Back goes to is read, rather than take it to the heading', async () => {
    const listed = await conversationOverApi('Listed');
    const unlisted = await conversationOverApi('Resolved, so read on its own');
    await resolveOverApi(unlisted);
    const inbox = await laterInbox();
    const row = inbox.locator(`.row[data-conversation-id="${listed}"]`);
    await row.waitFor();
    // An entry for the resolved one, which the list of open conversations does not hold, then one for the list.
    await inbox.evaluate((id) => {
      history.pushState(null, '', `/inbox?conversation=${encodeURIComponent(id)}`);
      history.pushState(null, '', '/inbox');
    }, unlisted);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const asked = new Promise<void>((resolve) =>
      void inbox.route((url) => url.pathname === `/v1/conversations/${unlisted}`, async (route) => {
        resolve();
        await released;
        await route.continue();
      }),
    );
    await row.focus(); // Focus on the list goes along with Back…
    await inbox.goBack();
    await asked;
    const search = inbox.locator('input[name="search"]');
    await search.click(); // …but the agent has gone on to the search box while the conversation was read.
    release();
    await inbox.locator('.panel-main .tl-note').filter({ hasText: 'Resolved, so read on its own' }).waitFor();
    expect(await search.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('tells a visitor who will answer before they write: no assistant promised while it is switched off', async () => {
    const assistant = `/ai-agents/${DEFAULT_ASSISTANT_ID}`;
    const before = (await overApi('GET', assistant)).body.agent;
    try {
      expect((await overApi('PATCH', assistant, { enabled: false })).status).toBe(200);
      const visitor = await newVisitor(); // The shared inbox keeps the agent online.
      await expect.poll(() => visitor.locator('.sw-availability').textContent()).toBe('The team is online');
      expect(await visitor.locator('.sw-intro').textContent()).toBe('Ask us anything: someone from the team will reply here.');
    } finally {
      expect((await overApi('PUT', assistant, before)).status).toBe(200);
    }
  });

  it('tells a visitor whose panel stays open that the team is back, within a minute', async () => {
    onTestFinished(async () => void (await overApi('PUT', '/team/me/status', { status: 'available' })));
    expect((await overApi('PUT', '/team/me/status', { status: 'away' })).status).toBe(200);
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const visitor = await context.newPage();
    await visitor.clock.install();
    await visitor.goto(app.url);
    await visitor.locator('.sw-launcher').click();
    const status = visitor.locator('.sw-availability');
    await expect.poll(() => status.textContent()).toMatch(/the team is away$/);

    expect((await overApi('PUT', '/team/me/status', { status: 'available' })).status).toBe(200);
    await visitor.clock.runFor(61_000);
    await expect.poll(() => status.textContent()).toBe('The team is online');
  });

  it("opens a new conversation with the website's welcome messages as they are now, not as the page loaded them", async () => {
    const assistant = `/ai-agents/${DEFAULT_ASSISTANT_ID}`;
    const before = (await overApi('GET', assistant)).body.agent;
    try {
      expect((await overApi('PATCH', assistant, { welcomeMessages: ['Welcome as the page loaded it'] })).status).toBe(200);
      const visitor = await newVisitor();
      expect((await overApi('PATCH', assistant, { welcomeMessages: ['Welcome as it is now'] })).status).toBe(200);
      const id = await startConversation(visitor, 'Hello there');
      const { items } = (await overApi('GET', `/conversations/${id}/timeline?limit=100`)).body as { items: Array<{ type: string; text?: string; author: { kind: string } }> };
      const said = items.filter((item) => item.type === 'message').map((item) => [item.author.kind, item.text]);
      // What the assistant answers to "Hello there" may follow.
      expect(said.slice(0, 2)).toEqual([['ai', 'Welcome as it is now'], ['visitor', 'Hello there']]);
    } finally {
      expect((await overApi('PUT', assistant, before)).status).toBe(200);
    }
  });

  it('takes / on a narrow screen, where the open conversation hides the list, back to the list and into its search field', async () => {
    const id = await conversationOverApi('Slash on a narrow screen');
    const inbox = await laterInbox();
    await inbox.setViewportSize({ width: 600, height: 800 });
    const panel = inbox.locator('.panel-main .tl-note').first();
    await inbox.locator(`.row[data-conversation-id="${id}"]`).press('Enter');
    await panel.waitFor();
    await inbox.keyboard.press('/');
    await panel.waitFor({ state: 'detached' });
    const search = inbox.getByRole('searchbox', { name: 'Search conversations' });
    expect(await search.evaluate((field) => document.activeElement === field && field.checkVisibility())).toBe(true);
    expect(await search.inputValue()).toBe('');
  });

  it('takes keyboard focus into the widget as it opens and back to the launcher as it closes, Escape closing it', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Typed with the keyboard');
    /** What has keyboard focus: its class, and the conversation it opens when it is a row. */
    const focused = async () => (await focusedElement(visitor)).evaluate((el) => ({ className: el?.className ?? '', conversationId: el?.dataset.conversationId }));

    await visitor.keyboard.press('Escape');
    await visitor.locator('.sw-panel').waitFor({ state: 'hidden' });
    expect((await focused()).className).toContain('sw-launcher');
    await visitor.keyboard.press('Enter');
    await visitor.locator('.sw-panel').waitFor();
    expect((await focused()).className).toContain('composer-input');

    await visitor.locator('.sw-back').press('Enter');
    expect(await focused()).toEqual({ className: 'sw-conversation', conversationId: id });
    await visitor.keyboard.press('Escape');
    await visitor.keyboard.press('Enter');
    expect((await focused()).className).toContain('sw-new');
    await visitor.keyboard.press('Tab'); // On through the panel, not out of the widget.
    expect(await focused()).toEqual({ className: 'sw-conversation', conversationId: id });
  });

  it('closes the open widget with Escape from its launcher, the Close button outside the panel, on a desktop and a phone', async () => {
    const visitor = await newVisitor();
    const launcher = visitor.locator('.sw-launcher');
    for (const viewport of [DESKTOP, { width: 390, height: 844 }]) {
      await visitor.setViewportSize(viewport);
      if ((await launcher.getAttribute('aria-expanded')) === 'false') await launcher.click();
      await visitor.locator('.sw-panel').waitFor();
      await launcher.focus();
      expect(await launcher.evaluate((el) => el.checkVisibility() && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await visitor.keyboard.press('Escape');
      await visitor.locator('.sw-panel').waitFor({ state: 'hidden' });
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    }
  });

  it('keeps keyboard focus on the rating star that had it while the widget is drawn again', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Thanks, that solved it');
    await openInInbox(agent, id);
    await resolveOverApi(id);
    const star = visitor.locator('.sw-star[data-score="4"]');
    await star.focus();
    // The agent types: the visitor's widget shows it, drawing the conversation again.
    const reply = agent.locator('.panel-main .composer-input');
    await reply.pressSequentially('Glad to hear', { delay: 20 });
    await visitor.locator('[data-testid="typing-indicator"]').waitFor();
    expect(await (await focusedElement(visitor)).evaluate((focused) => focused?.dataset.score)).toBe('4');
    await visitor.keyboard.press('Enter');
    await visitor.locator('.tl-rating').waitFor();
    // The stars are gone once rated: focus goes on to the composer, not back to the page.
    expect(await (await focusedElement(visitor)).evaluate((focused) => focused?.className)).toContain('composer-input');
    await reply.fill('');
  });

  it('keeps Tab inside the widget while it fills a phone screen, where the page behind it is out of reach', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    visitorContexts.push(context);
    const phone = await context.newPage();
    await phone.goto(app.url);
    await phone.locator('.sw-launcher').click();
    await phone.getByRole('button', { name: 'New conversation' }).waitFor();
    expect(await phone.locator('.sw-panel').getAttribute('aria-modal')).toBe('true');
    const inWidget = () => phone.evaluate(() => document.activeElement?.tagName === 'SUPPORT-CHAT-WIDGET');
    for (let i = 0; i < 4; i++) {
      await phone.keyboard.press('Tab');
      expect(await inWidget()).toBe(true);
    }
    for (let i = 0; i < 4; i++) {
      await phone.keyboard.press('Shift+Tab');
      expect(await inWidget()).toBe(true);
    }
  });

  it('lights the rating stars up to the one a keyboard user is on, as hovering does', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'All sorted, thanks');
    await resolveOverApi(id);
    const stars = visitor.locator('.sw-star');
    await stars.first().waitFor();
    const lit = () => stars.evaluateAll((all) => all.map((star) => getComputedStyle(star).color === 'rgb(245, 158, 11)'));
    expect(await lit()).toEqual([false, false, false, false, false]);
    await stars.nth(1).focus();
    await visitor.keyboard.press('Tab'); // On to the third star, by keyboard.
    expect(await (await focusedElement(visitor)).evaluate((focused) => focused?.dataset.score)).toBe('3');
    expect(await lit()).toEqual([true, true, true, false, false]);
    await stars.nth(4).hover(); // The pointer says more than the focus.
    expect(await lit()).toEqual([true, true, true, true, true]);
  });

  it('keeps what the agent is typing in the side panel, and their focus, while the conversation changes', async () => {
    const visitor = await newVisitor();
    // A question the AI answers, which keeps the conversation: the field to escalate it is there while it does.
    const id = await startConversation(visitor, 'How do I reset my password?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    await openInInbox(agent, id);
    const reason = agent.locator('input[name="escalationReason"]');
    await reason.fill('Wants a refund of');
    await reason.focus();
    await raisePriorityElsewhere(agent, id);
    expect(await reason.inputValue()).toBe('Wants a refund of');
    // Drawn anew as the change arrives (the edit and the focus carried over): asked until the new field is read.
    await expect.poll(() => hasFocus(reason)).toBe(true);
  });

  /** What has keyboard focus, as a screen reader names it: its tag and its label, else its text ("BODY" when nothing has). */
  const focusedLabel = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return 'BODY';
      return `${element.tagName} ${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim()}`;
    });

  /** Presses Enter on the open conversation's button named `name`, and waits for the control that shows it was done. */
  const pressControl = async (page: Page, name: string, done: Locator) => {
    await page.locator('.panel-controls').getByRole('button', { name, exact: true }).press('Enter');
    await done.waitFor();
  };

  /** The priorities a conversation's `priority_changed` events set, in order (read over the API). */
  const priorityChanges = async (id: string): Promise<string[]> => {
    const { body } = await overApi('GET', `/conversations/${encodeURIComponent(id)}/timeline?limit=100`);
    const events = (body.items as Array<{ type: string; event?: { kind: string; data?: { to?: string } } }>).filter((item) => item.type === 'event' && item.event?.kind === 'priority_changed');
    return events.map((item) => item.event?.data?.to ?? '');
  };

  /**
   * A conversation a visitor starts with `text`, open in an inbox tab of its own once the AI has
   * taken its turn (an answer, or its hand-over to the team for a question it cannot answer): its
   * id, the tab and the side panel's controls.
   */
  const controlsOfNewConversation = async (text: string) => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, text);
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const inbox = await laterInbox();
    await openInInbox(inbox, id);
    return { id, inbox, controls: inbox.locator('.panel-controls') };
  };

  it("keeps keyboard focus on the open conversation's controls as the agent uses them, or on the one that takes their place", async () => {
    // A question the AI answers: it keeps the conversation, so its controls (Pause AI, Escalate) are there.
    const { inbox, controls } = await controlsOfNewConversation('How do I reset my password?');
    const button = (name: string) => controls.getByRole('button', { name, exact: true });

    await pressControl(inbox, 'Resolve', button('Reopen'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Reopen');
    await pressControl(inbox, 'Reopen', button('Resolve'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Resolve');

    await pressControl(inbox, 'Pause AI for 1 hour', button('Resume AI'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Resume AI');
    await pressControl(inbox, 'Resume AI', button('Pause AI for 1 hour'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Pause AI for 1 hour');

    await controls.getByRole('textbox', { name: 'Add a tag' }).fill('refund');
    await pressControl(inbox, 'Add', button('Remove tag refund'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Add');
    // The button went with its tag: focus goes to what is now in its place, the field that adds one.
    await button('Remove tag refund').press('Enter');
    await button('Remove tag refund').waitFor({ state: 'detached' });
    expect(await focusedLabel(inbox)).toBe('INPUT Add a tag');

    await pressControl(inbox, 'Escalate', button('Hand back to AI'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Hand back to AI');
    await pressControl(inbox, 'Hand back to AI', button('Pause AI for 1 hour'));
    expect(await focusedLabel(inbox)).toBe('BUTTON Pause AI for 1 hour');

    await button('Join conversation').press('Enter');
    await button('Join conversation').waitFor({ state: 'detached' });
    expect(await focusedLabel(inbox)).toBe('SELECT Assignee');
    await controls.getByRole('combobox', { name: 'Assignee' }).selectOption(AGENT_ID);
    await pressControl(inbox, 'Assign', controls.getByRole('button', { name: /^Unassign / }));
    expect(await focusedLabel(inbox)).toBe('BUTTON Assign');
    await controls.getByRole('button', { name: /^Unassign / }).press('Enter');
    await controls.getByRole('button', { name: /^Unassign / }).waitFor({ state: 'detached' });
    expect(await focusedLabel(inbox)).toBe('BUTTON Assign');
  });

  it('follows the visitor from page to page in the side panel: the page they are on now, and their last one once they left', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Can you see where I am?');
    await openInInbox(agent, id);
    const facts = agent.locator('.panel-controls [data-testid="visitor-facts"]');
    const current = async () => [await facts.locator('dt').first().textContent(), await facts.locator('dd').first().textContent()];
    const host = new URL(app.url).host;
    const start = `${await visitor.title()} (${host})`;
    await expect.poll(current).toEqual(['Now on', start]);

    // A single-page site moves on without loading a page.
    await visitor.evaluate(() => {
      history.pushState({}, '', '/pricing?plan=pro');
      document.title = 'Pricing';
    });
    await expect.poll(current).toEqual(['Now on', `Pricing (${host})`]);
    expect(await facts.locator('dd a').first().getAttribute('href')).toBe(`${app.url}/pricing`);
    // Where they started stays said too.
    expect(await facts.locator('dt').allTextContents()).toContain('Started on');

    // The pages before it, folded, newest first; opened, the fold stays open as the visitor moves on.
    const earlier = (page: Page) => page.locator('.panel-controls .visitor-history');
    await earlier(agent).locator('summary').click();
    expect(await earlier(agent).locator('dd').allTextContents()).toEqual([start]);
    await visitor.evaluate(() => {
      history.pushState({}, '', '/checkout');
      document.title = 'Checkout';
    });
    await expect.poll(current).toEqual(['Now on', `Checkout (${host})`]);
    await expect.poll(() => earlier(agent).locator('summary').textContent()).toBe('Earlier pages (2)');
    await expect.poll(() => earlier(agent).evaluate((details) => (details.isConnected ? (details as HTMLDetailsElement).open : undefined))).toBe(true);
    expect(await earlier(agent).locator('dd').allTextContents()).toEqual([`Pricing (${host})`, start]);
    // A keyboard resting on one of them stays on it as the visitor moves on and the panel is drawn again.
    await earlier(agent).locator('dd a').first().focus();
    await visitor.evaluate(() => {
      history.pushState({}, '', '/thanks');
      document.title = 'Thanks';
    });
    await expect.poll(() => earlier(agent).locator('summary').textContent()).toBe('Earlier pages (3)');
    expect(await agent.evaluate(() => document.activeElement?.textContent)).toBe(`Pricing (${host})`);

    // Opened afresh, the inbox reads where they are, and where they were.
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const other = await context.newPage();
    await signIn(other, `/inbox?conversation=${encodeURIComponent(id)}`);
    const otherFacts = other.locator('.panel-controls [data-testid="visitor-facts"]');
    await expect.poll(async () => otherFacts.locator('dd').first().textContent()).toBe(`Thanks (${host})`);
    expect(await earlier(other).locator('summary').textContent()).toBe('Earlier pages (3)');

    await visitor.close();
    await expect.poll(async () => (await current())[0], { timeout: 15_000 }).toBe('Last seen on');
    expect((await current())[1]).toMatch(new RegExp(`^Thanks \\(${host.replace(/\./g, '\\.')}\\), `));
  });

  it("shows the assignee list as wide as its longest name needs beside the conversation, its Assign button under it when the column is too narrow for both", async () => {
    const id = await startConversation(await newVisitor(), 'Who will take this?');
    await openInInbox(agent, id);
    const select = agent.locator('.panel-controls').getByRole('combobox', { name: 'Assignee' });
    // The controls are drawn anew as the conversation changes (the assistant's turn): each reading is of one moment.
    const shortBy = () =>
      select.evaluate((element) => {
        if (!element.isConnected) return undefined;
        // The same list at the width its options need, measured beside it.
        const copy = element.cloneNode(true) as HTMLElement;
        copy.style.cssText = 'flex: none; width: max-content; position: absolute; visibility: hidden';
        element.parentElement!.append(copy);
        const needed = copy.getBoundingClientRect().width;
        copy.remove();
        return Math.max(0, needed - element.getBoundingClientRect().width);
      });
    await expect.poll(shortBy, { message: 'pixels the assignee list is narrower than its longest name' }).toBeLessThanOrEqual(0.5);
    const assign = await placementOf(agent.locator('.panel-controls').getByRole('button', { name: 'Assign', exact: true }), '.panel-controls');
    expect(assign.box.x + assign.box.width).toBeLessThanOrEqual(assign.within.x + assign.within.width);
  });

  it('changes the priority once when the agent goes through the options by keyboard and presses Enter, and at once when they choose it in the menu', async () => {
    // The AI has taken its turn, and set what its rules ask for: the changes counted from here are the agent's.
    const { id, inbox, controls } = await controlsOfNewConversation('Hello there');
    const priority = controls.getByRole('combobox', { name: 'Conversation priority' });
    const changes = () => priorityChanges(id);
    // As a mouse chooses: applied at once.
    for (const chosen of ['high', 'low']) {
      await priority.selectOption(chosen);
      await expect.poll(async () => (await changes()).at(-1)).toBe(chosen);
    }
    // Their frames may still be on the way, each drawing the panel again while the keys below are
    // pressed (a CI run under load lost two of three): a change made after them, once drawn, says none is left.
    expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, { add: ['drawn'] })).status).toBe(200);
    await controls.getByRole('button', { name: 'Remove tag drawn' }).waitFor();

    const before = await changes();
    await priority.focus();
    for (let i = 0; i < 3; i++) await inbox.keyboard.press('ArrowDown');
    expect(await priority.inputValue()).toBe('urgent');
    await inbox.waitForTimeout(500); // Time for any change sent to be stored.
    expect(await changes()).toEqual(before);
    await inbox.keyboard.press('Enter');
    await expect.poll(changes).toEqual([...before, 'urgent']);
    expect(await focusedLabel(inbox)).toBe('SELECT Conversation priority');
    // Enter applied it, and did not open the menu as well (the controls are drawn anew with the change: a replaced select is asked again).
    await expect.poll(() => priority.evaluate((select) => (select.isConnected ? select.matches(':open') : undefined))).toBe(false);

    // Leaving the select applies the choice held too.
    await inbox.keyboard.press('ArrowUp');
    await inbox.keyboard.press('Tab');
    await expect.poll(changes).toEqual([...before, 'urgent', 'high']);
  });

  it('holds a priority chosen by arrow keys while a colleague changes the conversation and the panel is drawn again', async () => {
    const { id, inbox, controls } = await controlsOfNewConversation('Hold that thought');
    const priority = controls.getByRole('combobox', { name: 'Conversation priority' });
    const changes = () => priorityChanges(id);
    await priority.selectOption('low'); // From here, the arrow key has an option below to go to.
    await expect.poll(async () => (await changes()).at(-1)).toBe('low');
    const before = await changes();
    await priority.focus();
    await inbox.keyboard.press('ArrowDown');
    const held = await priority.inputValue();
    expect(held).toBe('medium');
    expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, { add: ['colleague'] })).status).toBe(200);
    await controls.getByRole('button', { name: 'Remove tag colleague' }).waitFor();
    expect(await focusedLabel(inbox)).toBe('SELECT Conversation priority');
    expect(await priority.inputValue()).toBe(held);
    await inbox.waitForTimeout(500); // Time for any change sent to be stored.
    expect(await changes()).toEqual(before);
    await inbox.keyboard.press('Enter');
    await expect.poll(changes).toEqual([...before, held]);
  });

  it("does not overwrite a priority a colleague set while the agent chose one, by arrow keys or in the menu: the server refuses it, theirs stays, and the agent is told", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Which priority is it?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const { page, cut } = await cuttableInbox();
    onTestFinished(() => page.context().close());
    await openInInbox(page, id);
    const priority = page.getByRole('combobox', { name: 'Conversation priority' });
    await priority.selectOption('low');
    await page.locator('.panel-pills [data-testid="priority"]').filter({ hasText: 'low' }).waitFor();
    // The page hears of none of the colleague's choices: only the server knows of them as the agent's choice is sent.
    await cut();
    const setElsewhere = async (to: string) => expect((await overApi('PATCH', `/conversations/${encodeURIComponent(id)}`, { priority: to })).status).toBe(200);
    const alert = (now: string, chosen: string) =>
      expect.poll(() => page.locator('.toast[role="alert"]').allTextContents()).toContain(`The priority was set to ${now} meanwhile: your choice (${chosen}) was not applied`);

    // Held by arrow keys while the colleague sets it, then applied with Enter.
    await priority.focus();
    await page.keyboard.press('ArrowDown');
    await setElsewhere('urgent');
    await page.keyboard.press('Enter');
    await alert('urgent', 'medium');
    await expect.poll(() => priority.inputValue()).toBe('urgent');

    // Chosen in the menu, opened before the colleague set it.
    await page.keyboard.press('Alt+ArrowDown');
    await setElsewhere('low');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await alert('low', 'medium');
    await expect.poll(() => priority.inputValue()).toBe('low');
    expect((await priorityChanges(id)).slice(-3)).toEqual(['low', 'urgent', 'low']);
  });

  it("keeps the priority the agent goes on to by arrow keys while the answer to their last choice is on its way", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Slow answers today');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    expect((await overApi('PATCH', `/conversations/${encodeURIComponent(id)}`, { priority: 'high' })).status).toBe(200);
    const { page, cut } = await cuttableInbox();
    onTestFinished(() => page.context().close());
    await openInInbox(page, id);
    const priority = page.getByRole('combobox', { name: 'Conversation priority' });
    await expect.poll(() => priority.inputValue()).toBe('high');
    await cut(); // What the inbox hears of the change is its answer alone, which is held back a while.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await page.route('**/v1/conversations/*', async (route) => {
      if (route.request().method() === 'PATCH') await answered;
      await route.fallback();
    });

    await priority.selectOption('medium');
    await priority.focus();
    await page.keyboard.press('ArrowDown'); // Back to high, what the panel was drawn with: a choice all the same.
    answer();
    await page.locator('.panel-pills [data-testid="priority"]').filter({ hasText: 'medium' }).waitFor();
    expect(await priority.inputValue()).toBe('high');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await priorityChanges(id)).slice(-2)).toEqual(['medium', 'high']);
  });

  it("keeps keyboard focus on the open conversation's control the agent is on while a colleague changes the conversation", async () => {
    const { id, inbox, controls } = await controlsOfNewConversation('Two of you on this?');
    const changeTags = (body: unknown) => overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, body);

    await controls.getByRole('button', { name: 'Resolve' }).focus();
    expect((await changeTags({ add: ['vip'] })).status).toBe(200);
    await controls.getByRole('button', { name: 'Remove tag vip' }).waitFor();
    expect(await focusedLabel(inbox)).toBe('BUTTON Resolve');

    await controls.getByRole('button', { name: 'Remove tag vip' }).focus();
    await raisePriorityElsewhere(inbox, id);
    expect(await focusedLabel(inbox)).toBe('BUTTON Remove tag vip');
  });

  /**
   * A colleague tags the conversation: once the inbox has heard of it (its header shows the tag; the
   * agent's gesture is in the side panel, which waits for it), the side panel is to be drawn again.
   */
  const tagElsewhere = async (page: Page, id: string, tag: string) => {
    expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, { add: [tag] })).status).toBe(200);
    await page.locator('.panel-pills .pill').filter({ hasText: `#${tag}` }).waitFor();
  };

  it("acts on the agent's click and Space in the side panel, and keeps a menu they opened, while a colleague's change arrives midway", async () => {
    const { id, inbox, controls } = await controlsOfNewConversation('Quick, before it changes');
    const shown = (tag: string) => controls.getByRole('button', { name: `Remove tag ${tag}` }).waitFor();

    // A click pressed before the change and released after it.
    await controls.getByRole('button', { name: 'Resolve' }).hover();
    await inbox.mouse.down();
    await tagElsewhere(inbox, id, 'pressed');
    await inbox.mouse.up();
    await controls.getByRole('button', { name: 'Reopen' }).waitFor();
    await shown('pressed'); // The colleague's change, shown right after.

    // Space on a button acts on its release.
    await controls.getByRole('button', { name: 'Reopen' }).focus();
    await inbox.keyboard.down('Space');
    await tagElsewhere(inbox, id, 'spaced');
    await inbox.keyboard.up('Space');
    await controls.getByRole('button', { name: 'Resolve' }).waitFor();
    await shown('spaced');

    // The priority's menu, opened, stays open, and the choice made in it applies.
    const priority = controls.getByRole('combobox', { name: 'Conversation priority' });
    await priority.selectOption('low');
    await expect.poll(async () => (await priorityChanges(id)).at(-1)).toBe('low');
    await priority.focus();
    await inbox.keyboard.press('Alt+ArrowDown');
    const menuOpen = () => priority.evaluate((select) => select.matches(':open'));
    expect(await menuOpen()).toBe(true);
    await tagElsewhere(inbox, id, 'chosen');
    expect(await menuOpen()).toBe(true);
    await inbox.keyboard.press('ArrowDown');
    await inbox.keyboard.press('Enter');
    await expect.poll(async () => (await priorityChanges(id)).at(-1)).toBe('medium');
    await shown('chosen');
  });

  it("keeps what an input method is composing in a side panel field while a colleague's change arrives", async () => {
    const { id, inbox, controls } = await controlsOfNewConversation('日本語で大丈夫ですか');
    const field = controls.getByRole('textbox', { name: 'Add a tag' });
    await field.click();
    await inbox.keyboard.type('vip-');
    // An input method (Japanese, say) composes: its text is in the field, not yet committed.
    const cdp = await inbox.context().newCDPSession(inbox);
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await tagElsewhere(inbox, id, 'colleague');
    await cdp.send('Input.insertText', { text: '日本' });
    expect(await field.inputValue()).toBe('vip-日本');
    await controls.getByRole('button', { name: 'Remove tag colleague' }).waitFor();
  });

  it("opens the audit trail clicked in the conversation's header while the header is drawn again", async () => {
    const { id, inbox } = await controlsOfNewConversation('Who did what?');
    await inbox.getByRole('link', { name: 'Audit trail' }).hover();
    await inbox.mouse.down();
    expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, { add: ['audited'] })).status).toBe(200);
    // The side panel shows the frame came; the header waits for the click.
    await inbox.locator('.panel-controls').getByRole('button', { name: 'Remove tag audited' }).waitFor();
    const audit = inbox.context().waitForEvent('page');
    await inbox.mouse.up();
    expect(new URL((await audit).url()).pathname).toBe(`/audit/${id}`);
    await inbox.locator('.panel-pills .pill').filter({ hasText: '#audited' }).waitFor();
  });

  it('says what is wrong with what the agent entered when the server refuses it', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Tag me');
    await openInInbox(agent, id);
    const newTag = agent.locator('input[name="newTag"]');
    await newTag.fill('a-tag-far-too-long-to-be-one-'.repeat(3));
    await newTag.press('Enter');
    await agent.locator('.toast').filter({ hasText: /<=50 characters/ }).waitFor();
    // What was refused stays to be put right, also through the panel drawn again as the conversation changes.
    expect(await newTag.inputValue()).toBe('a-tag-far-too-long-to-be-one-'.repeat(3));
    await raisePriorityElsewhere(agent, id);
    expect(await newTag.inputValue()).toBe('a-tag-far-too-long-to-be-one-'.repeat(3));
    // What is taken goes (it shows among the tags).
    await newTag.fill('billing');
    await newTag.press('Enter');
    await agent.locator('.controls .tag').filter({ hasText: 'billing' }).waitFor();
    await expect.poll(() => newTag.inputValue()).toBe(''); // Once the answer came: the socket's update may draw the tag first.
  });

  it('keeps what the agent opened and selected in a timeline while the visitor types and writes', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Hello, I need help with a strange thing');
    await openInInbox(agent, id);
    const toolCall = agent.locator('.panel-main details.tl-tool').first();
    await toolCall.locator('summary').click();
    expect(await toolCall.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    // The agent selects the visitor's words, to copy them.
    await agent.locator('.panel-main .tl-message .tl-bubble').first().evaluate((bubble) => {
      const range = document.createRange();
      range.selectNodeContents(bubble);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    });
    await visitor.locator('.composer-input').pressSequentially('Are you there', { delay: 20 });
    await agent.locator('[data-testid="typing-indicator"]').waitFor();
    await visitor.locator('.composer-input').press('Enter');
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'Are you there' }).waitFor();
    await agent.locator('[data-testid="typing-indicator"]').waitFor({ state: 'detached' });
    expect(await toolCall.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    expect(await agent.evaluate(() => getSelection()?.toString())).toBe('Hello, I need help with a strange thing');
  });

  it('sends messages written in quick succession each once, in order', async () => {
    const visitor = await newVisitor();
    await startConversation(visitor, 'First of all');
    // The server is slow to answer the first until all three are written.
    const release = await holdRequests(visitor, '**/v1/messages');
    for (const text of ['one', 'two', 'three']) await send(visitor, `Point ${text}`);
    release();
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Point three' }).waitFor();
    const sent = (await visitor.locator('.sw-chat .tl-message.tl-mine .tl-bubble').allTextContents()).filter((t) => t.startsWith('Point'));
    expect(sent).toEqual(['Point one', 'Point two', 'Point three']);
  });

  it("brings the reader's own message into view when they send while scrolled up", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A long story');
    for (let line = 1; line <= 10; line++) await send(visitor, `Part ${line}: ${'and then something else happened, '.repeat(4)}`);
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Part 10:' }).waitFor();
    await openInInbox(agent, id);
    await agent.locator('.panel-main .tl-message').filter({ hasText: 'Part 10:' }).waitFor();

    for (const [page, timeline, text] of [
      [agent, agent.locator('.panel-main .tl-list'), 'I read it all, here is what to do'],
      [visitor, visitor.locator('.sw-chat .tl-list'), 'One more detail from the start'],
    ] as const) {
      await timeline.evaluate((el) => (el.scrollTop = 0)); // Reading from the start.
      expect(await distanceFromEnd(timeline)).toBeGreaterThan(48); // The end is out of sight.
      await send(page, text);
      await timeline.locator('.tl-message').filter({ hasText: text }).waitFor();
      await expect.poll(() => distanceFromEnd(timeline)).toBeLessThan(5);
    }
  });

  it("puts an image the reader sent on the reader's side of the timeline, also when it is small", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Look at this');
    await sendFile(visitor, 'a tiny icon', png('icon.png', 24, 24));
    await openInInbox(agent, id);
    await sendFile(agent, 'and mine', png('reply.png', 24, 24));
    /** How far the image sits from the left and from the right of its message. */
    const margins = (message: Locator) =>
      message.evaluate((el) => {
        const [box, image] = [el.getBoundingClientRect(), (el.querySelector('img.tl-file-image') as HTMLElement).getBoundingClientRect()];
        return { left: image.left - box.left, right: box.right - image.right };
      });
    for (const page of [visitor, agent]) {
      const mine = page.locator('.tl-message.tl-mine').filter({ has: page.locator('img.tl-file-image') });
      const theirs = page.locator('.tl-message:not(.tl-mine)').filter({ has: page.locator('img.tl-file-image') });
      expect((await margins(mine)).right).toBeLessThan(1);
      expect((await margins(mine)).left).toBeGreaterThan(20);
      expect((await margins(theirs)).left).toBeLessThan(1);
    }
  });

  /** The visitor's widget as it opens after a reload, on the conversation `id`. */
  async function reopenInWidget(visitor: Page, id: string): Promise<Locator> {
    await visitor.reload();
    await visitor.locator('.sw-launcher').click();
    await visitor.locator(`.sw-conversation[data-conversation-id="${id}"]`).click();
    return visitor.locator('.sw-chat .tl-list');
  }

  it("dates today's items, and the moments events tell, once the day has changed, on a page left open over midnight", async () => {
    const visitor = await newVisitor();
    // A question the assistant answers, and its answer awaited: an escalation, or a turn still to
    // come when the team pauses it, would leave the AI handing off rather than paused.
    const id = await startConversation(visitor, 'Written late in the evening: how do I reset my password?');
    await visitor.locator('.sw-chat .tl-message[data-author="ai"]').first().waitFor();
    const written = await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'Written late' }).locator('time').getAttribute('datetime');
    const inbox = await browser.newContext({ viewport: DESKTOP });
    inbox.setDefaultTimeout(10_000);
    const agentPage = await inbox.newPage();
    for (const page of [visitor, agentPage]) await page.clock.install({ time: Date.parse(written ?? '') + 30_000 });
    await signIn(agentPage);
    await openInInbox(agentPage, id);
    const times = [
      (await reopenInWidget(visitor, id)).locator('.tl-message').filter({ hasText: 'Written late' }).locator('time'),
      agentPage.locator('.panel-main .tl-message').filter({ hasText: 'Written late' }).locator('time'),
    ];
    /** The label the page's own formats give the item: its time only, or with its day. */
    const label = (time: Locator, withDay: boolean) =>
      time.evaluate((el, day) => new Intl.DateTimeFormat(undefined, { ...(day ? { month: 'short', day: 'numeric' } : {}), hour: '2-digit', minute: '2-digit' }).format(new Date(el.getAttribute('datetime') ?? '')), withDay);
    for (const time of times) expect(await time.textContent()).toBe(await label(time, false));
    // The team pauses the assistant for a day: the inbox tells until when (tomorrow), in its timeline and its controls.
    const paused = await fetch(`${app.url}/v1/conversations/${encodeURIComponent(id)}/ai/pause`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
      body: JSON.stringify({ minutes: 24 * 60 }),
    });
    expect(paused.status).toBe(200);
    const until = ((await paused.json()) as { conversation: { aiPausedUntil: string } }).conversation.aiPausedUntil;
    const pauseEvent = agentPage.locator('.panel-main .tl-system-text').filter({ hasText: 'paused until' });
    const aiState = agentPage.locator('[data-testid="ai-state"]');
    const untilLabel = (withDay: boolean) =>
      agentPage.evaluate(([iso, day]) => new Intl.DateTimeFormat(undefined, { ...(day ? { month: 'short', day: 'numeric' } : {}), hour: '2-digit', minute: '2-digit' }).format(new Date(iso)), [until, withDay] as const);
    await expect.poll(() => pauseEvent.textContent()).toBe(`AI assistant paused until ${await untilLabel(true)}`);
    await expect.poll(() => aiState.textContent()).toBe(`The AI assistant is paused until ${await untilLabel(true)}.`);
    // Something to type in the controls, which a new day must not take away.
    const reason = agentPage.locator('input[name="escalationReason"]');
    await reason.fill('Typed before midnight');
    await reason.focus();

    // Nothing more happens in the conversation; the next day comes.
    const midnight = new Date(Date.parse(written ?? ''));
    midnight.setHours(24, 1, 0, 0);
    for (const page of [visitor, agentPage]) await page.clock.fastForward(midnight.getTime() - Date.parse(written ?? '') - 30_000);
    for (const page of [visitor, agentPage]) await page.clock.runFor(30_000);
    for (const time of times) await expect.poll(() => time.textContent()).toBe(await label(time, true));
    // Moments told in words are told as of the new day: tomorrow's time is today's now, without its day.
    await expect.poll(() => pauseEvent.textContent()).toBe(`AI assistant paused until ${await untilLabel(false)}`);
    expect(await aiState.textContent()).toBe(`The AI assistant is paused until ${await untilLabel(false)}.`);
    expect(await reason.inputValue()).toBe('Typed before midnight');
    // The socket, idle over the jump, reconnects and the panel is drawn anew: asked until the new field is read.
    await expect.poll(() => hasFocus(reason)).toBe(true);
    await inbox.close();
  });

  it("says when an image could not be loaded and loads it again when the reader asks, keeping their keyboard focus, or by itself after a reconnect", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A picture of the error');
    const refuseFiles = (page: Page) =>
      page.route('**/v1/files/*', (route) =>
        route.request().method() === 'GET' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Try again' } }) }) : route.continue(),
      );
    await refuseFiles(visitor);
    await sendFile(visitor, 'here', png('error.png', 40, 30));
    const retry = visitor.locator('.sw-chat .tl-file-retry');
    await retry.filter({ hasText: 'Couldn’t load — retry' }).waitFor();
    // A keyboard user asks for it while it is still refused: the button, busy meanwhile, keeps their focus.
    const refused = visitor.waitForResponse((r) => r.url().includes('/v1/files/') && r.request().method() === 'GET');
    await retry.focus();
    await visitor.keyboard.press('Enter');
    await refused;
    await expect.poll(() => retry.getAttribute('aria-disabled')).toBeNull();
    expect(await retry.evaluate((button) => button === (button.getRootNode() as Document | ShadowRoot).activeElement)).toBe(true);
    // Then once it can be fetched: focus goes to the image's link, in the button's place.
    await visitor.unroute('**/v1/files/*');
    await visitor.keyboard.press('Enter');
    expect(await imagesIn(visitor.locator('.sw-chat .tl-list'))).toMatchObject({ 'error.png': { shown: [40, 30] } });
    expect(await retry.count()).toBe(0);
    expect(await (await focusedElement(visitor)).evaluate((focused) => focused?.querySelector('img')?.alt)).toBe('error.png');

    // An inbox that lost its connection while the image failed fetches it again once connected.
    const second = await cuttableInbox();
    await refuseFiles(second.page);
    await openInInbox(second.page, id);
    await second.page.locator('.panel-main .tl-file-retry').waitFor();
    await second.cut();
    await second.page.locator('[data-testid="connection"]:not([data-status="open"])').waitFor();
    await second.page.unroute('**/v1/files/*');
    await second.mend();
    expect(await imagesIn(second.page.locator('.panel-main .tl-list'))).toMatchObject({ 'error.png': { shown: [40, 30] } });
    await second.page.context().close();
  });

  /** Posts `body` to the API as the agent (as another of the team's pages would), which answers `status`. */
  const postAsAgent = async (path: string, body: unknown, status: number) => {
    const answer = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(status);
  };
  const writeAsAgent = (conversationId: string, text: string) => postAsAgent('/v1/messages', { conversationId, item: { type: 'message', text } }, 201);
  const typeAsAgent = (conversationId: string) => postAsAgent(`/v1/conversations/${conversationId}/typing`, { isTyping: true }, 200);

  it('says how many new messages arrived below a reader who scrolled up, and takes them there', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A question with a long answer');
    for (let n = 1; n <= 20; n++) await writeAsAgent(id, `Answer part ${n}: ${'more detail on the matter, '.repeat(4)}`);
    const timeline = visitor.locator('.sw-chat .tl-list');
    await timeline.locator('.tl-message').filter({ hasText: 'Answer part 20:' }).waitFor();
    const pill = visitor.locator('.sw-chat .tl-new-below');
    expect(await pill.isVisible()).toBe(false);

    await timeline.evaluate((el) => (el.scrollTop = 0)); // Reading from the start.
    await writeAsAgent(id, 'And one more thing');
    await writeAsAgent(id, 'And the last thing');
    await timeline.locator('.tl-message').filter({ hasText: 'And the last thing' }).waitFor();
    await expect.poll(() => pill.textContent()).toBe('2 new messages ↓');
    expect(await distanceFromEnd(timeline)).toBeGreaterThan(48); // The reader stays where they were.
    await pill.focus();
    await visitor.keyboard.press('Enter');
    await expect.poll(() => distanceFromEnd(timeline)).toBeLessThan(5);
    await pill.waitFor({ state: 'hidden' });
    // The button gone, keyboard focus is on the newest message, where it led (not back at the page's start).
    const focused = async () => (await focusedElement(visitor)).evaluate((el) => el?.closest('.tl-list [data-seq]')?.textContent ?? el?.tagName);
    expect(await focused()).toContain('And the last thing');

    // Scrolled up again, a new answer shows the pill; scrolling down to it by hand takes the pill away.
    await timeline.evaluate((el) => (el.scrollTop = 0));
    await writeAsAgent(id, 'A postscript');
    await expect.poll(() => pill.textContent()).toBe('1 new message ↓');
    await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await pill.waitFor({ state: 'hidden' });

    // The inbox too, for what the visitor writes.
    await openInInbox(agent, id);
    const inbox = agent.locator('.panel-main .tl-list');
    await inbox.locator('.tl-message').filter({ hasText: 'A postscript' }).waitFor();
    await inbox.evaluate((el) => (el.scrollTop = 0));
    await send(visitor, 'Thank you!');
    await agent.locator('.panel-main .tl-new-below').filter({ hasText: /^\d+ new messages? ↓$/ }).click();
    await expect.poll(() => distanceFromEnd(inbox)).toBeLessThan(5);
    expect(await inbox.locator('.tl-message').filter({ hasText: 'Thank you!' }).isVisible()).toBe(true);
  });

  /** The agent joins the conversation over the API, so the assistant stays silent there: done once the join is stored. */
  const joinAsAgent = async (conversationId: string) => {
    expect((await overApi('POST', `/conversations/${conversationId}/participants`, { userId: AGENT_ID })).status).toBe(200);
    await expect.poll(async () => (await storedItems(conversationId)).some((item) => (item as { event?: { kind: string } }).event?.kind === 'participant_joined')).toBe(true);
  };

  /** A page whose socket never hands it the items `heldIds` (`timelineItemCreated` and the like): stored, but not shown. */
  async function pageHolding(heldIds: string[]): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    visitorContexts.push(context);
    const page = await context.newPage();
    await page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!heldIds.some((id) => String(message).includes(`"id":"${id}"`))) ws.send(message);
      });
    });
    return page;
  }

  it('marks seen only what a page shows: a message stored but not shown yet stays unread, in the widget and in the inbox', async () => {
    const held = ['seen-held-reply', 'seen-held-question'];
    const visitor = await pageHolding(held);
    await visitor.goto(app.url);
    await visitor.locator('.sw-launcher').click();
    const id = await startConversation(visitor, 'Where is my parcel?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    const inbox = await pageHolding(held);
    await signIn(inbox);
    await openInInbox(inbox, id);
    // Recorded before the held messages: nothing the pages show comes after them.
    await joinAsAgent(id);
    const asVisitor = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': (await overApi('GET', `/conversations/${id}`)).body.conversation.visitorId };
    expect((await overApi('POST', '/messages', { conversationId: id, item: { id: held[0], type: 'message', text: 'It left our warehouse today' } })).status).toBe(201);
    expect((await overApi('POST', '/messages', { conversationId: id, item: { id: held[1], type: 'message', text: 'Which carrier?' } }, asVisitor)).status).toBe(201);
    await visitor.waitForTimeout(500); // Marks already on their way (300 ms after the last item shown) are done.

    // The visitor closes the widget and opens it again; the agent changes the list's filter: each page marks the conversation seen.
    const marked = (page: Page) => page.waitForResponse((r) => r.url().endsWith(`/conversations/${id}/seen`));
    await visitor.locator('.sw-launcher').click();
    const visitorMarked = marked(visitor);
    await visitor.locator('.sw-launcher').click();
    expect((await visitorMarked).status()).toBe(200);
    const inboxMarked = marked(inbox);
    await inbox.locator('select[name="status"]').selectOption('all');
    expect((await inboxMarked).status()).toBe(200);
    const unreadFor = async (as?: Record<string, string>) => (await overApi('GET', '/conversations', undefined, as)).body.conversations.find((c: { id: string }) => c.id === id).unreadCount;
    expect(await unreadFor(asVisitor)).toBe(1);
    expect(await unreadFor()).toBe(1);
    expect((await overApi('GET', '/websites', undefined, asVisitor)).body.visitor.unreadConversationCount).toBe(1);
  });

  /** Another inbox tab of the agent's, signed in now (after what the test did before), closed with the test. */
  const laterInbox = async (): Promise<Page> => {
    const inbox = await agentContext.newPage();
    onTestFinished(() => inbox.close());
    await signIn(inbox);
    return inbox;
  };

  it('shows which visitors are online in the inbox, also to an agent who opens it after they came, until they leave', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Is anyone there?');
    const inbox = await laterInbox();
    const rowOnline = inbox.locator(`.row[data-conversation-id="${id}"] [data-testid="visitor-online"]`);
    await rowOnline.waitFor();
    await openInInbox(inbox, id);
    const headerOnline = inbox.locator('.panel-pills [data-testid="visitor-online"]');
    await headerOnline.waitFor();
    await visitor.close();
    await rowOnline.waitFor({ state: 'detached' });
    await headerOnline.waitFor({ state: 'detached' });
  });

  it("keeps the agent's choice not yet sent in the open conversation's controls while the conversation changes and visitors come and go", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Who can help me?');
    const inbox = await laterInbox();
    await openInInbox(inbox, id);
    const assignee = inbox.getByRole('combobox', { name: 'Assignee' });
    const chosen = await assignee.locator('option:not([disabled])').first().getAttribute('value');
    await assignee.selectOption(chosen ?? '');
    // The conversation changes (the controls are drawn again, the priority as the server has it now), and the choice not yet sent stays.
    await raisePriorityElsewhere(inbox, id);
    expect(await assignee.inputValue()).toBe(chosen);
    // Another visitor arrives (their row shows them online: the inbox heard of it): it stays too.
    const other = await startConversation(await newVisitor(), 'Me too');
    await inbox.locator(`.row[data-conversation-id="${other}"] [data-testid="visitor-online"]`).waitFor();
    expect(await assignee.inputValue()).toBe(chosen);
  });

  it('lets the agent hand a conversation the AI handed over back to the AI from the inbox', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Can I talk to a human please?');
    await expect.poll(async () => (await overApi('GET', `/conversations/${id}`)).body.conversation.handler, { timeout: 10_000 }).toBe('human');
    await openInInbox(agent, id);
    const aiState = agent.locator('[data-testid="ai-state"]');
    await aiState.filter({ hasText: 'Handed off' }).waitFor();
    await agent.locator('[data-action="hand-back"]').click();
    await aiState.filter({ hasText: 'The AI assistant is answering.' }).waitFor();
    await agent.locator('[data-action="hand-back"]').waitFor({ state: 'detached' });
    expect((await overApi('GET', `/conversations/${id}`)).body.conversation.handler).toBe('ai');
  });

  it('previews the last message in the lists, not the events after it, in the inbox and the widget', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'My export keeps failing');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    await joinAsAgent(id);
    await overApi('POST', `/conversations/${encodeURIComponent(id)}/tags`, { add: ['exports'] });
    expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/resolve`, {})).status).toBe(200);
    const items = (await storedItems(id)) as Array<{ type: string; text?: string }>;
    const lastSaid = items.filter((item) => item.type === 'message').at(-1)?.text ?? '';
    expect(items.at(-1)?.type).toBe('event');
    const inbox = await laterInbox();
    await inbox.getByRole('combobox', { name: 'Status' }).selectOption('all');
    const row = inbox.locator(`.row[data-conversation-id="${id}"] .row-preview`);
    await expect.poll(() => row.textContent()).toContain(lastSaid);
    // Live: a note is what was last said, for the team.
    await overApi('POST', '/messages', { conversationId: id, item: { type: 'note', text: 'Logs point at the CSV step' } });
    await expect.poll(() => row.textContent()).toBe('🔒 Logs point at the CSV step');
    await visitor.getByRole('button', { name: 'Back to conversations' }).click();
    await expect.poll(() => visitor.locator('.sw-conversations').textContent()).toContain(lastSaid);
  });

  it('marks the conversation open in the inbox seen when the agent comes back to its tab, and nothing while the tab is hidden', async () => {
    const tabs = await launchChromiumWithTabs();
    onTestFinished(() => tabs.close());
    const inbox = await tabs.context.newPage();
    await signIn(inbox);
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Where is my parcel?');
    await visitor.locator('.tl-message[data-author="ai"]').first().waitFor();
    await joinAsAgent(id);
    await openInInbox(inbox, id);
    const unreadRow = inbox.locator(`.row[data-conversation-id="${id}"] [data-testid="unread"]`);
    const unreadOnServer = async () => (await overApi('GET', `/conversations/${id}`)).body.conversation.unreadCount;
    await expect.poll(unreadOnServer).toBe(0);

    await tabs.context.newPage(); // Another tab in front: the inbox's is hidden.
    expect(await inbox.evaluate(() => document.visibilityState)).toBe('hidden');
    await send(visitor, 'Are you still there?');
    await expect.poll(() => unreadRow.textContent()).toBe('1');
    await inbox.waitForTimeout(1_500); // A mark would have gone 300 ms after the item (a hidden tab's timers wait for the next second).
    expect(await unreadOnServer()).toBe(1);

    await inbox.bringToFront();
    await expect.poll(unreadOnServer, { timeout: 5_000 }).toBe(0);
    await unreadRow.waitFor({ state: 'detached' });
  });

  it("counts the conversations with unread messages in the inbox tab's title, at once also while the tab is hidden", async () => {
    const tabs = await launchChromiumWithTabs();
    onTestFinished(() => tabs.close());
    const inbox = await tabs.context.newPage();
    await signIn(inbox);
    /** The unread count the title shows and the rows marked unread, read in one step (news can land between two reads). */
    const unreadCounts = () =>
      inbox.evaluate(() => {
        const [, count = '0'] = /^(?:\((\d+)\) )?Support inbox$/.exec(document.title) ?? [];
        return { title: Number(count), rows: document.querySelectorAll('.row-unread').length };
      });
    const unreadInTitle = async () => (await unreadCounts()).title;
    const titleMatchesRows = async () => {
      const { title, rows } = await unreadCounts();
      return title === rows;
    };
    /** The animation frames the page draws in `ms`. */
    const framesIn = (ms: number) =>
      inbox.evaluate(
        (ms) =>
          new Promise<number>((resolve) => {
            let frames = 0;
            let counting = true;
            const count = () => {
              if (!counting) return;
              frames++;
              requestAnimationFrame(count);
            };
            requestAnimationFrame(count);
            setTimeout(() => {
              counting = false;
              resolve(frames);
            }, ms);
          }),
        ms,
      );

    await tabs.context.newPage(); // Another tab in front: the inbox's is hidden.
    expect(await framesIn(1_000)).toBe(0);
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Is anybody reading this?');
    const row = inbox.locator(`.row[data-conversation-id="${id}"]`);
    await row.locator('[data-testid="unread"]').waitFor();
    expect(await unreadInTitle()).toBeGreaterThan(0);
    await expect.poll(titleMatchesRows).toBe(true);
    expect(await framesIn(1_000)).toBe(0); // Still hidden: the title did not wait for a frame.

    await inbox.bringToFront();
    const before = await unreadInTitle();
    await row.click();
    await expect.poll(() => row.getAttribute('class')).not.toContain('row-unread');
    await expect.poll(titleMatchesRows).toBe(true);
    expect(await unreadInTitle()).toBeLessThan(before);
  });

  /** A conversation the visitor starts with 'The very first words', and the agent's `replies` ("Reply 1"…); its id. */
  async function longConversation(visitor: Page, replies: number): Promise<string> {
    const id = await startConversation(visitor, 'The very first words');
    for (let n = 1; n <= replies; n++) await writeAsAgent(id, `Reply ${n}`);
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: `Reply ${replies}` }).waitFor();
    return id;
  }

  // Its 240 replies are written one by one first: on a slow machine that alone takes 20 s, and the test took 43 s in a full CI run.
  it('opens a long conversation at its newest items, read first, and brings older ones as the reader scrolls up, keeping their place', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 240);

    for (const [page, open] of [
      [visitor, () => reopenInWidget(visitor, id)],
      [agent, async () => (await agent.locator(`.row[data-conversation-id="${id}"]`).click(), agent.locator('.panel-main .tl-list'))],
    ] as const) {
      // A slow network: each page of the timeline after the first takes its time.
      const release = await holdRequests(page, '**/v1/conversations/*/timeline?*', 1);
      const timeline = await open();
      const newest = timeline.locator('.tl-message').filter({ hasText: 'Reply 240' });
      await newest.waitFor();
      await expect.poll(() => distanceFromEnd(timeline)).toBeLessThan(5);
      expect(await newest.isVisible()).toBe(true);
      release();
      // Scrolling up to the start brings the older items, the item on top staying where it was.
      const first = timeline.locator('.tl-message').filter({ hasText: 'The very first words' });
      for (let round = 0; round < 5 && !(await first.count()); round++) {
        const seq = await timeline.locator('[data-seq]').first().getAttribute('data-seq');
        const top = timeline.locator(`[data-seq="${seq}"]`);
        const before = await top.evaluate((el) => {
          (el.parentElement as HTMLElement).scrollTop = 0;
          return el.getBoundingClientRect().top; // Read before the scroll event: older items come after it.
        });
        await expect.poll(() => timeline.locator('[data-seq]').first().getAttribute('data-seq')).not.toBe(seq);
        expect(Math.abs((await top.evaluate((el) => el.getBoundingClientRect().top)) - before)).toBeLessThan(5);
      }
      await first.waitFor();
      await page.unroute('**/v1/conversations/*/timeline?*');
    }
  }, 120_000);

  /**
   * Has the pages `context` loads from now on note each timeline item added to them, with what a
   * screen reader would make of its log then: `live` (its `aria-live`, or the role's own "polite")
   * and `busy`. A screen reader reads out an item only if added while its log is live.
   */
  const noteItemsAdded = (context: BrowserContext) =>
    context.addInitScript(() => {
      const added: Array<{ seq: number; live: string; busy: boolean }> = [];
      (window as unknown as { itemsAdded: typeof added }).itemsAdded = added;
      const watched = { childList: true, subtree: true };
      const observer = new MutationObserver((records) => {
        for (const node of records.flatMap((record) => [...record.addedNodes])) {
          if (!(node instanceof Element)) continue;
          // The widget's shadow root, which observing the document does not reach.
          if (node.shadowRoot) observer.observe(node.shadowRoot, watched);
          for (const item of [node, ...node.querySelectorAll('[data-seq]')].filter((el) => el.hasAttribute('data-seq'))) {
            const log = item.parentElement?.closest('[aria-live], [role="log"]');
            added.push({ seq: Number(item.getAttribute('data-seq')), live: log ? (log.getAttribute('aria-live') ?? 'polite') : 'off', busy: log?.getAttribute('aria-busy') === 'true' });
          }
        }
      });
      observer.observe(document, watched);
    });
  const itemsAddedSince = (page: Page) => page.evaluate(() => (window as unknown as { itemsAdded: Array<{ seq: number; live: string; busy: boolean }> }).itemsAdded.splice(0));

  it('has a screen reader read out the items that arrive, not the older ones drawn above, the times made current, nor the button below', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 120);
    await noteItemsAdded(visitor.context());
    const timeline = await reopenInWidget(visitor, id);
    await timeline.locator('.tl-message').filter({ hasText: 'Reply 120' }).waitFor();
    // Live once the items it opened with are drawn.
    await expect.poll(() => timeline.evaluate((el) => ['role', 'aria-live', 'aria-relevant'].map((name) => el.getAttribute(name)))).toEqual(['log', 'polite', 'additions']);
    expect(await visitor.locator('.sw-chat .tl-new-below').evaluate((button) => button.closest('[role="log"]') !== null)).toBe(false);

    await itemsAddedSince(visitor); // Those it opened with (the next test's).
    const firstSeq = Number(await timeline.locator('[data-seq]').first().getAttribute('data-seq'));
    await timeline.evaluate((el) => (el.scrollTop = 0));
    await timeline.locator('.tl-message').filter({ hasText: 'The very first words' }).waitFor();
    const older = (await itemsAddedSince(visitor)).filter((added) => added.seq < firstSeq);
    expect(older.length).toBeGreaterThan(0);
    expect(older.filter((added) => added.live !== 'off' || !added.busy)).toEqual([]);

    await expect.poll(() => timeline.getAttribute('aria-live')).toBe('polite');
    await writeAsAgent(id, 'Something new');
    await timeline.locator('.tl-message').filter({ hasText: 'Something new' }).waitFor();
    expect(await itemsAddedSince(visitor)).toEqual([{ seq: expect.any(Number), live: 'polite', busy: false }]);
  });

  it('has a screen reader read out an item that arrives while the log is not live (older items being drawn above), once it is live again', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 120);
    await noteItemsAdded(visitor.context());
    await visitor.clock.install();
    const framesReceived: string[] = [];
    visitor.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => framesReceived.push(String(payload))));
    const timeline = await reopenInWidget(visitor, id);
    await expect.poll(() => timeline.getAttribute('aria-live')).toBe('polite');
    const firstSeq = Number(await timeline.locator('[data-seq]').first().getAttribute('data-seq'));
    // Frames stop: the log stays not live after older items are drawn above, until they come again.
    await visitor.clock.pauseAt((await visitor.evaluate(() => Date.now())) + 1_000);
    await itemsAddedSince(visitor);
    await timeline.evaluate((el) => (el.scrollTop = 0));
    await timeline.locator('.tl-message').filter({ hasText: 'The very first words' }).waitFor();
    expect(await timeline.getAttribute('aria-live')).toBe('off');
    await writeAsAgent(id, 'Arrived meanwhile');
    // It waits, out of the log, for the log to be live again (drawn now, it would never be read out).
    const arrived = timeline.locator('.tl-message').filter({ hasText: 'Arrived meanwhile' });
    await expect.poll(() => framesReceived.some((frame) => frame.includes('Arrived meanwhile'))).toBe(true);
    await visitor.evaluate(() => 0); // The page has handled the frame by the time it runs this.
    expect((await itemsAddedSince(visitor)).filter((added) => added.seq > firstSeq)).toEqual([]);
    expect(await arrived.count()).toBe(0);
    await visitor.clock.runFor(100);
    await arrived.waitFor();
    expect(await itemsAddedSince(visitor)).toEqual([{ seq: Number(await arrived.getAttribute('data-seq')), live: 'polite', busy: false }]);
  });

  it('has a screen reader read out what arrives in a conversation once open, not the items it opens with, in the widget and the inbox', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 120);
    await noteItemsAdded(visitor.context());
    const inbox = await browser.newContext({ viewport: DESKTOP });
    inbox.setDefaultTimeout(10_000);
    onTestFinished(() => inbox.close());
    await noteItemsAdded(inbox);
    const agentPage = await inbox.newPage();
    await signIn(agentPage);

    for (const [page, open, arrive, text] of [
      [visitor, () => reopenInWidget(visitor, id), () => writeAsAgent(id, 'Something new'), 'Something new'],
      [agentPage, async () => (await openInInbox(agentPage, id), agentPage.locator('.panel-main .tl-list')), () => send(visitor, 'Something newer'), 'Something newer'],
    ] as const) {
      const timeline = await open();
      await timeline.locator('.tl-message').filter({ hasText: 'Reply 120' }).waitFor();
      await expect.poll(() => timeline.getAttribute('aria-live')).toBe('polite');
      // The newest page it opened with (100 items) was drawn while the log was not live.
      const openedWith = await itemsAddedSince(page);
      expect(openedWith.length).toBeGreaterThanOrEqual(100);
      expect(openedWith.filter((added) => added.live !== 'off')).toEqual([]);

      await arrive();
      const arrived = timeline.locator('.tl-message').filter({ hasText: text });
      await arrived.waitFor();
      const seq = Number(await arrived.getAttribute('data-seq'));
      const added = await itemsAddedSince(page);
      expect(added).toContainEqual({ seq, live: 'polite', busy: false });
      expect(added.filter((item) => item.live === 'off' || item.busy)).toEqual([]); // The assistant's answer too, if it came.
    }
  });

  it('measures few items on each drawing while the reader reads above the end of a long timeline, as someone types', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 150);
    const timeline = visitor.locator('.sw-chat .tl-list');
    await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight - el.clientHeight - 300)); // Near the end, not at it.
    // Counts the page's measures of an element's box from now on (each may lay the page out anew).
    await visitor.evaluate(() => {
      const counter = window as unknown as { measured: number };
      counter.measured = 0;
      const measure = Element.prototype.getBoundingClientRect;
      Element.prototype.getBoundingClientRect = function (this: Element) {
        counter.measured++;
        return measure.call(this);
      };
    });
    await typeAsAgent(id);
    await visitor.locator('[data-testid="typing-indicator"]').waitFor();
    const measured = await visitor.evaluate(() => (window as unknown as { measured: number }).measured);
    expect(measured).toBeGreaterThan(0); // The timeline was drawn again, keeping the reader's place…
    expect(measured).toBeLessThan(20); // …from a few of its 150 items, not all those above the view.
  });

  it('asks once for older items that could not be read, and again when the reader asks with "Load earlier messages"', async () => {
    const visitor = await newVisitor();
    const id = await longConversation(visitor, 120);
    const timeline = await reopenInWidget(visitor, id);
    await timeline.locator('.tl-message').filter({ hasText: 'Reply 120' }).waitFor();
    const firstSeq = Number(await timeline.locator('[data-seq]').first().getAttribute('data-seq'));
    // The toasts shown from now on (each goes after a few seconds).
    await visitor.evaluate(() => {
      const counter = window as unknown as { toasts: number };
      counter.toasts = 0;
      new MutationObserver((records) => {
        for (const node of records.flatMap((record) => [...record.addedNodes])) if (node instanceof HTMLElement && node.classList.contains('toast')) counter.toasts++;
      }).observe(document.querySelector('support-chat-widget')!.shadowRoot!, { childList: true, subtree: true }); // The widget's toasts go in its shadow root, in their stack.
    });
    let reads = 0;
    await visitor.route('**/v1/conversations/*/timeline?*', (route) => {
      reads++;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ERR_UNAVAILABLE', message: 'Try again' } }) });
    });
    const toasts = () => visitor.evaluate(() => (window as unknown as { toasts: number }).toasts);
    await timeline.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(toasts).toBe(1);
    // The reader scrolls on near the start, the agent types (the timeline is drawn again): nothing is asked or said again.
    for (const top of [200, 0, 100, 0]) {
      await timeline.evaluate((el, scrollTop) => (el.scrollTop = scrollTop), top);
      await visitor.waitForTimeout(50);
    }
    await typeAsAgent(id);
    await visitor.locator('[data-testid="typing-indicator"]').waitFor();
    expect(reads).toBe(1);
    expect(await toasts()).toBe(1);
    const loadEarlier = visitor.locator('.sw-chat .tl-load-older');
    expect(await loadEarlier.isVisible()).toBe(true);

    // Asked by keyboard once the server answers again: the older items come, and focus goes to the newest of them.
    await visitor.unroute('**/v1/conversations/*/timeline?*');
    await loadEarlier.focus();
    await visitor.keyboard.press('Enter');
    await timeline.locator('.tl-message').filter({ hasText: 'The very first words' }).waitFor();
    await loadEarlier.waitFor({ state: 'hidden' });
    expect(await (await focusedElement(visitor)).evaluate((focused) => Number(focused?.dataset.seq))).toBe(firstSeq - 1);
  });

  it('lets a visitor on a phone see how to close the widget, also in a conversation', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 } });
    context.setDefaultTimeout(10_000);
    const phone = await context.newPage();
    await phone.goto(app.url);
    const close = phone.locator('.sw-launcher');
    await close.click();
    await phone.getByRole('button', { name: 'New conversation' }).click();
    await phone.locator('.sw-chat').waitFor();
    // The white cross against the button's colour laid over the panel behind it.
    const contrast = await close.evaluate((button) => {
      const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const [r = 0, g = 0, b = 0, a = 1] = rgba(getComputedStyle(button).backgroundColor);
      const [pr = 255, pg = 255, pb = 255] = rgba(getComputedStyle((button.getRootNode() as ParentNode).querySelector('.sw-panel') as Element).backgroundColor);
      const shown = [r * a + pr * (1 - a), g * a + pg * (1 - a), b * a + pb * (1 - a)];
      const cross = rgba(getComputedStyle(button.querySelector('.sw-launcher-icon') as Element).backgroundColor);
      const luminance = (rgb: number[]) => {
        const [lr = 0, lg = 0, lb = 0] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
      };
      const [x, y] = [luminance(shown), luminance(cross)];
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    });
    expect(contrast).toBeGreaterThanOrEqual(3);
    await close.click();
    await phone.locator('.sw-panel').waitFor({ state: 'hidden' });
    await context.close();
  });

  it("gives an agent on a phone a reply box as wide as the screen, with its buttons on one line under it", async () => {
    const id = await startConversation(await newVisitor(), 'Replying from a phone?');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signIn(page, `/inbox?conversation=${encodeURIComponent(id)}`);
    await page.locator('.panel-main .tl-message').first().waitFor();
    const box = (await page.locator('.panel-main .composer-input').boundingBox())!;
    expect(box.width).toBeGreaterThan(390 * 0.85);
    const buttons = await Promise.all(['.composer-saved-replies', '.composer-note', '.composer-attach', '.composer-send'].map(async (selector) => (await page.locator(`.panel-main ${selector}`).boundingBox())!));
    for (const button of buttons) expect(button.y).toBeGreaterThanOrEqual(box.y + box.height);
    // One line: their middles level, Send last, at the right.
    const middles = buttons.map((button) => button.y + button.height / 2);
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(4);
    const send = buttons[3]!;
    expect(send.x + send.width).toBeGreaterThan(box.x + box.width - 4);
    // The top bar's brand, state and buttons on two lines at most, leaving the conversation the screen.
    const lines = await page.locator('.topbar > *:visible').evaluateAll((items) =>
      new Set(items.map((item) => {
        const { top, bottom } = item.getBoundingClientRect();
        return Math.round((top + bottom) / 2 / 10); // Items of a line share its middle.
      })).size,
    );
    expect(lines).toBeLessThanOrEqual(2);
  });

  it('shows an agent on a narrow screen the conversation or its details, each scrolling in itself, with Details to go between them', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'A long conversation on a phone');
    for (let i = 1; i <= 25; i++) expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'message', text: `Answer ${i} of 25` } })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signIn(page, `/inbox?conversation=${encodeURIComponent(id)}`);
    await page.locator('.panel-main .tl-message').filter({ hasText: 'Answer 25 of 25' }).waitFor();
    // The timeline scrolls, the page around it does not: the reply box stays on the screen.
    const panel = page.locator('.panel');
    expect(await panel.evaluate((element) => element.scrollHeight - element.clientHeight)).toBe(0);
    expect(await page.locator('.panel-main .tl-list').evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
    expect((await page.locator('.panel-main .composer-send').boundingBox())!.y).toBeLessThan(844);
    const details = page.getByRole('button', { name: 'Details' });
    expect(await details.getAttribute('aria-expanded')).toBe('false');
    const assignee = page.getByRole('combobox', { name: 'Assignee' });
    expect(await assignee.isVisible()).toBe(false);

    await details.click();
    expect(await details.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('.panel-main .composer-input').isVisible()).toBe(false);
    await assignee.selectOption(AGENT_ID);
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByRole('button', { name: /^Unassign / }).waitFor();
    // What the visitor writes while the details are shown is not taken as read.
    for (const text of ['Still there?', 'Hello?']) await send(visitor, text);
    const unread = async () => (await overApi('GET', `/conversations/${id}`)).body.conversation.unreadCount;
    await expect.poll(unread).toBe(2);
    await page.waitForTimeout(1_000); // Longer than the inbox waits before it marks a conversation seen.
    expect(await unread()).toBe(2);

    // Escape goes back to the conversation (not to the list), where the assignment shows, and keeps focus on Details.
    await page.keyboard.press('Escape');
    expect(await details.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.matches('.panel-details'))).toBe(true); // The header may be drawn anew meanwhile: it keeps the focus.
    await page.locator('.panel-main .tl-system').filter({ hasText: /^Assigned to / }).last().waitFor();
    expect(await page.locator('.panel-main').isVisible()).toBe(true);
    // Back at its end, where the visitor's messages are in view, and read now.
    const newest = (await page.locator('.panel-main .tl-message').filter({ hasText: 'Hello?' }).boundingBox())!;
    const list = (await page.locator('.panel-main .tl-list').boundingBox())!;
    expect(newest.y + newest.height).toBeLessThanOrEqual(list.y + list.height + 1);
    await expect.poll(unread).toBe(0);

    // On a wide screen both show side by side, and there is no Details to press: details open as it widens give the timeline back.
    await details.click();
    await page.setViewportSize(DESKTOP);
    expect(await assignee.isVisible()).toBe(true);
    expect(await details.isVisible()).toBe(false);
    await expect.poll(() => page.locator('.panel-details').getAttribute('aria-expanded')).toBe('false'); // Hidden, it has no role to find it by.
    expect(await page.locator('.panel-main .composer-input').isVisible()).toBe(true);
  });

  it('shows the first five tags of a conversation in its header and how many more, so many tags leave the timeline its room', async () => {
    const id = await startConversation(await newVisitor(), 'Tagged all over');
    const tags = Array.from({ length: 20 }, (_, i) => `tag-${i + 1}-${'long'.repeat(i % 3 === 0 ? 10 : 1)}`);
    const tagged = await overApi('POST', `/conversations/${id}/tags`, { add: tags });
    expect(tagged.status).toBe(200);
    const total = tagged.body.conversation.tags.length as number; // The assistant may have tagged it too.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signIn(page, `/inbox?conversation=${encodeURIComponent(id)}`);
    await page.locator('.panel-main .tl-message').first().waitFor();
    const pills = page.locator('.panel-header .panel-pills .pill');
    await expect.poll(() => pills.filter({ hasText: /^#/ }).count()).toBe(5);
    expect(await pills.filter({ hasText: `+${total - 5} more` }).count()).toBe(1);
    // The header stays a header: the timeline has most of the panel.
    const [header, timeline] = [(await page.locator('.panel-header').boundingBox())!, (await page.locator('.panel-main .tl-list').boundingBox())!];
    expect(timeline.height).toBeGreaterThan(header.height * 2);
    // A long tag is cut inside the header, not past it.
    const headerRight = header.x + header.width;
    for (const box of await pills.evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().right))) expect(box).toBeLessThanOrEqual(headerRight);
    // All of them are in the Tags section, behind Details on this screen.
    await page.getByRole('button', { name: 'Details' }).click();
    expect(await page.locator('.panel-controls .tag').count()).toBe(total);
  });

  it("keeps a quiet list's ages current", async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Anyone there?');
    await visitor.locator('.sw-chat .tl-message[data-author="ai"]').waitFor(); // The assistant has answered.
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const read = () =>
      fetch(`${app.url}/v1/conversations/${id}`, { headers: { Authorization: `Bearer ${app.keys.secretKey}` } }).then(
        (r) => r.json() as Promise<{ conversation: { lastTimelineItem: { seq: number; createdAt: string } } }>,
      );
    // Quiet: what the hand-off brings after it (routing's assignment, retried after a second should it fail) is in, nothing new for 2 s.
    let { conversation } = await read();
    let quiet = false;
    for (let tries = 0; tries < 10 && !quiet; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const before = conversation.lastTimelineItem.seq;
      ({ conversation } = await read());
      quiet = conversation.lastTimelineItem.seq === before;
    }
    expect(quiet, 'the conversation went quiet').toBe(true);
    // The page's clock starts 30 s after the conversation's last item: not yet a minute old while the page signs in (under 30 s).
    await page.clock.install({ time: Date.parse(conversation.lastTimelineItem.createdAt) + 30_000 });
    await signIn(page);
    const age = page.locator(`.row[data-conversation-id="${id}"] .row-age`);
    expect(await age.textContent()).toBe('now');
    await page.clock.runFor(30_000); // Nothing happens meanwhile: nothing draws the list again.
    expect(await age.textContent()).toBe('1m');
    await context.close();
  });

  /** Signs the page in: as Alex with the secret key, or with `key` (a member's token). */
  async function signInWith(page: Page, key?: string): Promise<void> {
    if (key === undefined) return signIn(page);
    await page.goto(`${app.url}/inbox`);
    await page.locator('input[name="key"]').fill(key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
  }

  /** A token of Alex's that is an `agent`'s, not an admin's. */
  async function agentToken(): Promise<string> {
    const made = await fetch(`${app.url}/v1/team/members/${AGENT_ID}/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'agent' }),
    });
    return ((await made.json()) as { token: string }).token;
  }

  /** A page of its own, signed in, on the Team page once it knows what the reader may change; closed when the test ends. */
  async function teamPage(viewport = DESKTOP, key?: string): Promise<Page> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signInWith(page, key);
    await page.locator('[data-action="team"]').click();
    await page.locator('.team-add, [data-testid="team-read-only"]').waitFor();
    return page;
  }

  it("shows an agent whose token is not an admin's the team as it is, with nothing to add, save or remove, saying an admin changes it", async () => {
    const page = await teamPage(DESKTOP, await agentToken());
    expect(await page.getByTestId('team-read-only').textContent()).toBe('Only an admin changes the team: you see it as it is.');
    const alex = page.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    expect(await alex.locator('input[name="teams"]').inputValue()).not.toBe('');
    expect(await alex.locator('input[name="teams"]').isDisabled()).toBe(true);
    expect(await alex.locator('input[name="capacity"]').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^(Save|Remove|Add)\b/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Add a person' }).count()).toBe(0);
  });

  it("shows a person's teams as the server has them again, and says plainly why, when it refuses a change", async () => {
    const page = await teamPage();
    const teams = page.locator(`.team-row[data-member-id="${AGENT_ID}"] input[name="teams"]`);
    const before = await teams.inputValue();
    // Buttons say whose row they are, to a screen reader moving from button to button.
    const row = page.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    expect(await row.getByRole('button', { name: /^Save changes to Alex/ }).count()).toBe(1);
    expect(await row.getByRole('button', { name: /^Remove Alex .*from the team$/ }).count()).toBe(1);
    // Alex is the only one in the teams the routing rules name: emptying theirs is refused.
    await teams.fill('');
    await page.locator(`.team-row[data-member-id="${AGENT_ID}"]`).getByRole('button', { name: 'Save' }).click();
    const toast = page.locator('.toast');
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/^Not saved: The [a-z, ]+ teams? would have nobody left, and the routing rules send conversations to (it|them)\. Change the routing rules first\.$/);
    expect(await teams.inputValue()).toBe(before);
  });

  it('sets the agent away from the top bar, shown in their other tabs and on the Team page, where an admin sets them available again', async () => {
    onTestFinished(async () => void (await overApi('PUT', '/team/me/status', { status: 'available' })));
    const page = await teamPage();
    const toggle = page.getByRole('button', { name: 'Away', exact: true });
    const row = page.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');

    // The team is not read again until the end: the socket's word alone says away, and since when.
    const releaseTeam = await holdRequests(page, '**/v1/team');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    const { member } = (await overApi('GET', '/team/me')).body;
    expect(member.status).toBe('away');
    // Since when, so the team sees who has been away long.
    await expect.poll(() => row.locator('.pill-away').textContent()).toMatch(/^away since \d{1,2}:\d{2}/);
    // A time the page keeps current, so it gains its day after midnight.
    expect(await row.locator('.pill-away time[data-time-of]').getAttribute('datetime')).toBe(member.statusSince);
    expect(await row.locator('.pill-away').getAttribute('title')).toBe(`Away since ${await page.evaluate((since) => new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(since)), member.statusSince as string)}: routing gives them nothing new`);
    releaseTeam();
    // Alex's other tab hears it from the server.
    await expect.poll(() => agent.getByRole('button', { name: 'Away', exact: true }).getAttribute('aria-pressed')).toBe('true');

    // The admin's button on the row, named with whose it is.
    await row.getByRole('button', { name: /^Set available: Alex/ }).click();
    await expect.poll(() => agent.getByRole('button', { name: 'Away', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await row.locator('.pill-away').count()).toBe(0);
    expect((await overApi('GET', '/team/me')).body.member.status).toBe('available');
  });

  it("keeps keyboard focus where the agent is on the Team page while the team changes and as they save", async () => {
    const page = await teamPage();
    const alex = page.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    const teams = alex.getByRole('textbox', { name: /^Teams of / });
    const capacity = alex.getByRole('spinbutton', { name: /^Capacity of / });
    // Their teams show whole, the field as wide as the row leaves it, not cut at a sliver's width.
    expect(await teams.inputValue()).toMatch(/, /);
    // The rows are drawn anew as presence arrives: a replaced field is asked again, not measured as 0 wide.
    await expect.poll(() => teams.evaluate((input: HTMLInputElement) => (input.isConnected ? input.scrollWidth <= input.clientWidth : undefined))).toBe(true);
    await teams.focus();
    const { body } = await overApi('POST', '/team/members', { name: 'Pat Colleague', teams: ['support'], capacity: 3 });
    onTestFinished(async () => {
      await fetch(`${app.url}/v1/team/members/${body.member.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    });
    await page.locator(`.team-row[data-member-id="${body.member.id}"]`).waitFor();
    expect(await focusedLabel(page)).toMatch(/^INPUT Teams of /);

    // Saved as it is (Enter in a field, then Save): the team is read again, and told of by the socket.
    const saved = () => page.waitForResponse((r) => r.url().endsWith(`/team/members/${AGENT_ID}`) && r.request().method() === 'PATCH');
    for (const [field, label] of [[capacity, /^INPUT Capacity of /], [alex.getByRole('button', { name: 'Save' }), /^BUTTON Save/]] as const) {
      const answer = saved();
      await field.press('Enter');
      await answer;
      await page.waitForTimeout(300); // The team read again, and the socket's word of the change.
      expect(await focusedLabel(page)).toMatch(label);
    }
  });

  it('says under a person added with no team that routing gives them nothing, until they are in a team it sends to', async () => {
    const page = await teamPage();
    await page.locator(`.team-row[data-member-id="${AGENT_ID}"]`).waitFor();
    // The agent's own row, in routed teams, says nothing of it.
    expect(await page.locator(`.team-row[data-member-id="${AGENT_ID}"] .team-warning`).count()).toBe(0);
    const name = page.locator('.team-add input[name="name"]');
    await name.fill('Nell Noteam');
    await page.locator('.team-add').getByRole('button', { name: 'Add' }).click();
    const nell = page.locator('.team-row').filter({ hasText: 'Nell Noteam' });
    await nell.waitFor();
    const id = await nell.getAttribute('data-member-id');
    onTestFinished(async () => {
      await fetch(`${app.url}/v1/team/members/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    });
    expect(await nell.getByRole('note').textContent()).toBe('Not in any team: routing does not give them conversations.');

    await nell.getByRole('textbox', { name: /^Teams of / }).fill('support');
    await nell.getByRole('button', { name: 'Save' }).click();
    await nell.getByRole('note').waitFor({ state: 'detached' });
  });

  it('asks for a name that is more than spaces before adding a person', async () => {
    const page = await teamPage();
    // Counted once the team is drawn (the page may open before its list comes).
    await page.locator(`.team-row[data-member-id="${AGENT_ID}"]`).waitFor();
    const rows = await page.locator('.team-row').count();
    const name = page.locator('.team-add input[name="name"]');
    await name.fill('   ');
    await page.locator('.team-add').getByRole('button', { name: 'Add' }).click();
    expect(await name.evaluate((field: HTMLInputElement) => field.validationMessage)).toBe('Enter a name: spaces alone are not one.');
    expect(await page.locator('.toast').count()).toBe(0);
    expect(await page.locator('.team-row').count()).toBe(rows);
  });

  it("names the Team page's fields, gives the Add form's name room on a phone, and has a way back on a wide screen", async () => {
    const page = await teamPage();
    const alex = page.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    expect(await alex.locator('.team-field').allInnerTexts()).toEqual(['Teams', 'Capacity']);
    expect(await page.locator('.team-add .team-field').allInnerTexts()).toEqual(['Name', 'Teams', 'Capacity']);
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await page.locator('.inbox-empty').filter({ hasText: 'Choose a conversation.' }).waitFor();

    const phone = await teamPage({ width: 375, height: 780 });
    const name = await phone.locator('.team-add input[name="name"]').boundingBox();
    expect(name!.width).toBeGreaterThan(300);
  });

  /** A page of its own, signed in (with `key` in the sign-in's field when given, else as Alex with the secret key), on the Settings page; closed when the test ends. */
  async function settingsPage(key?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await signInWith(page, key);
    await page.locator('[data-action="settings"]').click();
    await page.locator('[data-testid="lifecycle"]').waitFor();
    return page;
  }

  /** Puts the assistant's configuration back as it is now when the test ends. */
  async function keepAssistant(): Promise<void> {
    const assistant = `/ai-agents/${DEFAULT_ASSISTANT_ID}`;
    const before = (await overApi('GET', assistant)).body.agent;
    onTestFinished(async () => {
      expect((await overApi('PUT', assistant, before)).status).toBe(200);
    });
  }

  it("switches the AI assistant off on the Settings page, reached from its row on the Team page: visitors are then told the team answers", async () => {
    await keepAssistant();
    const page = await teamPage();
    await page.getByRole('button', { name: /^Assistant settings: / }).click();
    const section = page.locator(`[data-testid="assistant-${DEFAULT_ASSISTANT_ID}"]`);
    await section.waitFor();
    expect(await focusedLabel(page)).toBe('H3 AI assistant');
    const answers = section.getByRole('checkbox', { name: 'Answers visitors' });
    expect(await answers.isChecked()).toBe(true);
    await answers.uncheck();
    await section.getByRole('button', { name: 'Save AI assistant' }).click();
    await section.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const website = (await overApi('GET', '/websites', undefined, { 'X-Public-Key': app.keys.publicKey })).body;
    expect(website.availability.assistantAnswers).toBe(false);
    expect(await answers.isChecked()).toBe(false);
  });

  it("shows what the server refuses at the field it names, keeping what the admin entered, and saves nothing", async () => {
    await keepAssistant();
    const page = await settingsPage();
    const section = page.locator(`[data-testid="assistant-${DEFAULT_ASSISTANT_ID}"]`);
    const timeZone = section.getByRole('textbox', { name: 'Time zone' });
    // The hours are taken only while the team keeps them: a save would drop them.
    expect(await timeZone.isDisabled()).toBe(true);
    await section.getByRole('checkbox', { name: 'The team keeps business hours' }).check();
    await timeZone.fill('Mars/Olympus_Mons');
    await section.getByRole('button', { name: 'Save AI assistant' }).click();
    const message = section.locator('[data-message-for="businessHours.timeZone"]');
    await message.filter({ hasText: 'unknown time zone' }).waitFor();
    // Read out with the field, which has the focus.
    expect(await timeZone.getAttribute('aria-invalid')).toBe('true');
    expect(await timeZone.evaluate((field) => field === document.activeElement)).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Time zone' }).evaluate((field) => field.getAttribute('aria-describedby')?.split(' ').includes(document.querySelector('[data-message-for="businessHours.timeZone"]')!.id))).toBe(true);
    expect(await timeZone.inputValue()).toBe('Mars/Olympus_Mons');
    expect((await overApi('GET', `/ai-agents/${DEFAULT_ASSISTANT_ID}`)).body.agent.businessHours).toBeUndefined();
  });

  it("holds its save to the lifecycle settings it read: a colleague's save landing just before it is kept, and a field both changed is shown as theirs until the admin saves again", async () => {
    const before = (await overApi('GET', '/settings/lifecycle')).body.settings;
    onTestFinished(async () => {
      expect((await overApi('PUT', '/settings/lifecycle', before)).status).toBe(200);
    });
    const page = await settingsPage();
    /** The colleague's save to make as the page's next save leaves the browser: after anything the page read, before its write. */
    let colleague: Record<string, unknown> | undefined;
    await page.route('**/v1/settings/lifecycle', async (route) => {
      const change = route.request().method() === 'PUT' ? colleague : undefined;
      colleague = undefined;
      if (change) expect((await overApi('PUT', '/settings/lifecycle', { ...(await overApi('GET', '/settings/lifecycle')).body.settings, ...change })).status).toBe(200);
      await route.continue();
    });
    const section = page.locator('[data-testid="lifecycle"]');
    const autoResolve = section.getByRole('spinbutton', { name: 'Resolve a quiet conversation after (minutes)' });
    const assignOnReply = section.getByRole('checkbox', { name: /^Assign a conversation nobody has/ });
    const save = section.getByRole('button', { name: 'Save Conversation lifecycle' });

    // Another setting: the admin's save goes over the colleague's, which stays.
    await autoResolve.fill('90');
    colleague = { assignOnReply: !before.assignOnReply };
    await save.click();
    await section.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await overApi('GET', '/settings/lifecycle')).body.settings).toMatchObject({ autoResolveAfterMinutes: 90, assignOnReply: !before.assignOnReply });
    expect(await assignOnReply.isChecked()).toBe(!before.assignOnReply);

    // The same setting: nothing is saved, and the field says what the colleague made it.
    await autoResolve.fill('120');
    colleague = { autoResolveAfterMinutes: 45 };
    await save.click();
    await section.locator('[data-message-for="autoResolveAfterMinutes"]').filter({ hasText: 'Someone else changed this while you were editing (it is now “45”).' }).waitFor();
    expect((await overApi('GET', '/settings/lifecycle')).body.settings.autoResolveAfterMinutes).toBe(45);
    expect(await autoResolve.inputValue()).toBe('120');
    await save.click();
    await section.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await overApi('GET', '/settings/lifecycle')).body.settings).toMatchObject({ autoResolveAfterMinutes: 120, assignOnReply: !before.assignOnReply });
  });

  it('shows an agent whose token is not an admin\'s the settings as they are, which they cannot change, saying an admin does', async () => {
    const page = await settingsPage(await agentToken());
    expect(await page.getByTestId('settings-read-only').textContent()).toBe('Only an admin changes the assistant, lifecycle and routing settings: you see them as they are. Saved replies, below, are yours to add to.');
    const section = page.locator(`[data-testid="assistant-${DEFAULT_ASSISTANT_ID}"]`);
    const name = section.getByRole('textbox', { name: 'Name' });
    expect(await name.inputValue()).toBe((await overApi('GET', `/ai-agents/${DEFAULT_ASSISTANT_ID}`)).body.agent.name);
    expect(await name.isDisabled()).toBe(true);
    expect(await section.getByRole('checkbox', { name: 'Answers visitors' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^Save / }).count()).toBe(0);
    // Webhooks are an admin's alone: not even listed (their URLs may carry a receiver's token).
    expect(await page.getByTestId('saved-replies').count()).toBe(1);
    expect(await page.getByTestId('webhooks').count()).toBe(0);
  });

  it('takes keyboard focus through the sign-in to the inbox, saying each step, and says the connection state as it changes', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await page.goto(`${app.url}/inbox#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
    await page.keyboard.press('Enter'); // In the key field, which has focus.
    await page.getByText('Who are you?').waitFor();
    expect(await focusedLabel(page)).toBe('H2 Who are you?');
    const alex = page.locator(`[data-member-id="${AGENT_ID}"]`);
    expect(await alex.ariaSnapshot()).toMatch(/^- button "Alex\b/); // Not "A Alex": the initial is no part of the name.
    await alex.press('Enter');
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    expect(await focusedLabel(page)).toBe('H1 ◆ Support inbox');
    expect(await page.getByRole('status').textContent()).toBe('Live');
  });

  it('tells apart people who share a name when signing in and in the assignee menu', async () => {
    const added: string[] = [];
    onTestFinished(async () => {
      for (const id of added) {
        await fetch(`${app.url}/v1/team/members/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
      }
    });
    for (const teams of [['billing'], ['sales']]) {
      const { status, body } = await overApi('POST', '/team/members', { name: 'Sam Lee', teams, capacity: 5 });
      expect(status).toBe(201);
      added.push(body.member.id);
    }
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await page.goto(`${app.url}/inbox#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    const picker = page.locator('.sign-in-member');
    await picker.first().waitFor();
    expect(await picker.allInnerTexts()).toEqual(expect.arrayContaining(added.map((id) => expect.stringContaining(`Sam Lee (${id})`))));
    await page.locator(`[data-member-id="${AGENT_ID}"]`).click();

    const id = await startConversation(await newVisitor(), 'Who is Sam?');
    await openInInbox(page, id);
    const options = await page.locator('select[name="assignee"] option').allInnerTexts();
    expect(options).toEqual(expect.arrayContaining(added.map((member) => `Sam Lee (${member})`)));
  });

  it('reads a reassignment as one in the inbox, and on the audit page names people with their ids and folds bookkeeping away in place', async () => {
    const { body } = await overApi('POST', '/team/members', { name: 'Jo Park', teams: ['billing'], capacity: 5 });
    const jo: string = body.member.id;
    onTestFinished(async () => {
      await fetch(`${app.url}/v1/team/members/${jo}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    });
    const id = await startConversation(await newVisitor(), 'Who has my question?');
    for (const userId of [AGENT_ID, jo]) expect((await overApi('POST', `/conversations/${encodeURIComponent(id)}/assign`, { userId })).status).toBe(200);
    await openInInbox(agent, id);
    const reassigned = `Reassigned from Alex (Support) to Jo Park`;
    await agent.locator('.panel-main .tl-system').filter({ hasText: reassigned }).waitFor();

    const [audit] = await Promise.all([agentContext.waitForEvent('page'), agent.getByRole('link', { name: 'Audit trail' }).click()]);
    onTestFinished(() => audit.close());
    const change = audit.locator('.audit-entry[data-kind="event_recorded"]').filter({ hasText: `Reassigned from Alex (Support) (${AGENT_ID}) to Jo Park (${jo})` });
    await change.waitFor();
    expect(await change.locator('.audit-actor').textContent()).toBe(`Alex (Support) · human ${AGENT_ID}`);
    // Lifecycle changes are marked in the timeline as every other group is, with a dot of their colour.
    expect(await change.locator('.audit-dot').evaluate((dot) => getComputedStyle(dot).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    // The search finds people by the names the page gives them.
    const search = audit.getByRole('searchbox', { name: 'Search' });
    await search.fill('jo park');
    expect(await audit.locator('.audit-entry .audit-title').allTextContents()).toEqual([`Reassigned from Alex (Support) (${AGENT_ID}) to Jo Park (${jo})`]);
    // And says how many it shows, as a status read out.
    expect(await audit.getByRole('status').filter({ hasText: 'match' }).textContent()).toBe('1 entry matches “jo park”');
    await search.fill('');
    expect(await audit.locator('.audit-match-count').textContent()).toBe('');

    // Bookkeeping is folded where it happened, each fold saying how much it holds; together, all of it.
    const bookkeeping = audit.locator('.audit-chip input[data-group="bookkeeping"]');
    expect(await bookkeeping.isChecked()).toBe(false);
    const total = Number((await audit.locator('.audit-chip.audit-bookkeeping').textContent())?.match(/\((\d+)\)/)?.[1]);
    expect(total).toBeGreaterThan(0);
    expect(await audit.locator('.audit-entry[data-group="bookkeeping"]').count()).toBe(0);
    const folds = audit.locator('.audit-fold');
    const folded = await folds.evaluateAll((rows) => rows.reduce((sum, row) => sum + Number((row as HTMLElement).dataset.count), 0));
    expect(folded).toBe(total);
    expect(await folds.first().textContent()).toMatch(/^Show \d+ bookkeeping entr(y|ies)/);

    // One click shows a fold's entries in its place, the keyboard on the first; their raw JSON one more.
    const count = Number(await folds.first().getAttribute('data-count'));
    await folds.first().getByRole('button').click();
    expect(await audit.locator('.audit-entry[data-group="bookkeeping"]').count()).toBe(count);
    expect(await audit.evaluate(() => document.activeElement?.getAttribute('data-group'))).toBe('bookkeeping');
    await audit.locator('.audit-entry[data-group="bookkeeping"] .audit-raw summary').first().click();
    expect(await audit.locator('.audit-entry[data-group="bookkeeping"] .audit-raw pre').first().textContent()).toContain('"kind"');
    // "of #N" leads to the entry it names, the recordEvents that wrote the change, shown though folded.
    const of = change.locator('a.audit-of');
    const target = Number((await of.textContent())?.replace('of #', ''));
    await of.click();
    expect(await audit.locator(`.audit-entry[data-index="${target}"]`).getAttribute('data-group')).toBe('bookkeeping');
    expect(await audit.evaluate(() => document.activeElement?.id)).toBe(`entry-${target}`);
    await bookkeeping.check();
    expect(await audit.locator('.audit-entry[data-group="bookkeeping"]').count()).toBe(total);
    expect(await folds.count()).toBe(0);
  });

  it('tells an agent removed from the team why they are back at the sign-in, which fills the page, and keeps what they were writing for them', async () => {
    const member = { name: 'Robin Gray', teams: ['billing'], capacity: 5 };
    const { body } = await overApi('POST', '/team/members', member);
    const robin: string = body.member.id;
    const id = await startConversation(await newVisitor(), 'Robin, are you there?');
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    const page = await context.newPage();
    const signInAsRobin = async () => {
      await page.locator('input[name="key"]').fill(app.keys.secretKey);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator(`[data-member-id="${robin}"]`).click();
      await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    };
    await page.goto(`${app.url}/inbox`);
    await signInAsRobin();
    await openInInbox(page, id);
    await page.locator('.composer-input').fill('Half a reply');

    // Someone removes Robin from the team meanwhile.
    const removed = await fetch(`${app.url}/v1/team/members/${robin}`, { method: 'DELETE', headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID } });
    expect(removed.status).toBe(204);
    const notice = page.locator('.sign-in-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('You were signed out: no longer on the team. What you had not sent is kept in this tab, for when you sign in as Robin Gray again.');
    const [signInHeight, viewportHeight] = await page.evaluate(() => [document.querySelector('.sign-in')!.getBoundingClientRect().height, innerHeight]);
    expect(signInHeight).toBeGreaterThanOrEqual(viewportHeight);

    // Back on the team under the same id, Robin signs in again in this tab: the reply being written is there.
    expect((await overApi('POST', '/team/members', { id: robin, ...member })).status).toBe(201);
    await signInAsRobin();
    await openInInbox(page, id);
    expect(await page.locator('.composer-input').inputValue()).toBe('Half a reply');
  });

  describe('an inbox with more conversations than it reads at once', () => {
    /** An app of its own, so that its oldest conversation is the one made here. */
    let crowded: RunningApp;
    /** Escalated first, with nobody taking it: waiting for a person, behind every other. */
    let waiting: string;
    /** The AI's, made after it, newest last. */
    const newer: string[] = [];

    beforeAll(async () => {
      crowded = await startTestApp();
      // The team opens conversations for visitors the website has: made as the widget's first call makes one.
      expect((await overApi('GET', '/websites', undefined, { 'X-Public-Key': crowded.keys.publicKey, 'X-Visitor-Id': 'vis_crowd' }, crowded)).status).toBe(200);
      const create = async (conversationId: string) => expect((await overApi('POST', '/conversations', { conversationId, visitorId: 'vis_crowd' }, undefined, crowded)).status).toBe(201);
      // Sam, who is not signed in, takes Alex's teams, so routing gives Alex nothing as Alex signs in: the escalated one waits.
      const { members } = (await overApi('GET', '/team', undefined, undefined, crowded)).body as { members: Array<{ id: string; teams: string[] }> };
      const { teams } = members.find((member) => member.id === AGENT_ID)!;
      expect((await overApi('POST', '/team/members', { id: 'agent_sam', name: 'Sam', teams }, undefined, crowded)).status).toBe(201);
      expect((await overApi('PATCH', `/team/members/${AGENT_ID}`, { teams: [] }, undefined, crowded)).status).toBe(200);
      waiting = 'crowd-waiting';
      await create(waiting);
      expect((await overApi('POST', `/conversations/${waiting}/escalate`, { reason: 'asks for a person' }, undefined, crowded)).status).toBe(200);
      // More than the 100 the inbox reads at once.
      for (let i = 0; i < 105; i++) {
        newer.push(`crowd-ai-${i}`);
        await create(newer[i]!);
      }
    });

    afterAll(() => crowded?.close());

    /** An inbox signed in to the crowded app; closed when the test ends. */
    async function crowdedInbox(): Promise<Page> {
      const context = await browser.newContext({ viewport: DESKTOP });
      context.setDefaultTimeout(10_000);
      onTestFinished(() => context.close());
      const page = await context.newPage();
      await signIn(page, undefined, crowded);
      return page;
    }

    it('lists a conversation waiting for a person under "Waiting for a human", behind more than a page of newer ones the AI handles', async () => {
      const page = await crowdedInbox();
      await page.locator(`.row[data-conversation-id="${newer.at(-1)}"]`).waitFor();
      await page.locator('select[name="handler"]').selectOption('waiting');
      await page.locator(`.row[data-conversation-id="${waiting}"]`).waitFor();
      expect(await page.locator('.row').count()).toBe(1);
    });

    const rowIds = (page: Page) => page.locator('.conversation-list .row').evaluateAll((rows: HTMLElement[]) => rows.map((row) => row.dataset.conversationId));
    /** A private note from the agent: activity that moves the conversation to the top of every inbox's list. */
    const noteIn = async (conversationId: string) =>
      expect((await overApi('POST', '/messages', { conversationId, item: { type: 'note', text: 'Checked the account' } }, undefined, crowded)).status).toBe(201);

    it('reads the list on as the agent scrolls to its end, saying so meanwhile, with each conversation once and the oldest too, keeping the pages read as conversations change', async () => {
      const page = await crowdedInbox();
      const list = page.locator('.list-scroll');
      const end = page.locator('.list-end');
      await page.locator(`.row[data-conversation-id="${newer.at(-1)}"]`).waitFor();
      expect(await rowIds(page)).toHaveLength(100);
      // One of the next page's gets activity before that page is read: the inbox reads it on its own, at the top.
      await noteIn(newer[0]!);
      await expect.poll(async () => (await rowIds(page))[0]).toBe(newer[0]);

      let releaseNextPage = () => {};
      const nextPageHeld = new Promise<void>((resolve) => (releaseNextPage = resolve));
      await page.route(
        (url) => url.pathname === '/v1/conversations' && url.searchParams.has('cursor'),
        async (route) => {
          await nextPageHeld;
          await route.continue();
        },
      );
      await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
      await end.getByText('Loading more conversations…').waitFor();
      releaseNextPage();
      await page.locator(`.row[data-conversation-id="${waiting}"]`).waitFor();
      await end.waitFor({ state: 'hidden' });
      const all = await rowIds(page);
      expect(all).toHaveLength(106);
      expect(new Set(all).size).toBe(106);
      expect(all.at(-1)).toBe(waiting);

      // Activity on the oldest moves it up; nothing read goes, nothing shows twice.
      await noteIn(waiting);
      await expect.poll(async () => (await rowIds(page))[0]).toBe(waiting);
      expect(new Set(await rowIds(page)).size).toBe(106);
    });

    it('lets a keyboard user go on past the end of the list, at the first conversation it reads next', async () => {
      const page = await crowdedInbox();
      await page.locator(`.row[data-conversation-id="${newer.at(-1)}"]`).waitFor();
      const firstRead = await rowIds(page);
      await page.locator(`.row[data-conversation-id="${firstRead.at(-1)}"]`).focus();
      await page.keyboard.press('Tab');
      await page.locator('.list-end').waitFor({ state: 'hidden' });
      const all = await rowIds(page);
      expect(all).toHaveLength(106);
      const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.conversationId);
      await expect.poll(focused).toBe(all[firstRead.length]);
    });

    it('says so when the next page could not be read, and reads it when the agent presses Load more conversations', async () => {
      const page = await crowdedInbox();
      await page.locator(`.row[data-conversation-id="${newer.at(-1)}"]`).waitFor();
      let refused = 0;
      await page.route(
        (url) => url.pathname === '/v1/conversations' && url.searchParams.has('cursor'),
        (route) => (refused++ === 0 ? route.abort('connectionrefused') : route.continue()),
      );
      const list = page.locator('.list-scroll');
      await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
      await page.locator('.toast').waitFor();
      const loadMore = page.getByRole('button', { name: 'Load more conversations' });
      await loadMore.waitFor();
      // Scrolling on does not ask again by itself.
      await list.evaluate((element) => (element.scrollTop = 0));
      await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
      await page.waitForTimeout(300);
      expect(refused).toBe(1);
      await loadMore.click();
      await page.locator('.list-end').waitFor({ state: 'hidden' });
      expect(await rowIds(page)).toHaveLength(106);
    });
  });

  it('tells the team where the visitor was when they started the conversation: the page without its query, their language and local time', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR', timezoneId: 'Asia/Tokyo' });
    context.setDefaultTimeout(10_000);
    visitorContexts.push(context);
    const visitor = await context.newPage();
    await visitor.goto(`${app.url}/?coupon=SECRET-42#offer`);
    await visitor.locator('.sw-launcher').click();
    const id = await startConversation(visitor, 'Does this coupon work?');
    const { metadata } = (await overApi('GET', `/conversations/${id}`)).body.conversation;
    expect(metadata).toEqual({ widget: { pageUrl: `${app.url}/`, pageTitle: await visitor.title(), language: 'fr-FR', timeZone: 'Asia/Tokyo' } });

    await openInInbox(agent, id);
    const facts = agent.locator('[data-testid="visitor-facts"]');
    await facts.waitFor();
    // Where they started, and (the same page, the visitor still on it) where they are now.
    const pages = facts.getByRole('link', { name: `${await visitor.title()} (${new URL(app.url).host})` });
    await expect.poll(() => pages.count()).toBe(2);
    expect(await pages.evaluateAll((links) => links.map((link) => [link.closest('dd')?.previousElementSibling?.textContent, link.getAttribute('href')]))).toEqual([
      ['Now on', `${app.url}/`],
      ['Started on', `${app.url}/`],
    ]);
    expect(await facts.textContent()).toMatch(/Local time\d\d:\d\d, GMT\+9 \(Asia\/Tokyo\)LanguageFrench \(France\)/);

    // Their local time is kept current while the conversation stays open, as the page's other times are.
    const clocked = await browser.newContext({ viewport: DESKTOP });
    clocked.setDefaultTimeout(10_000);
    onTestFinished(() => clocked.close());
    const inbox = await clocked.newPage();
    await inbox.clock.install({ time: new Date('2026-12-07T03:00:00Z') });
    await signIn(inbox, `/inbox?conversation=${encodeURIComponent(id)}`);
    const localTime = inbox.locator('[data-testid="visitor-facts"] dd[data-time-in="Asia/Tokyo"]');
    await expect.poll(() => localTime.textContent()).toBe('12:00, GMT+9 (Asia/Tokyo)');
    await inbox.clock.runFor(5 * 60_000);
    await expect.poll(() => localTime.textContent()).toBe('12:05, GMT+9 (Asia/Tokyo)');
  });

  it('starts the conversation all the same when the server refuses what the widget says of the page (a time zone it does not know yet)', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    visitorContexts.push(context);
    await context.addInitScript(() => {
      const resolvedOptions = Intl.DateTimeFormat.prototype.resolvedOptions;
      Intl.DateTimeFormat.prototype.resolvedOptions = function (this: Intl.DateTimeFormat) {
        return { ...resolvedOptions.call(this), timeZone: 'Mars/Olympus_Mons' };
      };
    });
    const visitor = await context.newPage();
    await visitor.goto(app.url);
    await visitor.locator('.sw-launcher').click();
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    // Refused once (400) for what it said of the page, then made without it.
    const created = visitor.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST' && r.status() === 201);
    await send(visitor, 'What time is it there?');
    const id = ((await (await created).json()) as { conversation: { id: string } }).conversation.id;
    await visitor.locator('.sw-chat .tl-message').filter({ hasText: 'What time is it there?' }).waitFor();
    const { conversation } = (await overApi('GET', `/conversations/${id}`)).body;
    const { items } = (await overApi('GET', `/conversations/${id}/timeline`)).body as { items: Array<{ type: string; text?: string; author: { kind: string } }> };
    // Its first message, whatever the assistant has said since.
    expect(items.filter((item) => item.author.kind === 'visitor').map((item) => item.text)).toEqual(['What time is it there?']);
    expect(conversation).not.toHaveProperty('metadata');
  });

  /**
   * An agent's inbox, signed in, whose system notifications are recorded as the page makes them
   * (headless Chromium shows none) and whose being in front is as the test says (`inFront`).
   */
  async function inboxWithRecordedNotifications(): Promise<{ page: Page; shown: () => Promise<Array<{ title: string; body?: string; tag?: string }>> }> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    onTestFinished(() => context.close());
    await context.addInitScript(() => {
      const shown: Array<{ title: string; body?: string; tag?: string; notification: { onclick: (() => void) | null } }> = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      (window as unknown as { inFront: boolean }).inFront = true;
      document.hasFocus = () => (window as unknown as { inFront: boolean }).inFront;
      class RecordedNotification {
        // The browser keeps what it was allowed across the page's loads.
        static get permission() {
          return (localStorage.getItem('test:notification-permission') ?? 'default') as NotificationPermission;
        }
        static requestPermission = async () => {
          localStorage.setItem('test:notification-permission', 'granted');
          return 'granted';
        };
        onclick: (() => void) | null = null;
        constructor(title: string, options: NotificationOptions) {
          shown.push({ title, body: options.body, tag: options.tag, notification: this });
        }
        close() {}
      }
      (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
    });
    const page = await context.newPage();
    await signIn(page);
    const shown = () => page.evaluate(() => (window as unknown as { shown: Array<{ title: string; body?: string; tag?: string }> }).shown.map(({ title, body, tag }) => ({ title, body, tag })));
    return { page, shown };
  }

  it('notifies the agent, once they turn notifications on, of a conversation given to them and of its visitor writing, while the inbox is in the background; choosing one opens it', async () => {
    const { page, shown } = await inboxWithRecordedNotifications();
    const toggle = page.getByRole('button', { name: 'Notifications' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');

    const { body: added } = await overApi('POST', '/team/members', { name: 'Casey Colleague' });
    const colleague = { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': added.member.id as string };
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'My invoice is wrong');
    // Other tests' conversations may start waiting meanwhile (the team is told of those too): this one's only.
    const ours = async () => (await shown()).filter((shown) => shown.tag === `conversation:${id}`);
    const aiPill = page.locator(`.row[data-conversation-id="${id}"] .pill-ai`);
    await aiPill.waitFor();
    // In front, the list shows it (the row drawn without the AI's pill once the change came): no notification.
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID }, colleague)).status).toBe(200);
    await aiPill.waitFor({ state: 'detached' });
    expect(await ours()).toEqual([]);

    await page.evaluate(() => ((window as unknown as { inFront: boolean }).inFront = false));
    // The agent's own doing, from elsewhere (their other tab, their phone): taking it back from a colleague is not notified, once its hold is over.
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: colleague['X-Actor-User-Id'] }, colleague)).status).toBe(200);
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID })).status).toBe(200);
    await page.waitForTimeout(2_500);
    expect(await ours()).toEqual([]);
    // A colleague's: given to the agent by the colleague who had it.
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: colleague['X-Actor-User-Id'] }, colleague)).status).toBe(200);
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID }, colleague)).status).toBe(200);
    await expect.poll(ours).toEqual([{ title: expect.stringMatching(/^Assigned to you: Visitor /), body: 'My invoice is wrong', tag: `conversation:${id}` }]);
    await send(visitor, 'It says 120 € instead of 100 €');
    await expect.poll(async () => (await ours()).at(-1)).toEqual({ title: expect.stringMatching(/^Visitor /), body: 'It says 120 € instead of 100 €', tag: `conversation:${id}` });

    await page.evaluate((tag) => (window as unknown as { shown: Array<{ tag?: string; notification: { onclick: (() => void) | null } }> }).shown.filter((shown) => shown.tag === tag).at(-1)?.notification.onclick?.(), `conversation:${id}`);
    await page.locator('.panel-main .tl-message').filter({ hasText: 'It says 120 €' }).waitFor();
    expect(new URL(page.url()).searchParams.get('conversation')).toBe(id);

    // Not among the conversations the inbox lists when it is opened again (filtered out: urgent ones only): the visitor writing is told all the same.
    await page.goto(`${app.url}/inbox?priority=urgent`);
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    // The list drawn (empty when this test runs alone).
    await page.locator('.row, .list-empty').first().waitFor();
    expect(await page.locator(`.row[data-conversation-id="${id}"]`).count()).toBe(0);
    await page.evaluate(() => ((window as unknown as { inFront: boolean }).inFront = false));
    await send(visitor, 'One more thing');
    await expect.poll(async () => (await ours()).at(-1)).toEqual({ title: expect.stringMatching(/^Visitor /), body: 'One more thing', tag: `conversation:${id}` });

    // Turned off, nothing more.
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    const before = (await ours()).length;
    await send(visitor, 'Hello?');
    await expect.poll(async () => (await overApi('GET', `/conversations/${id}`)).body.conversation.lastMessage?.text).toBe('Hello?');
    // The frame has had the time to come that a notification took before.
    await page.waitForTimeout(1_000);
    expect(await ours()).toHaveLength(before);
  });

  it("notifies the agent of a visitor writing again in their resolved conversation, which the inbox, listing open ones, reads only once the reopen has come too", async () => {
    const { page, shown } = await inboxWithRecordedNotifications();
    const toggle = page.getByRole('button', { name: 'Notifications' });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'My parcel never came');
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID })).status).toBe(200);
    expect((await overApi('POST', `/conversations/${id}/resolve`, {})).status).toBe(200);
    await visitor.locator('.sw-chat').getByText('Resolved: write again any time').waitFor();
    await page.reload();
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await page.locator('.row, .list-empty').first().waitFor();
    expect(await page.locator(`.row[data-conversation-id="${id}"]`).count()).toBe(0);
    // The conversation is read slowly, as on a busy server: the reopen event (the visitor's item too) comes before the answer.
    await page.route(`**/v1/conversations/${id}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    await page.evaluate(() => ((window as unknown as { inFront: boolean }).inFront = false));
    await send(visitor, 'Still nothing');
    await expect.poll(async () => (await shown()).filter((shown) => shown.tag === `conversation:${id}`).at(-1)).toEqual({ title: expect.stringMatching(/^Visitor /), body: 'Still nothing', tag: `conversation:${id}` });
  });

  it('reads a conversation it does not list once for all the frames naming it meanwhile, and shows it as they say though the answer predates them', async () => {
    const visitor = await newVisitor();
    const id = await startConversation(visitor, 'Where did my refund go?');
    // A person's (the assistant stays silent): what the visitor writes next is the last word.
    expect((await overApi('POST', `/conversations/${id}/assign`, { userId: AGENT_ID })).status).toBe(200);
    expect((await overApi('POST', `/conversations/${id}/resolve`, {})).status).toBe(200);
    await visitor.locator('.sw-chat').getByText('Resolved: write again any time').waitFor();
    const inbox = await inboxAt('/inbox'); // Open ones listed: not this one.
    await inbox.locator('.row, .list-empty').first().waitFor();
    expect(await inbox.locator(`.row[data-conversation-id="${id}"]`).count()).toBe(0);
    // The answer is the conversation as it was before the visitor wrote (resolved), and comes after everything its writing brings.
    const { body: before } = await overApi('GET', `/conversations/${id}`);
    let reads = 0;
    await inbox.route(`**/v1/conversations/${id}`, async (route) => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.fulfill({ json: before });
    });

    await send(visitor, 'It never arrived');
    // The message, the reopen event and the conversation's changes named it: the reopened conversation is listed, as they say.
    const row = inbox.locator(`.row[data-conversation-id="${id}"]`);
    await row.filter({ hasText: 'It never arrived' }).waitFor();
    expect(await row.locator('[data-testid="status"]').textContent()).toBe('open');
    // Counted as the server counts: the visitor's new message once, though two frames named it before it was read.
    const { body: now } = await overApi('GET', `/conversations/${id}`);
    expect(now.conversation.unreadCount).toBe(before.conversation.unreadCount + 1);
    expect(await row.locator('[data-testid="unread"]').textContent()).toBe(String(now.conversation.unreadCount));
    expect(reads).toBe(1);
  });
});
