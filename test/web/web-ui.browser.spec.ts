import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { KarafkaWebModule } from '../../lib/web/index.js';
import { WebUiService } from '../../lib/web/web-ui.service.js';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';
import { launchBrowser, screenshot, watchedPage } from './browser.js';

const SCRIPT = '<script>alert("xss-script")</script>';
const IMG = '"><img src=x onerror=alert("xss-img")>';

const orders = uniqueName('web-orders');
const deadLetters = uniqueName('web-orders-dlq');
const topics = {
  reports: uniqueName('web-reports'),
  samples: uniqueName('web-samples'),
  history: uniqueName('web-history'),
  errors: uniqueName('web-errors'),
  commands: uniqueName('web-commands'),
};
const consumed: Array<{ partition: number; value: string; replayed: boolean }> = [];

@Consumer(orders, { batch: true, deadLetter: { topic: deadLetters, maxRetries: 0 } })
class OrdersConsumer extends BaseConsumer<unknown> {
  consume(messages: Messages<unknown>): void {
    for (const message of messages) {
      const value = message.raw?.toString() ?? '';
      const replayed = message.headers.karafka_replayed_from !== undefined;
      // A poison message fails (its error message carries the hostile text) until replayed.
      if (value.includes('poison') && !replayed) throw new Error(`cannot take ${value}`);
      consumed.push({ partition: message.partition, value, replayed });
    }
  }
}

@Module({
  imports: [
    KarafkaModule.forRoot({
      clientId: uniqueName('web'),
      kafka: { brokers: kafkaBrokers() },
      logger: false,
      initialOffset: 'earliest',
    }),
    KarafkaWebModule.forRoot({ path: 'karafka', commands: true, interval: 300, topics }),
  ],
  providers: [OrdersConsumer],
})
class WebAppModule {}

let app: INestApplication;
let browser: Browser;
let base: string;
let origin: string;
let page: Page;
let incidents: string[];

