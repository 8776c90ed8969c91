import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); CHROMIUM_PATH overrides. Never a downloaded build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of the web tests, kept as artifacts (git-ignored). */
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'web');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/**
 * Opens a page and fails the test on anything that would mean a script ran: a dialog, a
 * console message, a page error, or a request leaving the UI (an injected `<img src>`).
 */
export async function watchedPage(
  browser: Browser,
  origin: string,
): Promise<{ page: Page; incidents: string[] }> {
  const page = await browser.newPage();
  const incidents: string[] = [];
  page.on('dialog', (dialog) => {
    incidents.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => incidents.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) incidents.push(`request to ${request.url()}`);
  });
  page.on('console', (message) => incidents.push(`console: ${message.text()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) incidents.push(`${response.status()} for ${response.url()}`);
  });
  return { page, incidents };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
