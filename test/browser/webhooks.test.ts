/**
 * Webhooks on the inbox's Settings page, for an admin: adding an endpoint shows its signing secret
 * once (the one deliveries are signed with), its deliveries list each attempt and what became of
 * it, one can be sent again, a new secret replaces the old, and Delete asks first.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { verifies } from '../server/support/webhook-clients';
import { WebhookReceiver } from '../server/support/webhook-receiver';
import { startTestApp } from './support/app';
import { chromiumMissing, CHROMIUM_MISSING_MESSAGE, launchChromium } from './support/browser';
import { signInToInbox } from './support/inbox';

describe.skipIf(chromiumMissing)(chromiumMissing ? CHROMIUM_MISSING_MESSAGE : 'webhooks in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let admin: Page;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    // The receiver is on 127.0.0.1, over http:.
    app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    await receiver.up();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    admin = await context.newPage();
    await signInToInbox(admin, app);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver.down();
    await app?.close();
  });

  const overApi = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const answer = await fetch(`${app.url}/v1${path}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: answer.status, body: answer.status === 204 ? undefined : ((await answer.json()) as any) };
  };
  const asAdmin = () => ({ Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': 'agent_alex' });

  it('adds an endpoint, shows its secret once, lists its deliveries, sends one again, renews the secret and deletes it after asking', async () => {
    await admin.locator('[data-action="settings"]').click();
    const section = admin.locator('[data-testid="webhooks"]');
    await section.getByText('No endpoints').waitFor();

    await section.getByLabel('URL').fill(receiver.url);
    await section.getByRole('checkbox', { name: 'note.created' }).check();
    await section.getByLabel('Description (optional)').fill('Our CRM');
    await section.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await section.getByTestId('webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const row = section.locator('.webhook-row', { hasText: receiver.url });
    await row.getByText('message.created, note.created').waitFor();
    await row.getByText('Our CRM').waitFor();
    // Its deliveries, open before anything was sent to it.
    await row.getByRole('button', { name: `Deliveries to ${receiver.url}` }).click();
    await row.getByText('Nothing was sent to it this past week.').waitFor();
    // A URL the server refuses: said as what was being done, with the reason.
    await section.getByLabel('URL').fill('ftp://files.example.com/hook');
    await section.getByRole('button', { name: 'Add endpoint' }).click();
    await admin.getByRole('alert').filter({ hasText: /^Couldn't add the endpoint: .*https?:/ }).waitFor();
    await section.getByLabel('URL').fill('');

    // A visitor writes: the receiver gets the message, signed with the secret the page showed.
    const visitorId = (await overApi('GET', '/websites', { 'X-Public-Key': app.keys.publicKey })).body.visitor.id as string;
    const visitor = { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId };
    expect((await overApi('POST', '/conversations', visitor, { conversationId: 'hooked-1', defaultTimelineItems: [{ type: 'message', text: 'Where is my order?' }] })).status).toBe(201);
    // The visitor's message (the assistant may answer it too: its reply is another event).
    const asked = () => receiver.events('message.created', (data) => data.item.text === 'Where is my order?');
    await expect.poll(() => asked().length, { timeout: 10_000 }).toBe(1);
    const [first] = asked();
    expect(verifies(secret, first!.headers['webhook-signature'] as string, first!.body)).toBe(true);

    // The open list follows by itself (nobody presses Refresh): the attempt shows, delivered.
    const attempts = row.locator(`.webhook-attempts tbody tr[data-event-id="${first!.event.id}"]`);
    await attempts.waitFor();
    // Its headings whole, each on one line, not cut inside a word, also on a phone.
    await admin.setViewportSize({ width: 390, height: 844 });
    const headingLines = await row.locator('.webhook-attempts th').evaluateAll((cells) =>
      cells.filter((cell) => !cell.querySelector('.sr-only')).map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      }),
    );
    expect(headingLines).toEqual([1, 1, 1, 1, 1]);
    await admin.setViewportSize({ width: 1280, height: 900 });
    expect(await attempts.innerText()).toMatch(/message\.created\s+1\s+200\s+Delivered/);

    await attempts.getByRole('button', { name: `Send again: message.created ${first!.event.id}` }).click();
    await admin.getByRole('status').filter({ hasText: 'message.created is being sent again.' }).waitFor();
    await expect.poll(() => asked().length, { timeout: 10_000 }).toBe(2);
    expect(asked()[1]!.event.id).toBe(first!.event.id);
    // The row pressed is no longer its event's latest: the focus moves to the new one's Send again.
    const eventRows = row.locator(`.webhook-attempts tbody tr[data-event-id="${first!.event.id}"]`);
    await expect.poll(() => eventRows.count()).toBe(2);
    await expect.poll(() => eventRows.first().getByRole('button', { name: /^Send again/ }).evaluate((button) => button === document.activeElement)).toBe(true);
    // The form is ready for the next endpoint, message.created checked again.
    expect(await section.getByRole('checkbox', { name: 'message.created' }).isChecked()).toBe(true);

    // A new secret, after asking: deliveries from then on are signed with it.
    await row.getByRole('button', { name: `New secret for ${receiver.url}` }).click();
    await section.getByRole('button', { name: 'Yes, new secret' }).click();
    await expect.poll(() => section.getByTestId('webhook-secret').textContent()).not.toBe(secret);
    const renewed = (await section.getByTestId('webhook-secret').textContent())!;
    expect(renewed).toMatch(/^whsec_/);
    expect((await overApi('POST', '/messages', visitor, { conversationId: 'hooked-1', item: { type: 'message', text: 'Still there?' } })).status).toBe(201);
    await expect.poll(() => receiver.events('message.created', (data) => data.item.text === 'Still there?').length, { timeout: 10_000 }).toBe(1);
    const later = receiver.events('message.created', (data) => data.item.text === 'Still there?')[0]!;
    expect(verifies(renewed, later.headers['webhook-signature'] as string, later.body)).toBe(true);
    expect(verifies(secret, later.headers['webhook-signature'] as string, later.body)).toBe(false);
    // The deliveries list, open all along, shows its attempt too.
    await row.locator(`.webhook-attempts tbody tr[data-event-id="${later.event.id}"][data-outcome="delivered"]`).waitFor();

    await row.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    await row.getByText(`Delete ${receiver.url}?`).waitFor();
    expect((await overApi('GET', '/webhooks', asAdmin())).body.webhooks).toHaveLength(1);
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await section.getByText('No endpoints').waitFor();
    expect((await overApi('GET', '/webhooks', asAdmin())).body.webhooks).toEqual([]);
    // The deleted endpoint's secret is shown no more; the focus is on the section's heading.
    expect(await section.getByTestId('webhook-secret').count()).toBe(0);
    expect(await section.getByRole('heading', { name: 'Webhooks' }).evaluate((heading) => heading === document.activeElement)).toBe(true);
  });

  it("follows another admin's changes while the Settings page is open, without a reload", async () => {
    const colleague = await admin.context().newPage();
    await signInToInbox(colleague, app);
    await colleague.locator('[data-action="settings"]').click();
    const section = colleague.locator('[data-testid="webhooks"]');
    await section.getByText('No endpoints').waitFor();
    const made = await overApi('POST', '/webhooks', asAdmin(), { url: 'https://hooks.example.com/crm', events: ['message.created'] });
    expect(made.status).toBe(201);
    const row = section.locator(`.webhook-row[data-webhook-id="${made.body.webhook.id}"]`);
    await row.getByText('message.created').waitFor();
    expect((await overApi('PATCH', `/webhooks/${made.body.webhook.id}`, asAdmin(), { events: ['note.created'], description: 'Our CRM' })).status).toBe(200);
    await row.getByText('Our CRM').waitFor();
    expect(await row.locator('.webhook-types').textContent()).toBe('note.created');
    // Deleted while the keyboard rests on one of its buttons: focus goes to the section's heading, not the page's start.
    await row.getByRole('button', { name: 'Deliveries to https://hooks.example.com/crm' }).focus();
    expect((await overApi('DELETE', `/webhooks/${made.body.webhook.id}`, asAdmin())).status).toBe(204);
    await section.getByText('No endpoints').waitFor();
    await expect.poll(() => section.getByRole('heading', { name: 'Webhooks' }).evaluate((heading) => heading === document.activeElement)).toBe(true);
  });
});
