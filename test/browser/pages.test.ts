/**
 * The pages as their users meet them, beyond the journey: what a visitor and an agent see and can
 * do when things happen at awkward moments (files, sends under way, reconnects, two tabs).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { startTestApp } from './support/app';
import { solidPng } from '../support/png';

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

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${app.url}/inbox#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator(`[data-member-id="${AGENT_ID}"]`).click();
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
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
});
