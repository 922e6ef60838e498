/**
 * Saved replies in the inbox: `/` in the composer lists them (one a colleague adds meanwhile too),
 * the keyboard picks one, and its text lands in the box for the agent to finish and send. The
 * Settings page adds, changes and deletes them.
 */
import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { startTestApp } from './support/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { signInToInbox } from './support/inbox';

const AGENT_ID = 'agent_alex';

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'saved replies in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let agent: Page;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    context.setDefaultTimeout(10_000);
    agent = await context.newPage();
    await signInToInbox(agent, app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const overApi = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const answer = await fetch(`${app.url}/v1${path}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: answer.status, body: (await answer.json()) as any };
  };
  const asAgent = () => ({ Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID });
  const addSavedReply = async (shortcut: string, title: string, text: string) => expect((await overApi('POST', '/saved-replies', asAgent(), { shortcut, title, text })).status).toBe(201);

  it('inserts a saved reply picked with the keyboard into the composer, where the agent finishes it and sends it', async () => {
    await addSavedReply('hello', 'Greeting', 'Hi! How can I help?');
    await addSavedReply('refund', 'Refund policy', 'Refunds take 5 business days.');
    const visitorId = (await overApi('GET', '/websites', { 'X-Public-Key': app.keys.publicKey })).body.visitor.id as string;
    const visitor = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId };
    expect((await overApi('POST', '/conversations', visitor, { conversationId: 'saved-1', defaultTimelineItems: [{ type: 'message', text: 'I want my money back' }] })).status).toBe(201);
    await agent.locator('.row[data-conversation-id="saved-1"]').click();
    await agent.locator('.panel-main .tl-message').first().waitFor();

    const box = agent.locator('.panel-main .composer-input');
    const list = agent.getByRole('listbox', { name: 'Saved replies' });
    const options = list.getByRole('option');
    // A colleague adds one while the inbox is open: the socket brings it, no reload.
    await addSavedReply('shipping', 'Shipping times', 'We ship within 2 days.');
    await expect
      .poll(async () => {
        await box.fill('');
        await box.pressSequentially('/ship');
        return options.allTextContents();
      })
      .toEqual([expect.stringContaining('/shipping')]);

    await box.fill('');
    await box.pressSequentially('/');
    await expect.poll(() => options.count()).toBe(3);
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await box.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    expect(await options.nth(1).textContent()).toContain('/refund');
    // Escape closes the list and keeps what was typed.
    await box.press('Escape');
    await list.waitFor({ state: 'hidden' });
    expect(await box.inputValue()).toBe('/');
    expect(await agent.locator('.panel-main').count()).toBe(1);

    // It stays closed while the box still starts with that `/` (the agent may mean a slash); a new one opens it again.
    await box.pressSequentially('re');
    expect(await list.isVisible()).toBe(false);
    await box.fill('');
    await box.pressSequentially('/ref');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringContaining('/refund')]);
    await box.press('Enter');
    await list.waitFor({ state: 'hidden' });
    // In the box to edit, not sent (the team's side has said nothing; the assistant may have).
    expect(await box.inputValue()).toBe('Refunds take 5 business days.');
    expect(await agent.locator('.panel-main .tl-message[data-author="mine"]').count()).toBe(0);
    await box.pressSequentially(' Yours is on its way.');
    await box.press('Enter');

    const sent = 'Refunds take 5 business days. Yours is on its way.';
    await agent.locator('.panel-main .tl-message').filter({ hasText: sent }).waitFor();
    const timeline = await overApi('GET', '/conversations/saved-1/timeline', visitor);
    expect((timeline.body.items as Array<{ text?: string }>).map((item) => item.text)).toContain(sent);
    expect(await box.inputValue()).toBe('');
  });

  /** A conversation a new visitor starts; identified as `contact` first when given. */
  const conversationBy = async (conversationId: string, contact?: { externalId: string; name: string; email: string }) => {
    const visitorId = (await overApi('GET', '/websites', { 'X-Public-Key': app.keys.publicKey })).body.visitor.id as string;
    const visitor = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId };
    if (contact) {
      const userHash = createHmac('sha256', app.keys.identitySecret).update(contact.externalId).digest('hex');
      expect((await overApi('POST', '/contacts/identify', visitor, { ...contact, userHash })).status).toBe(200);
    }
    expect((await overApi('POST', '/conversations', visitor, { conversationId, defaultTimelineItems: [{ type: 'message', text: 'Hello?' }] })).status).toBe(201);
    await agent.locator(`.row[data-conversation-id="${conversationId}"]`).click();
    await agent.locator('.panel-main .tl-message').first().waitFor();
  };

  it("fills a reply's placeholders for the open conversation, selects one it cannot fill, and holds the message back once while it is there", async () => {
    await addSavedReply('greet', 'Greet', 'Hi {{visitor.firstName | there}}, {{agent.firstName}} here. Write to {{visitor.email}}.');
    // Saved through the API with Windows line breaks: the box holds \n, and the selection is still on the placeholder.
    await addSavedReply('crlf', 'Two lines', 'Hello,\r\n\r\nYour mail: {{visitor.email}}.');
    const box = agent.locator('.panel-main .composer-input');
    const selected = () => box.evaluate((input: HTMLTextAreaElement) => input.value.slice(input.selectionStart, input.selectionEnd));
    const pick = async (shortcut: string) => {
      await box.fill('');
      await box.pressSequentially(`/${shortcut}`);
      await agent.getByRole('listbox', { name: 'Saved replies' }).getByRole('option').first().waitFor();
      await box.press('Enter');
    };
    // The agent's own (the assistant may answer the visitor's "Hello?" meanwhile: its messages are not counted).
    const messages = agent.locator('.panel-main .tl-message[data-author="mine"]');

    await conversationBy('placeholders-known', { externalId: 'user-ada', name: 'Ada Lovelace', email: 'ada@example.com' });
    await pick('greet');
    expect(await box.inputValue()).toBe('Hi Ada, Alex here. Write to ada@example.com.');
    // By the button, where the caret is in what was written: the caret after the reply, to go on writing.
    await box.fill('Hello! PS: bye');
    await box.evaluate((input: HTMLTextAreaElement) => input.setSelectionRange(7, 7));
    await agent.locator('.panel-main').getByRole('button', { name: 'Insert a saved reply' }).click();
    await agent.getByRole('listbox', { name: 'Saved replies' }).getByRole('option').filter({ hasText: '/greet' }).click();
    const filled = 'Hi Ada, Alex here. Write to ada@example.com.';
    expect(await box.inputValue()).toBe(`Hello! ${filled}PS: bye`);
    expect(await box.evaluate((input: HTMLTextAreaElement) => [input.selectionStart, input.selectionEnd])).toEqual([7 + filled.length, 7 + filled.length]);

    // An anonymous visitor: the fallback, and the email left selected; what the agent types replaces it.
    await conversationBy('placeholders-anonymous');
    await pick('greet');
    expect(await box.inputValue()).toBe('Hi there, Alex here. Write to {{visitor.email}}.');
    expect(await selected()).toBe('{{visitor.email}}');
    // Sent now, the visitor would read the braces: held back, the placeholder selected again, and said why.
    await box.press('ArrowLeft');
    await box.press('Enter');
    await agent.getByRole('status').filter({ hasText: 'Replace {{visitor.email}} before sending, or send again to send it as it is.' }).waitFor();
    expect(await selected()).toBe('{{visitor.email}}');
    expect(await messages.count()).toBe(0);
    await box.pressSequentially('us');
    await box.press('Enter');
    await messages.filter({ hasText: 'Hi there, Alex here. Write to us.' }).waitFor();

    // Sent again as it is, the agent means it.
    await pick('crlf');
    expect(await box.inputValue()).toBe('Hello,\n\nYour mail: {{visitor.email}}.');
    expect(await selected()).toBe('{{visitor.email}}');
    await box.press('Enter');
    await box.press('Enter');
    await expect.poll(() => messages.count()).toBe(2);
    expect(await box.inputValue()).toBe('');
  });

  it('adds, changes and deletes saved replies on the Settings page, saying why one is refused', async () => {
    await agent.locator('[data-action="settings"]').click();
    const section = agent.locator('[data-testid="saved-replies"]');
    await section.waitFor();
    const rowOf = (shortcut: string) => section.locator(`.saved-reply-row[data-shortcut="${shortcut}"]`);
    const stored = async () => (await overApi('GET', '/saved-replies?q=thanks', asAgent())).body.savedReplies as Array<{ shortcut: string; text: string; createdBy: string }>;

    // Adding, there is nothing to cancel; the fields are styled as the rest of Settings.
    expect(await section.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(false);
    for (const field of [section.getByLabel('Shortcut'), section.getByLabel('Text', { exact: true })]) {
      expect(await field.evaluate((element) => getComputedStyle(element).paddingLeft)).toBe('10px');
    }
    await section.getByLabel('Shortcut').fill('thanks');
    await section.getByLabel('Title', { exact: true }).fill('Thank you');
    await section.getByLabel('Text', { exact: true }).fill('Thanks for writing to us!');
    await section.getByRole('button', { name: 'Add saved reply' }).click();
    await rowOf('thanks').waitFor();
    expect(await stored()).toEqual([expect.objectContaining({ shortcut: 'thanks', text: 'Thanks for writing to us!', createdBy: AGENT_ID })]);

    // A shortcut taken in another case: the server's reason shows, and what was typed stays.
    await section.getByLabel('Shortcut').fill('THANKS');
    await section.getByLabel('Title', { exact: true }).fill('Again');
    await section.getByLabel('Text', { exact: true }).fill('Twice');
    await section.getByRole('button', { name: 'Add saved reply' }).click();
    const taken = agent.getByRole('alert').filter({ hasText: 'taken' });
    await taken.waitFor();
    expect(await taken.textContent()).toMatch(/is taken \(shortcuts are the same whatever their case\)$/);
    expect(await section.getByLabel('Shortcut').inputValue()).toBe('THANKS');
    // A mistyped placeholder is refused, named.
    await section.getByLabel('Shortcut').fill('typo');
    await section.getByLabel('Text', { exact: true }).fill('Hi {{visitor.nmae}}');
    await section.getByRole('button', { name: 'Add saved reply' }).click();
    const unknown = agent.getByRole('alert').filter({ hasText: 'unknown placeholder {{visitor.nmae}}' });
    await unknown.waitFor();
    // Two at once, one above the other: the second does not cover the first. Read in one step, as
    // soon as the second shows: each goes by itself after 5 s.
    const gap = await agent.locator('.toasts').evaluate((stack) => {
      const boxOf = (text: string) => [...stack.children].find((toast) => toast.textContent?.includes(text))?.getBoundingClientRect();
      const [first, second] = [boxOf('is taken'), boxOf('unknown placeholder')];
      return first && second ? second.top - first.bottom : 'the first went before the second came';
    });
    expect(gap).toEqual(expect.any(Number));
    expect(gap).toBeGreaterThanOrEqual(0);
    // The placeholders are listed by the text's field.
    expect(await section.getByRole('textbox', { name: 'Text', exact: true, description: /\{\{visitor\.firstName\}\}/ }).count()).toBe(1);

    await section.getByRole('button', { name: 'Edit /thanks' }).click();
    expect(await section.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    await section.getByLabel('Text', { exact: true }).fill('Thanks, we are on it.');
    await section.getByRole('button', { name: 'Save /thanks' }).click();
    await rowOf('thanks').filter({ hasText: 'Thanks, we are on it.' }).waitFor();
    expect(await stored()).toEqual([expect.objectContaining({ text: 'Thanks, we are on it.' })]);

    // Delete asks first: No keeps it.
    const remove = section.getByRole('button', { name: 'Delete /thanks' });
    await remove.click();
    await rowOf('thanks').getByText('Delete /thanks?').waitFor();
    await rowOf('thanks').getByRole('button', { name: 'No' }).click();
    await remove.waitFor();
    expect(await remove.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await stored()).toEqual([expect.objectContaining({ shortcut: 'thanks' })]);
    // Escape as No; the question describes the buttons, for a screen reader on No. A colleague's
    // reply added meanwhile redraws the list, and the question stays open.
    await remove.click();
    await addSavedReply('later', 'Later', 'Talk soon.');
    await rowOf('later').waitFor();
    await rowOf('thanks').getByText('Delete /thanks?').waitFor();
    expect(await rowOf('thanks').getByRole('button', { name: 'No' }).getAttribute('aria-describedby')).toBeTruthy();
    expect(await rowOf('thanks').getByRole('button', { name: 'No', description: 'Delete /thanks?' }).count()).toBe(1);
    await agent.keyboard.press('Escape');
    await remove.waitFor();
    expect(await remove.evaluate((button) => button === document.activeElement)).toBe(true);
    await remove.click();
    await rowOf('thanks').getByRole('button', { name: 'Yes, delete' }).click();
    await rowOf('thanks').waitFor({ state: 'detached' });
    // Its row gone, the focus lands on the section's heading, not lost on the page.
    await expect.poll(() => section.getByRole('heading', { name: 'Saved replies' }).evaluate((heading) => heading === document.activeElement)).toBe(true);
    expect(await stored()).toEqual([]);
  });
});
