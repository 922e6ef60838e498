/**
 * The pages with what people wrote as people write it: names long enough to fill a line, text in
 * right-to-left scripts, names that begin with an emoji. Each is shown whole or cut on purpose,
 * in its own direction, and never pushes the page wider than its screen.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { userHashOf } from '../../server/services/identity';
import { startTestApp } from './support/app';
import { signInToInbox } from './support/inbox';
import { expectInsideSideways, placementOf } from './support/page-reads';

const AGENT_ID = 'agent_alex';
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1024, height: 768 };
const HEBREW = 'שלום! האם אפשר לקבל החזר כספי?';
/** A team member's, a visitor's and a page's names, and a reason, in Hebrew: each ends in a mark that a left-to-right line would put at its other end. */
const HEBREW_AGENT = 'דנה כהן!';
const HEBREW_VISITOR = 'יעל לוי?';
const HEBREW_PAGE = 'מחירון!';
const HEBREW_REASON = 'הבעיה נפתרה, תודה!';
const HEBREW_TAG = 'לקוח חשוב!';
const HEBREW_FILE = 'הערות.txt';
const HEBREW_REPLY = { shortcut: 'thanks-he', title: 'תודה רבה!', text: 'תודה על הפנייה!' };
const LONG_NAME = 'Maximiliana Alexandrovna Konstantinopolitanskaya-Wolfeschlegelsteinhausenbergerdorff';

/** The direction an element's text is laid out in: `rtl` or `ltr`. */
const directionOf = (element: Locator) => element.evaluate((el) => getComputedStyle(el).direction);

/**
 * Expects `element` laid out in `direction`. Asked again until it holds: the lists are drawn anew
 * as news arrives, and an element found just before it is replaced is read detached, with no style.
 */
const expectDirection = (element: Locator, direction: 'ltr' | 'rtl') => expect.poll(() => directionOf(element)).toBe(direction);

