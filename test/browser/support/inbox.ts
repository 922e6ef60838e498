/** Signing a page in to the inbox, the way the link `npm start` prints does it. */
import type { Page } from 'playwright-core';
import type { RunningApp } from '../../../runtime/app';
import { DEFAULT_AGENT_ID } from '../../../runtime/seed';

/**
 * Opens the inbox (or an address of it, `/inbox?…`) with the secret key in the fragment, picks
 * `memberId`, and waits until the page's socket is open.
 */
export async function signInToInbox(page: Page, app: RunningApp, { address = '/inbox', memberId = DEFAULT_AGENT_ID } = {}): Promise<void> {
  await page.goto(`${app.url}${address}#secretKey=${encodeURIComponent(app.keys.secretKey)}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator(`[data-member-id="${memberId}"]`).click();
  await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
}
