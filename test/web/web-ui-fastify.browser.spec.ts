import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { KarafkaWebModule } from '../../lib/web/index.js';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';
import { launchBrowser, screenshot, watchedPage } from './browser.js';

const HOSTILE = '<script>alert("xss-script")</script>"><img src=x onerror=alert("xss-img")>';

const payments = uniqueName('webfy-payments');
const topics = {
  reports: uniqueName('webfy-reports'),
  samples: uniqueName('webfy-samples'),
  history: uniqueName('webfy-history'),
  errors: uniqueName('webfy-errors'),
  commands: uniqueName('webfy-commands'),
};
const consumed: string[] = [];

@Consumer(payments, { batch: true })
class PaymentsConsumer extends BaseConsumer<unknown> {
  consume(messages: Messages<unknown>): void {
    for (const message of messages) consumed.push(message.raw?.toString() ?? '');
  }
}

@Module({
  imports: [
    KarafkaModule.forRoot({
      clientId: uniqueName('webfy'),
      kafka: { brokers: kafkaBrokers() },
      logger: false,
      initialOffset: 'earliest',
    }),
    KarafkaWebModule.forRoot({ path: 'ops/karafka', commands: true, interval: 300, topics }),
  ],
  providers: [PaymentsConsumer],
})
class FastifyWebModule {}

let app: NestFastifyApplication;
let browser: Browser;
let base: string;
let origin: string;
let page: Page;
let incidents: string[];

beforeAll(async () => {
  await createTopic(payments, 1);
  app = await NestFactory.create<NestFastifyApplication>(FastifyWebModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  await app.get(KarafkaServer).start();
  origin = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace(/\/$/, '');
  base = `${origin}/ops/karafka`;
  browser = await launchBrowser();
  ({ page, incidents } = await watchedPage(browser, origin));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const text = (selector: string) => page.locator(selector).innerText();

describe('Karafka Web mounted in a Nest app on Fastify, in a real browser', () => {
  it('serves every page with its stylesheet under the security headers', async () => {
    await produceRaw(payments, [
      { value: `{"amount":12}`, key: HOSTILE, headers: { note: HOSTILE } },
    ]);
    await eventually(() => consumed.length >= 1, 30_000, 'payment consumed');
    await eventually(
      async () => {
        await page.goto(base);
        return (await text('#card-partitions')).startsWith('1');
      },
      30_000,
      'the process reported its partition',
    );
    const response = await page.goto(base);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    // The stylesheet loaded (a 404 or a CSP block would be an incident or leave it unstyled).
    expect(await page.evaluate("getComputedStyle(document.querySelector('header')).display")).toBe(
      'flex',
    );
    for (const [nav, heading] of [
      ['Processes', 'Processes'],
      ['Routing', 'Routing'],
      ['Consumer groups', 'Consumer groups'],
      ['Errors', 'Errors'],
      ['Dead letters', 'Dead letters'],
      ['Explorer', 'Explorer'],
      ['Dashboard', 'Dashboard'],
    ] as const) {
      await page.click(`header >> text=${nav}`);
      expect(await text('main h1')).toBe(heading);
    }
    await screenshot(page, 'fastify-explorer');
    expect(incidents).toEqual([]);
  });

  it('explorer: topic -> partition -> message, hostile key and headers shown as text', async () => {
    await page.goto(`${base}/explorer`);
    await page.click(`text=${payments}`);
    await page.click('main table >> text=0 >> nth=0');
    await page.locator('.message-row a').first().click();
    expect(await text('#payload')).toBe('{\n  "amount": 12\n}');
    expect(await text('#message-key')).toContain(HOSTILE);
    expect(await text('#message-headers')).toContain(HOSTILE);
    expect(await page.locator('main img, main script, body script').count()).toBe(0);
    await screenshot(page, 'fastify-message');
    expect(incidents).toEqual([]);
  });

  it('commands: pause and resume from the browser (a form POST with its CSRF token)', async () => {
    const partition = () =>
      app
        .get(KarafkaServer)
        .snapshot()
        .groups[0]!.partitions.find((p) => p.topic === payments)!;
    await page.goto(`${base}/health`);
    await page.click(`#partition-${payments}-0 >> button:text("Pause")`);
    expect(await text('#flash')).toContain('Command sent');
    await eventually(() => partition().pausedByConsumer === true, 30_000, 'paused');
    await eventually(
      async () => {
        await page.goto(`${base}/health`);
        return (await text(`#partition-${payments}-0 .state`)) === 'paused';
      },
      30_000,
      'paused in the UI',
    );
    await page.click(`#partition-${payments}-0 >> button:text("Resume")`);
    await eventually(() => partition().pausedByConsumer !== true, 30_000, 'resumed');
    expect(incidents).toEqual([]);
  });

  it('refuses a POST without the CSRF token', async () => {
    const response = await fetch(`${base}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        process: 'x',
        group: 'g',
        topic: payments,
        partition: '0',
        action: 'pause',
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('CSRF');
  });
});