/** An element's box. */
const boxOf = async (element: Locator) => {
  const box = await element.boundingBox();
  if (!box) throw new Error('not shown');
  return box;
};

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'text people wrote, in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    for (const [id, name] of [
      ['agent_long', LONG_NAME],
      ['agent_emoji', '🦄 Zoë'],
      ['agent_hebrew', HEBREW_AGENT],
    ]) {
      expect((await overApi('POST', '/team/members', { id, name, teams: [] })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Calls the API as `actor` of the team; the status and parsed answer. */
  async function overApi(method: string, path: string, body?: unknown, actor = AGENT_ID) {
    const headers = { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': actor, 'Content-Type': 'application/json' };
    const answer = await fetch(`${app.url}/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: answer.status, body: (await answer.json()) as any };
  }

  /** A visitor's new conversation, begun with `text`; its id. */
  async function conversationSaying(text: string): Promise<string> {
    const { visitor } = (await (await fetch(`${app.url}/v1/websites`, { headers: { 'X-Public-Key': app.keys.publicKey } })).json()) as { visitor: { id: string } };
    const headers = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitor.id, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ defaultTimelineItems: [{ type: 'message', text }] });
    const answer = await fetch(`${app.url}/v1/conversations`, { method: 'POST', headers, body });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { conversation: { id: string } }).conversation.id;
  }

  /** Whether the page is wider than its screen: it scrolls sideways. */
  const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

  /** A new page in a browser of its own, `viewport` wide. */
  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(10_000);
    return context.newPage();
  }

  /**
   * Opens the audit page of conversation `id` on `page` until it shows `entry`, once: the trail is
   * read as the page opens, so until the workflow has recorded the change, it is read again.
   */
  async function auditShowing(page: Page, id: string, entry: Locator): Promise<void> {
    await expect
      .poll(async () => {
        await page.goto(`${app.url}/audit/${encodeURIComponent(id)}`);
        await page.locator('.audit-list').waitFor();
        return entry.count();
      })
      .toBe(1);
  }

  /** The sign-in page at the step where the agent picks who they are. */
  async function memberPicker(viewport: { width: number; height: number }): Promise<Page> {
    const page = await newPage(viewport);
    await page.goto(`${app.url}/inbox#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.sign-in-member').first().waitFor();
    return page;
  }

  it('shows a name that begins with an emoji by that emoji in its avatar, whole', async () => {
    const page = await memberPicker(LAPTOP);
    expect(await page.locator('[data-member-id="agent_emoji"] .avatar').textContent()).toBe('🦄');
  });

  it('keeps the sign-in avatar round beside a long name on a phone', async () => {
    const page = await memberPicker(PHONE);
    const { width, height } = await boxOf(page.locator('[data-member-id="agent_long"] .avatar'));
    expect(width).toBe(height);
  });

  it("keeps the audit page to a phone's width when an entry holds a long unbroken word", async () => {
    const id = await conversationSaying('Hello');
    const title = `Refund ${'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3)}`;
    expect((await overApi('PATCH', `/conversations/${encodeURIComponent(id)}`, { title })).status).toBe(200);
    const page = await newPage(PHONE);
    await signInToInbox(page, app);
    await auditShowing(page, id, page.locator('.audit-title').filter({ hasText: title }));
    expect(await scrollsSideways(page)).toBe(false);
  });

  it('lays out what people wrote right to left in a right-to-left script, in the widget and the inbox alike', async () => {
    const visitor = await newPage(LAPTOP);
    await visitor.goto(app.url);
    await visitor.locator('.sw-launcher').click();
    await visitor.getByRole('button', { name: 'New conversation' }).click();
    const created = visitor.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST');
    await visitor.locator('.composer-input').fill(HEBREW);
    await visitor.locator('.composer-input').press('Enter');
    const id = ((await (await created).json()) as { conversation: { id: string } }).conversation.id;
    await expectDirection(visitor.locator('.sw-chat .tl-bubble').filter({ hasText: HEBREW }), 'rtl');
    expect((await overApi('PATCH', `/conversations/${encodeURIComponent(id)}`, { title: 'החזר כספי' })).status).toBe(200);
    const agent = await newPage(LAPTOP);
    await signInToInbox(agent, app);
    const row = agent.locator(`.row[data-conversation-id="${id}"]`);
    await row.locator('.row-title').filter({ hasText: 'החזר כספי' }).waitFor();
    await expectDirection(row.locator('.row-title'), 'rtl');
    await row.click();
    await expectDirection(agent.locator('.panel-main .tl-bubble').filter({ hasText: HEBREW }), 'rtl');

    /** The team answers `text`: the lists preview it, in its direction, once it is there. */
    const answerWith = async (text: string, direction: 'ltr' | 'rtl') => {
      expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'message', text } })).status).toBe(201);
      await expectDirection(visitor.locator('.sw-chat .tl-bubble').filter({ hasText: text }), direction);
      await expectDirection(agent.locator('.panel-main .tl-bubble').filter({ hasText: text }), direction);
      await row.locator('.row-preview').filter({ hasText: text }).waitFor();
      await expectDirection(row.locator('.row-preview'), direction);
      await visitor.getByRole('button', { name: 'Back to conversations' }).click();
      await expectDirection(visitor.locator('.sw-conversation-preview span').filter({ hasText: text }), direction);
      await visitor.locator('.sw-conversation').first().click();
    };
    await answerWith('Yes, of course.', 'ltr');
    await answerWith('כן, כמובן!', 'rtl');

    // Who wrote it, by a name in Hebrew, beside the message in either timeline.
    expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'message', text: 'Hello' } }, 'agent_hebrew')).status).toBe(201);
    await expectDirection(visitor.locator('.sw-chat .tl-author').filter({ hasText: HEBREW_AGENT }), 'rtl');
    await expectDirection(agent.locator('.panel-main .tl-author').filter({ hasText: HEBREW_AGENT }), 'rtl');
  });

  it("lays out people's names, the page a visitor was on, tags and a reason right to left in the inbox", async () => {
    const { visitor } = (await (await fetch(`${app.url}/v1/websites`, { headers: { 'X-Public-Key': app.keys.publicKey } })).json()) as { visitor: { id: string } };
    const headers = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitor.id, 'Content-Type': 'application/json' };
    const identity = { externalId: 'u-hebrew', userHash: userHashOf(app.keys.identitySecret, 'u-hebrew'), name: HEBREW_VISITOR };
    expect((await fetch(`${app.url}/v1/contacts/identify`, { method: 'POST', headers, body: JSON.stringify(identity) })).status).toBe(200);
    const metadata = { widget: { pageUrl: 'https://shop.example/prices', pageTitle: HEBREW_PAGE } };
    const created = await fetch(`${app.url}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ defaultTimelineItems: [{ type: 'message', text: 'Hello' }], metadata }) });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { conversation: { id: string } }).conversation.id;
    const conversation = `/conversations/${encodeURIComponent(id)}`;
    expect((await overApi('POST', `${conversation}/participants`, { userId: 'agent_hebrew' }, 'agent_hebrew')).status).toBe(200);
    expect((await overApi('POST', `${conversation}/tags`, { add: [HEBREW_TAG] })).status).toBe(200);
    const upload = await fetch(`${app.url}/v1/files?conversationId=${encodeURIComponent(id)}&filename=${encodeURIComponent(HEBREW_FILE)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'text/plain' },
      body: 'notes',
    });
    expect(upload.status).toBe(201);
    const { file } = (await upload.json()) as { file: { id: string } };
    expect((await overApi('POST', '/messages', { conversationId: id, item: { type: 'message', parts: [{ type: 'file', fileId: file.id }] } })).status).toBe(201);
    expect((await overApi('POST', `${conversation}/resolve`, { reason: HEBREW_REASON })).status).toBe(200);
    expect((await overApi('POST', '/saved-replies', HEBREW_REPLY)).status).toBe(201);

    // Signed in as the member named in Hebrew: their name in the picker and in the top bar.
    const picker = await memberPicker(LAPTOP);
    await expectDirection(picker.locator('[data-member-id="agent_hebrew"]').getByText(HEBREW_AGENT), 'rtl');
    const agent = await newPage(LAPTOP);
    await signInToInbox(agent, app, { address: `/inbox?conversation=${encodeURIComponent(id)}&status=all`, memberId: 'agent_hebrew' });
    await expectDirection(agent.locator('.topbar-me'), 'rtl');
    // Each in the innermost element holding it: the words of ours around it stay left to right.
    await expectDirection(agent.locator('.panel-main .tl-system').getByText(HEBREW_REASON), 'rtl');
    await expectDirection(agent.locator('.panel-main .tl-system-text').getByText(HEBREW_AGENT), 'rtl');
    await expectDirection(agent.locator('.panel-main .tl-system-text').getByText(HEBREW_TAG), 'rtl');
    await expectDirection(agent.locator('.panel-pills').getByText(HEBREW_TAG), 'rtl');
    await expectDirection(agent.locator('.controls .tag').getByText(HEBREW_TAG), 'rtl');
    await expectDirection(agent.locator('.panel-main .tl-file-name').getByText(HEBREW_FILE), 'rtl');
    await expectDirection(agent.locator('[data-testid="visitor-details"]').getByText(HEBREW_VISITOR), 'rtl');
    await expectDirection(agent.locator('[data-testid="visitor-facts"]').getByText(HEBREW_PAGE), 'rtl');
    await expectDirection(agent.locator('[data-testid="visitor-facts"] dt').first(), 'ltr');
    await expectDirection(agent.locator('.controls-section[data-focus-group="People"] p').getByText(HEBREW_AGENT), 'rtl');

    await agent.locator('[data-action="team"]').click();
    await expectDirection(agent.locator('.team-row[data-member-id="agent_hebrew"] .team-who').getByText(HEBREW_AGENT), 'rtl');
    await agent.locator('[data-action="settings"]').click();
    const reply = agent.locator(`.saved-reply-row[data-shortcut="${HEBREW_REPLY.shortcut}"]`);
    await expectDirection(reply.getByText(HEBREW_REPLY.title), 'rtl');
    await expectDirection(reply.getByText(HEBREW_REPLY.text), 'rtl');

    // The audit page: the reason as the summary of the lifecycle change.
    const summary = agent.locator('.audit-lifecycle .audit-summary').filter({ hasText: HEBREW_REASON });
    await auditShowing(agent, id, summary);
    await expectDirection(summary, 'rtl');
    // A name in an entry's title and in who made it, set apart from the page's words around it; the
    // id beside the name is the page's, outside the name's direction.
    const joined = agent.locator('.audit-lifecycle').filter({ has: agent.locator('.audit-title', { hasText: `${HEBREW_AGENT} (agent_hebrew) joined` }) });
    await expectDirection(joined.locator('.audit-title').getByText(HEBREW_AGENT, { exact: true }), 'rtl');
    await expectDirection(joined.locator('.audit-title'), 'ltr');
    await expectDirection(joined.locator('.audit-actor').getByText(HEBREW_AGENT, { exact: true }), 'rtl');
    await expectDirection(joined.locator('.audit-actor'), 'ltr');
  });

  it("keeps the inbox's top bar one line high when the agent's name is long", async () => {
    const barHeightOf = async (memberId: string) => {
      const page = await newPage(LAPTOP);
      await signInToInbox(page, app, { memberId });
      return (await boxOf(page.locator('.topbar'))).height;
    };
    expect(await barHeightOf('agent_long')).toBe(await barHeightOf(AGENT_ID));
  });

  it('shows the Team page\'s pills whole beside a long name on a phone', async () => {
    const page = await newPage(PHONE);
    await signInToInbox(page, app, { memberId: 'agent_long' });
    await page.locator('[data-action="team"]').click();
    const row = page.locator('.team-row[data-member-id="agent_long"]');
    // The row is drawn anew when the page learns more of the agent (their role, say): read at one moment.
    const pill = await placementOf(row.locator('.pill-online'), '.team-row');
    expect(pill.fitsItsBox).toBe(true);
    expectInsideSideways(pill.box, pill.within);
    expect(await scrollsSideways(page)).toBe(false);
  });
});
