/**
 * The product in a real browser: a visitor asks the widget, the offline AI answers and hands over
 * to a person, an agent takes it from the inbox (live), and the audit page tells the story.
 * Screenshots of each page go to .tmp/screenshots/, or to docs/screenshots/ (the README's) with
 * UPDATE_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { startTestApp } from './support/app';
import { solidPng } from '../support/png';

const SCREENSHOTS = new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../.tmp/screenshots/', import.meta.url);
const DESKTOP = { width: 1280, height: 820 };
const PHONE = { width: 390, height: 780 };
const AGENT_ID = 'agent_alex';

const screenshot = (page: Page, name: string) => page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
/** Waits until an element with this text exists under `scope`. */
const seeText = (scope: Locator, text: string | RegExp) => scope.filter({ hasText: text }).first().waitFor();

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'support journey in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let visitorContext: BrowserContext;
  let agentContext: BrowserContext;
  let visitor: Page;
  let agent: Page;
  let conversationId: string;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    app = await startTestApp();
    browser = await launchChromium();
    visitorContext = await browser.newContext({ viewport: DESKTOP });
    agentContext = await browser.newContext({ viewport: DESKTOP });
    // Shorter than the test's own timeout, so a failure names the element it waited for.
    for (const context of [visitorContext, agentContext]) context.setDefaultTimeout(10_000);
    visitor = await visitorContext.newPage();
    agent = await agentContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const widget = () => visitor.locator('.sw-panel');
  const visitorItems = () => visitor.locator('.sw-chat .tl-list > *');
  const inboxItems = () => agent.locator('.panel-main .tl-list > *');
  const send = async (page: Page, text: string) => {
    await page.locator('.composer-input').fill(text);
    await page.locator('.composer-input').press('Enter');
  };

  it('lets an agent sign in to the inbox with the secret key from the local demo link, and a team member', async () => {
    await agent.goto(`${app.url}/inbox#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
    expect(await agent.locator('input[name="key"]').inputValue()).toBe(app.keys.secretKey);
    expect(agent.url()).toBe(`${app.url}/inbox`); // taken off the address
    // The widget's key, pasted by mistake: said in the page's words, not the API's headers.
    await agent.locator('input[name="key"]').fill(app.keys.publicKey);
    await agent.getByRole('button', { name: 'Continue' }).click();
    await agent.getByRole('alert').filter({ hasText: "That is the website's public key, which the chat widget uses. Sign in with the secret key (sk_…) or a member token (mt_…)." }).waitFor();
    await agent.locator('input[name="key"]').fill(app.keys.secretKey);
    await agent.getByRole('button', { name: 'Continue' }).click();
    await agent.locator(`[data-member-id="${AGENT_ID}"]`).click();
    await agent.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await agent.locator('.list-empty').waitFor();
  });

  it('answers the visitor with the offline AI, marked as AI', async () => {
    await visitor.goto(app.url);
    await visitor.locator('.sw-launcher').click();
    await widget().getByRole('button', { name: 'New conversation' }).click();
    await send(visitor, 'How do I reset my password?');
    await seeText(visitorItems(), 'How do I reset my password?');
    const answer = visitor.locator('.tl-message[data-author="ai"]').first();
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/Forgot password/);
    expect(await answer.locator('.tl-ai-badge').textContent()).toBe('AI');
  });

  it('shows the new conversation in the inbox live, then its escalation when the visitor asks for a human', async () => {
    const row = agent.locator('.row').first();
    await row.waitFor();
    conversationId = (await row.getAttribute('data-conversation-id')) ?? '';
    expect(conversationId).not.toBe('');
    await seeText(agent.locator('.row .pill-ai'), 'AI');

    await send(visitor, 'Can I talk to a human please?');
    await seeText(visitorItems(), 'A person from the team was requested');
    // The agent's inbox is open (the agent is online), so routing assigns the escalated conversation to them.
    await agent.locator('input[name="assignedToMe"]').check();
    // Routing's assignment may land before the filtered list is read, while it is, or after: the row is in it all the same.
    const listed = () => agent.locator('.row').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.conversationId));
    await expect.poll(listed, { timeout: 10_000 }).toEqual([conversationId]);
  });

  it('lets the agent join and reply: the visitor sees typing, then the reply, and the badge counts it while closed', async () => {
    await agent.locator(`.row[data-conversation-id="${conversationId}"]`).click();
    await seeText(inboxItems(), 'Can I talk to a human please?');
    // Routed to Alex, who has not joined yet: the panel says so, not that a person is handling it.
    const aiState = agent.locator('[data-testid="ai-state"]');
    // The escalation may show first ("waiting for a person") and the routing's assignment a moment later.
    await seeText(aiState, 'Handed off: assigned to Alex (Support), who has not joined yet.');
    await agent.getByRole('button', { name: 'Join conversation' }).click();
    await seeText(visitorItems(), 'Alex (Support) joined');
    await seeText(aiState, 'Handed off: Alex (Support) has joined.');

    const composer = agent.locator('.composer-input');
    await composer.pressSequentially('Hi,', { delay: 20 });
    await seeText(visitor.locator('[data-testid="typing-indicator"]'), 'Alex (Support) is typing');
    // For a visitor whom motion bothers, the dots stand still. The widget draws its footer anew as
    // news arrives (a read of a replaced dot is asked again), and the dots go once the agent pauses
    // (2.5 s): the agent goes on typing, slowly, while they are looked at.
    const typingOn = composer.pressSequentially(' this is Alex', { delay: 200 });
    const dotMotion = () => visitor.locator('.typing-dots i').first().evaluate((dot) => (dot.isConnected ? getComputedStyle(dot).animationName : undefined));
    await expect.poll(dotMotion).toBe('sc-blink');
    await visitor.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(dotMotion).toBe('none');
    await visitor.emulateMedia({ reducedMotion: null });
    await typingOn;
    await composer.press('Enter');
    await seeText(visitor.locator('.tl-message.tl-theirs'), 'Hi, this is Alex');
    await visitor.locator('[data-testid="typing-indicator"]').waitFor({ state: 'detached' });
    await screenshot(visitor, 'widget');

    await visitor.locator('.sw-launcher').click();
    await send(agent, 'I have reset the link for you, please try again.');
    const badge = visitor.locator('[data-testid="unread-badge"]');
    await badge.waitFor({ state: 'visible' });
    expect(await badge.textContent()).toBe('1');
    // A screen reader reads the button's name, not the badge.
    expect(await visitor.locator('.sw-launcher').getAttribute('aria-label')).toBe('Open support chat, 1 unread conversation');
    await screenshot(visitor, 'widget-badge');
    await visitor.locator('.sw-launcher').click();
    await seeText(visitorItems(), 'I have reset the link for you');
    await badge.waitFor({ state: 'hidden' });
  });

  it('keeps a private note from the visitor', async () => {
    await agent.locator('.composer-note-toggle').check();
    await send(agent, 'Customer verified by email, safe to reset.');
    await seeText(agent.locator('.tl-note'), 'Customer verified by email');
    await agent.locator('.composer-note-toggle').uncheck();
    // Anything the agent does next reaches the visitor only after the note would have.
    await agent.locator('select[name="conversationPriority"]').selectOption('high');
    await seeText(agent.locator('.tl-system'), 'Priority changed from medium to high');
    await visitor.waitForTimeout(500);
    expect(await visitor.locator('.sw-panel').textContent()).not.toContain('Customer verified');
  });

  it('carries a screenshot the visitor attaches to the agent, shown as an image that opens the file', async () => {
    // A file the server would refuse is refused when picked, with the reason, and nothing is sent.
    await visitor.locator('.composer-file-input').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>hi</p>') });
    await seeText(visitor.locator('.toast'), "page.html can't be sent: files of this type are not accepted");
    expect(await visitor.locator('.composer-attached').isHidden()).toBe(true);
    await visitor.locator('.composer-file-input').setInputFiles({ name: 'error.png', mimeType: 'image/png', buffer: Buffer.from(solidPng(40, 30)) });
    await seeText(visitor.locator('.composer-attached'), 'error.png');
    await send(visitor, 'This is what I see');
    await visitor.locator('.composer-attached').waitFor({ state: 'hidden' });
    const shown = agent.locator('.panel-main .tl-message').filter({ hasText: 'This is what I see' }).locator('img.tl-file-image');
    await shown.waitFor();
    // The image loaded through the link's own credentials: the browser decoded the uploaded bytes.
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 5_000 }).toBe(40);
    // The page fetched it with its headers: the link is the bytes themselves, with no credentials anyone could copy.
    const link = agent.locator('.panel-main a.tl-file').filter({ hasText: 'error.png' });
    expect(await link.getAttribute('href')).toMatch(/^blob:/);
    expect(await agent.locator('.panel-main .tl-list').innerHTML()).not.toContain(app.keys.secretKey);
    expect(await shown.getAttribute('src')).toBe(await link.getAttribute('href'));
    await expect.poll(() => visitor.locator('.sw-chat img.tl-file-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
  });

  it('resolves the conversation: the visitor sees it and is offered the stars', async () => {
    await agent.locator('[data-action="resolve"]').click();
    await seeText(visitorItems(), 'Conversation resolved');
    await visitor.locator('[data-testid="rating-prompt"]').waitFor();
    await screenshot(visitor, 'widget-resolved');
    await visitor.locator('.sw-star[data-score="5"]').click();
    await visitor.locator('.tl-rating').waitFor();
    await visitor.locator('[data-testid="rating-prompt"]').waitFor({ state: 'detached' });
    await agent.locator('[data-action="reopen"]').waitFor();
  });

  it('reopens the conversation in the inbox when the visitor writes again', async () => {
    await send(visitor, 'Sorry, one more thing about exporting my notes.');
    await seeText(inboxItems(), 'one more thing about exporting');
    await seeText(inboxItems(), 'Conversation reopened');
    await agent.locator('[data-action="resolve"]').waitFor();
    expect(await agent.locator('.panel-header [data-testid="status"]').textContent()).toBe('open');
    await agent.locator('select[name="handler"]').selectOption('all');
    await screenshot(agent, 'inbox');
  });

  it('lists those steps in order on the audit page, which the inbox opens signed in, in a tab beside it', async () => {
    const [audit] = await Promise.all([agentContext.waitForEvent('page'), agent.getByRole('link', { name: 'Audit trail' }).click()]);
    await audit.locator('.audit-entry').first().waitFor();
    expect(audit.url()).toBe(`${app.url}/audit/${encodeURIComponent(conversationId)}`);
    const entries = await audit.locator('.audit-entry').evaluateAll((nodes) =>
      nodes.map((node) => ({ kind: node.getAttribute('data-kind'), text: node.querySelector('.audit-title')?.textContent ?? '' })),
    );
    const position = (kind: string, title: string | RegExp, after = -1) =>
      entries.findIndex((entry, i) => i > after && entry.kind === kind && entry.text.match(title) !== null);
    const firstMessage = position('signal_received', /itemAdded/);
    const modelCall = position('activity_completed', /AI model call/, firstMessage);
    const join = position('update_completed', /join/, modelCall);
    const resolve = position('update_completed', /resolve/, join);
    const writesAgain = position('signal_received', /itemAdded/, resolve);
    expect([firstMessage, modelCall, join, resolve, writesAgain].every((i) => i >= 0)).toBe(true);
    // A model call's scheduling shows how it ended, and times carry their date.
    expect(await audit.locator('.audit-entry[data-kind="activity_scheduled"][data-group="ai"] .audit-outcome').first().textContent()).toBe('completed');
    expect(await audit.locator('.audit-time').first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, /);
    await screenshot(audit, 'audit');

    await audit.locator('.audit-chip input[data-group="ai"]').uncheck();
    expect(await audit.locator('.audit-entry[data-group="ai"]').count()).toBe(0);
    await audit.locator('.audit-chip input[data-group="ai"]').check();
    await audit.locator('.audit-entry[data-group="ai"] .audit-raw summary').first().click();
    expect(await audit.locator('.audit-entry[data-group="ai"] .audit-raw pre').first().textContent()).toContain('"kind"');
    await audit.close();
    // The inbox is as the agent left it, the conversation still open.
    await seeText(inboxItems(), 'one more thing about exporting');
  });

  it('fits a phone-sized screen', async () => {
    await visitor.setViewportSize(PHONE);
    await screenshot(visitor, 'widget-phone');
    await agent.setViewportSize(PHONE);
    await agent.goto(`${app.url}/inbox`);
    await agent.locator(`.row[data-conversation-id="${conversationId}"]`).click();
    await seeText(inboxItems(), 'one more thing about exporting');
    await screenshot(agent, 'inbox-phone');
    const overflow = await agent.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
  });

  it('lets the agent take the assignee off, on a phone from the conversation\'s details', async () => {
    await agent.getByRole('button', { name: 'Details' }).click();
    const unassign = agent.locator('[data-action="unassign"]');
    expect(await unassign.textContent()).toBe('Unassign Alex (Support)');
    await unassign.click();
    await unassign.waitFor({ state: 'detached' });
    await agent.getByRole('button', { name: 'Details' }).click(); // Back to the conversation.
    await seeText(agent.locator('.tl-system'), 'Alex (Support) was unassigned');
  });

  it('lets the agent add a person to the team, change their teams, and remove them', async () => {
    await agent.setViewportSize(DESKTOP);
    /** A change to a person made over the API, as another tab or the backend would (again if the server asks: a team change under way meanwhile). */
    const changeElsewhere = (id: string, fields: object) =>
      expect
        .poll(async () => {
          const answer = await fetch(`${app.url}/v1/team/members/${id}`, {
            method: 'PATCH',
            headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': AGENT_ID, 'Content-Type': 'application/json' },
            body: JSON.stringify(fields),
          });
          return answer.status === 200 ? 200 : `${answer.status} ${await answer.text()}`;
        })
        .toBe(200);
    const member = async (id: string) =>
      (await fetch(`${app.url}/v1/team/members/${id}`, { headers: { Authorization: `Bearer ${app.keys.secretKey}` } }).then((r) => r.json())) as { member?: { teams: string[] } };
    await agent.locator('[data-action="team"]').click();
    const add = agent.locator('.team-add form');
    await add.locator('input[name="name"]').fill('Sam Rivera');
    await add.locator('input[name="teams"]').fill('support, billing');
    await add.getByRole('button', { name: 'Add' }).click();
    const sam = agent.locator('.team-row').filter({ hasText: 'Sam Rivera' });
    await sam.waitFor();
    const id = (await sam.getAttribute('data-member-id'))!;
    expect((await member(id)).member?.teams).toEqual(['support', 'billing']);

    const samsTeams = sam.locator('input[name="teams"]');
    await samsTeams.fill('billing');
    // Meanwhile Sam's record changes elsewhere (another tab): the row is drawn again, with the edit in it.
    await changeElsewhere(id, { capacity: 7 });
    await expect.poll(() => sam.locator('input[name="capacity"]').inputValue()).toBe('7');
    expect(await samsTeams.inputValue()).toBe('billing');
    await sam.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await member(id)).member?.teams).toEqual(['billing']);
    await screenshot(agent, 'team');

    // Sam, added after the visitor's widget loaded, writes to the visitor: the widget learns the name.
    const write = () =>
      fetch(`${app.url}/v1/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': id, 'Content-Type': 'application/json' },
        body: JSON.stringify({ conversationId, item: { id: `${id}-hello`, type: 'message', text: 'Sam here, from billing' } }),
      }).then((r) => r.status);
    await expect.poll(write).toBe(201);
    await seeText(visitorItems(), 'Sam Rivera joined');

    // Alex is the only one in the technical team, which the routing rules name: the server refuses, and the page says why.
    const alex = agent.locator(`.team-row[data-member-id="${AGENT_ID}"]`);
    await alex.locator('input[name="teams"]').fill('support, billing');
    await alex.getByRole('button', { name: 'Save' }).click();
    await seeText(agent.locator('.toast'), 'change the routing rules first');

    // Someone else changes the team meanwhile (here over the API): the page shows it, and keeps Sam's edit in progress.
    await sam.locator('input[name="teams"]').fill('billing, technical');
    await changeElsewhere(AGENT_ID, { capacity: 12 });
    await expect.poll(() => alex.locator('input[name="capacity"]').inputValue()).toBe('12');
    expect(await sam.locator('input[name="teams"]').inputValue()).toBe('billing, technical');

    agent.once('dialog', (dialog) => void dialog.accept());
    await sam.getByRole('button', { name: 'Remove' }).click();
    await sam.waitFor({ state: 'detached' });
    expect((await member(id)).member).toBeUndefined();
    // The visitor's widget, loaded again, still names Sam in the conversation.
    await visitor.reload();
    await visitor.locator('.sw-launcher').click();
    await widget().locator(`.sw-conversation[data-conversation-id="${conversationId}"]`).click();
    await seeText(visitorItems(), 'Sam Rivera left');
    await seeText(visitorItems(), 'Sam Rivera joined');
  });

  it('lets a person sign in with a member token their backend made, and signing out revokes it', async () => {
    const made = await fetch(`${app.url}/v1/team/members/${AGENT_ID}/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.keys.secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expiresInSeconds: 600 }),
    });
    const { token } = (await made.json()) as { token: string };
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${app.url}/inbox`);
    await page.locator('input[name="key"]').fill(token);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The token says who it is: no one to pick.
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    expect(await page.locator('.topbar-me').textContent()).toBe('Alex (Support)');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name="key"]').waitFor();
    const afterwards = await fetch(`${app.url}/v1/team/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(afterwards.status).toBe(401);
  });
});
