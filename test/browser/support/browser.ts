/** Debian's Chromium, driven by playwright-core (no browser download is possible on these machines). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM_PATH);
export const CHROMIUM_MISSING_MESSAGE = 'Chromium not installed: apt-get install -y chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/**
 * Chromium as a person has it: its pages are tabs of one window, and a tab behind the one in front
 * is hidden (`document.visibilityState` is "hidden" and it draws no animation frames). The browser
 * Playwright launches keeps every page shown (its focus emulation); one it connects to with
 * `noDefaults` is left as it is, in the context it starts with. `newPage` opens a tab in front,
 * `bringToFront` shows a tab again.
 */
export async function launchChromiumWithTabs(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(tmpdir(), 'support-chromium-'));
  const running = spawn(CHROMIUM_PATH, [...ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--no-first-run', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => running.once('exit', resolve));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let said = '';
    running.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const listening = /DevTools listening on (ws:\/\/\S+)/.exec(said);
      if (listening) resolve(listening[1]!);
    });
    void exited.then(() => reject(new Error(`Chromium exited before listening: ${said}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  const context = browser.contexts()[0]!;
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await browser.close();
      running.kill();
      await exited;
      // Chromium's helper processes may still be writing the profile as the browser's own exits: a removal then meets ENOTEMPTY, and is tried again.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