beforeAll(async () => {
  await createTopic(orders, 2);
  await createTopic(deadLetters, 1);
  app = await NestFactory.create(WebAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  await app.get(KarafkaServer).start();
  const { port } = app.getHttpServer().address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  base = `${origin}/karafka`;
  browser = await launchBrowser();
  ({ page, incidents } = await watchedPage(browser, origin));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Reloads `path` until `check` holds (reports arrive every 300 ms). */
async function until(path: string, check: () => Promise<boolean>, what: string): Promise<void> {
  await eventually(
    async () => {
      await page.goto(`${base}${path}`);
      return check();
    },
    30_000,
    what,
  );
}

const text = (selector: string) => page.locator(selector).innerText();

describe('Karafka Web in a real browser, against the live app and broker', () => {
  it('shows the process, its partitions and the routes on every page', async () => {
    await produceRaw(orders, [
      { value: '{"id":1}', partition: 0 },
      { value: '{"id":2}', partition: 1 },
    ]);
    await eventually(() => consumed.length >= 2, 30_000, 'two orders consumed');
    await until('/', async () => (await text('#card-partitions')).startsWith('2'), 'dashboard');
    expect(await text('#card-processes')).toMatch(/^1\s/);
    await screenshot(page, 'dashboard');

    // The week per hour comes from the history topic the process keeps its hourly totals in.
    await until(
      '/?range=week',
      async () => /consumed \/ h — [1-9]/.test(await text('.charts')),
      'hourly history',
    );
    expect(await text('#history-range')).toBe('Last week, per hour');
    await page.click('#range-day');
    expect(await text('#history-range')).toBe('Last day, per minute');
    expect(await text('.charts')).toMatch(/consumed \/ min — [1-9]/);
    await screenshot(page, 'dashboard-week');

    await page.click('header >> text=Processes');
    expect(await page.locator('.process-row').count()).toBe(1);
    expect(await text('.process-row td:nth-child(11)')).toBe('2'); // partitions
    await page.click('.process-row a');
    const processes = await text('main');
    expect(processes).toContain(orders);
    expect(processes).toMatch(/running/);
    await screenshot(page, 'processes');

    await page.click('header >> text=Routing');
    expect(await text('#flow')).toContain(`${orders} =>\n  - ${deadLetters}: (dead letters)`);
    expect(await text('main table')).toContain('OrdersConsumer');
    // The flow drawn as an SVG diagram (laid out on the server), each topic a link to the explorer.
    expect(await page.locator('#flow-diagram .flow-node').count()).toBe(2);
    expect(await page.locator('#flow-diagram').textContent()).toContain('dead letters');
    await screenshot(page, 'routing');
    await page.click('#flow-diagram .flow-routed');
    expect(await text('main h1')).toBe(`Explorer: ${orders}`);

    await page.click('header >> text=Consumer groups');
    expect(await text(`#partition-${orders}-0`)).toContain('running');
    await screenshot(page, 'consumer-groups');
    expect(incidents).toEqual([]);
  });

  it('explorer: topic -> partition -> message, payload pretty-printed, raw and hex', async () => {
    await page.goto(`${base}/explorer`);
    await page.click(`text=${orders}`);
    await page.click(`main table >> text=0 >> nth=0`);
    await page.locator('.message-row a').first().click();
    expect(await text('#payload')).toBe('{\n  "id": 1\n}');
    await page.click('text=hex');
    expect(await text('#payload')).toContain('7b 22 69 64 22 3a 31 7d');
    await screenshot(page, 'explorer-message');
    expect(incidents).toEqual([]);
  });

  it('escapes hostile payloads, headers and error messages: nothing executes', async () => {
    const hostile = `${SCRIPT}${IMG}`;
    await produceRaw(orders, [
      { value: `poison ${hostile}`, key: hostile, partition: 0, headers: { evil: hostile } },
    ]);
    // The poison message fails once and goes to the dead letter topic; its error is reported.
    await eventually(
      () => consumed.length > 0 && app.get(WebUiService).data.state.errors().length > 0,
      30_000,
      'error in state',
    );
    await until('/errors', async () => (await page.locator('.error-row').count()) > 0, 'error');
    expect(await text('main')).toContain(`cannot take poison ${hostile}`);
    await screenshot(page, 'errors');
    // The error links to its partition, from the first message the failed call had not processed.
    await page.locator('.error-row .error-message-link').first().click();
    const failed = await text('.message-row >> nth=0');
    expect(failed).toMatch(/^1\s/);
    expect(failed).toContain('poison');
    await until(
      `/explorer/${orders}/0?offset=0`,
      async () => (await page.locator('.message-row').count()) >= 2,
      'explorer rows',
    );
    await page.locator('.message-row a').nth(1).click();
    expect(await text('#message-headers')).toContain(hostile);
    expect(await text('#message-key')).toContain(hostile);
    expect(await text('#payload')).toContain(hostile);
    // The hostile markup is text: no element was made of it.
    expect(await page.locator('main img, main script, body script').count()).toBe(0);
    await screenshot(page, 'explorer-hostile');
    expect(incidents).toEqual([]);
  });

  it('dead letters: lists the poison message with where it came from, replay sends it back', async () => {
    await until(
      `/dead-letters`,
      async () => (await text('main')).includes(deadLetters),
      'dead letter topic',
    );
    await page.click(`main >> text=${deadLetters}`);
    await until(
      `/dead-letters/${deadLetters}`,
      async () => (await page.locator('.dead-letter-row').count()) === 1,
      'dead letter',
    );
    expect(await text('.dead-letter-row')).toContain(`${orders} / 0 @ 1`);
    expect(await text('.dead-letter-row')).toContain('cannot take poison');
    await screenshot(page, 'dead-letters');
    await page.click('.dead-letter-row >> button:text("Replay")');
    expect(await text('#flash')).toContain('replayed');
    expect(await page.locator('.dead-letter-row').count()).toBe(0);
    await eventually(
      () => consumed.some((c) => c.replayed),
      30_000,
      'the replayed message consumed',
    );
    expect(consumed.find((c) => c.replayed)!.value).toContain('poison');
    expect(incidents).toEqual([]);
  });

  it('commands: pause and resume a partition from the browser, applied in the live process', async () => {
    const server = app.get(KarafkaServer);
    const partitionZero = () =>
      server.snapshot().groups[0]!.partitions.find((p) => p.topic === orders && p.partition === 0)!;
    await page.goto(`${base}/health`);
    await page.click(`#partition-${orders}-0 >> button:text("Pause")`);
    expect(await text('#flash')).toContain('Command sent');
    await eventually(
      () => partitionZero().pausedByConsumer === true,
      30_000,
      'paused in the process',
    );
    await until(
      '/health',
      async () => (await text(`#partition-${orders}-0 .state`)) === 'paused',
      'paused in the UI',
    );
    await screenshot(page, 'paused');

    const before = consumed.length;
    await produceRaw(orders, [{ value: '{"id":"while-paused"}', partition: 0 }]);
    await until(
      '/health',
      async () => (await text(`#partition-${orders}-0`)).includes('paused'),
      'still paused',
    );
    expect(consumed.length).toBe(before);

    await page.click(`#partition-${orders}-0 >> button:text("Resume")`);
    await eventually(
      () => consumed.some((c) => c.value.includes('while-paused')),
      30_000,
      'consumed after resume',
    );
    await until(
      '/health',
      async () => (await text(`#partition-${orders}-0 .state`)) === 'running',
      'running in the UI',
    );
    expect(incidents).toEqual([]);
  });

  it('commands: seek a partition back from the browser, the process consumes from there again', async () => {
    const before = consumed.length;
    await page.goto(`${base}/health`);
    await page.fill(`#partition-${orders}-1 input[name=offset]`, '0');
    await page.click(`#partition-${orders}-1 >> button:text("Seek")`);
    expect(await text('#flash')).toContain('Command sent');
    await eventually(
      () => consumed.slice(before).some((c) => c.partition === 1 && c.value === '{"id":2}'),
      30_000,
      'partition 1 consumed again from offset 0',
    );
    expect(incidents).toEqual([]);
  });

  it('refuses a POST without the CSRF token', async () => {
    const response = await fetch(`${base}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        process: 'x',
        group: 'g',
        topic: orders,
        partition: '0',
        action: 'pause',
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('CSRF');
  });
});
