import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STYLESHEET } from './assets.js';
import type { ReportedRoute } from '../tracking/process-report.js';
import { flowGraph, flowMermaid, flowSvg, loadDagre } from './flow-diagram.js';
import { escapeHtml, type SafeHtml } from './html.js';
import { deadLettersPage, deadLetterTopicPage } from './pages/dead-letters.page.js';
import { dashboardPage, historyRange } from './pages/dashboard.page.js';
import { errorsPage } from './pages/errors.page.js';
import {
  explorerMessagePage,
  explorerPartitionPage,
  explorerTopicPage,
  explorerTopicsPage,
} from './pages/explorer.page.js';
import { healthPage, healthQuery } from './pages/health.page.js';
import { dashboardHref, type PageContext } from './pages/layout.js';
import { decodedPreview, type PayloadView } from './pages/payload-view.js';
import type { PayloadDecoder } from './payload-decoder.js';
import { processesPage, processPage } from './pages/processes.page.js';
import { routingPage } from './pages/routing.page.js';
import { WebActionError, type WebData } from './web-data.js';

/** How the request handler behaves (from `KarafkaWebOptions` or the CLI's flags). */
export interface WebAppSettings {
  /** Mount path, e.g. `/karafka` ('' at the root). */
  base: string;
  commands: boolean;
  readOnly: boolean;
  authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Decodes payloads with the routes' deserializers (the Nest module; none standalone). */
  decoder?: PayloadDecoder;
}

const CSRF_COOKIE = 'karafka_web_csrf';
const PAGE_SIZE = 25;
const DONE: Record<string, string> = {
  command:
    'Command sent to the owning process; the partition state below updates once it applied it.',
  replayed: 'Message replayed to its original topic and marked read.',
  skipped: 'Message marked read.',
};
// No script runs on these pages: the CSP forbids any, a second wall behind the escaping.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The web UI as one Node request handler, the same for the Nest module (Express or Fastify,
 * through the controller) and for `karafka web`: GET pages, POST actions with a CSRF token.
 */
export class WebApp {
  private flow?: { key: string; diagram: { svg?: SafeHtml; mermaid: string } };

  constructor(
    private readonly data: WebData,
    private readonly settings: WebAppSettings,
  ) {}

  /** Handles `path` (relative to the mount path, with its query) for this request. */
  async handle(
    req: IncomingMessage & { body?: unknown },
    res: ServerResponse,
    path: string,
  ): Promise<void> {
    try {
      if (this.settings.authorize && !(await this.settings.authorize(req))) {
        throw new HttpError(403, 'Not allowed.');
      }
      const url = new URL(path, 'http://web.invalid');
      const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (segments[0] === 'assets' && segments[1] === 'app.css') {
          res.writeHead(200, {
            'content-type': 'text/css; charset=utf-8',
            'cache-control': 'max-age=3600',
          });
          res.end(STYLESHEET);
          return;
        }
        const ctx = this.context(req, res, url);
        this.send(res, 200, await this.page(ctx, segments, url));
        return;
      }
      if (req.method === 'POST') {
        if (this.settings.readOnly) throw new HttpError(403, 'The web UI is read-only.');
        const form = await readForm(req);
        if (!validCsrf(cookie(req, CSRF_COOKIE), form.get('_csrf'))) {
          throw new HttpError(403, 'Missing or wrong CSRF token: reload the page and try again.');
        }
        const done = await this.act(segments, form);
        res.writeHead(303, {
          location: `${this.settings.base}/${done.to}${done.to.includes('?') ? '&' : '?'}done=${done.code}`,
        });
        res.end();
        return;
      }
      throw new HttpError(405, 'Method not allowed.');
    } catch (error) {
      const status =
        error instanceof HttpError ? error.status : error instanceof WebActionError ? 409 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
      }
      res.end(
        `<!doctype html><meta charset="utf-8"><title>${status}</title><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(dashboardHref(this.settings.base))}">Dashboard</a></p>`,
      );
    }
  }

  private context(req: IncomingMessage, res: ServerResponse, url: URL): PageContext {
    let csrf = cookie(req, CSRF_COOKIE);
    if (!csrf || !/^[a-f0-9]{32}$/.test(csrf)) {
      csrf = randomBytes(16).toString('hex');
      res.setHeader(
        'set-cookie',
        `${CSRF_COOKIE}=${csrf}; Path=${this.settings.base || '/'}; HttpOnly; SameSite=Strict`,
      );
    }
    return {
      base: this.settings.base,
      csrf,
      readOnly: this.settings.readOnly,
      commands: this.settings.commands && !this.settings.readOnly,
      now: Date.now(),
      flash: DONE[url.searchParams.get('done') ?? ''],
    };
  }

  private async page(ctx: PageContext, segments: string[], url: URL): Promise<string> {
    const { state } = this.data;
    const [page, topic, partition, offset] = segments;
    switch (page) {
      case undefined:
        return dashboardPage(ctx, state, historyRange(url.searchParams.get('range')));
      case 'processes': {
        if (topic === undefined) return processesPage(ctx, state);
        // The second segment is a process id here.
        const report = state.process(topic);
        if (!report) throw new HttpError(404, `No process ${topic} reported.`);
        return processPage(ctx, state, report);
      }
      case 'routing':
        return routingPage(ctx, state, await this.flowDiagram(state.routes(ctx.now)));
      case 'health':
        return healthPage(ctx, state, healthQuery(url.searchParams));
      case 'errors':
        return errorsPage(ctx, state);
      case 'dead-letters':
        return topic
          ? deadLetterTopicPage(ctx, topic, await this.data.unreadDeadLetters(topic, PAGE_SIZE))
          : deadLettersPage(ctx, await this.deadLetterTopics());
      case 'explorer':
        return this.explorer(ctx, topic, partition, offset, url);
      default:
        throw new HttpError(404, `No page ${segments.join('/')}.`);
    }
  }

  private async explorer(
    ctx: PageContext,
    topic: string | undefined,
    partition: string | undefined,
    offset: string | undefined,
    url: URL,
  ): Promise<string> {
    if (!topic) return explorerTopicsPage(ctx, await this.data.topicList());
    const ranges = await this.data.reader.ranges(topic).catch(() => {
      throw new HttpError(404, `No topic ${topic} in the cluster.`);
    });
    if (partition === undefined) return explorerTopicPage(ctx, topic, ranges);
    const range = ranges.find((r) => String(r.partition) === partition);
    if (!range) throw new HttpError(404, `${topic} has no partition ${partition}.`);
    if (offset !== undefined) {
      const at = parseOffset(offset);
      const [message] = await this.data.reader.read(topic, new Map([[range.partition, at]]), 1);
      if (!message || message.offset !== at.toString()) {
        throw new HttpError(404, `${topic}/${partition} has no message at offset ${offset}.`);
      }
      const param = url.searchParams.get('view');
      const view: PayloadView = param === 'raw' || param === 'hex' ? param : 'pretty';
      const decoding = view === 'pretty' ? await this.settings.decoder?.decode(message) : undefined;
      return explorerMessagePage(ctx, message, view, decoding, Boolean(this.settings.decoder));
    }
    let from: bigint;
    const time = url.searchParams.get('time');
    const wanted = url.searchParams.get('offset');
    if (time) {
      const ms = Date.parse(time.endsWith('Z') ? time : `${time}Z`);
      if (Number.isNaN(ms)) throw new HttpError(400, `Not a time: ${time}`);
      from = BigInt(await this.data.reader.offsetAt(topic, range.partition, ms));
    } else if (wanted) {
      from = parseOffset(wanted);
    } else {
      // The newest page by default.
      const high = BigInt(range.high);
      from =
        high - BigInt(PAGE_SIZE) > BigInt(range.low) ? high - BigInt(PAGE_SIZE) : BigInt(range.low);
    }
    const messages = await this.data.reader.read(
      topic,
      new Map([[range.partition, from]]),
      PAGE_SIZE,
    );
    const previews = new Map<string, string>();
    const { decoder } = this.settings;
    if (decoder) {
      await Promise.all(
        messages.map(async (m) => {
          const decoding = await decoder.decode(m);
          if (decoding && decoding.error === undefined) {
            previews.set(m.offset, decodedPreview(decoding.value));
          }
        }),
      );
    }
    return explorerPartitionPage(ctx, topic, range, from, messages, PAGE_SIZE, previews);
  }

  /** The flow diagram, laid out again only when the reported routes change. */
  private async flowDiagram(routes: ReportedRoute[]): Promise<{ svg?: SafeHtml; mermaid: string }> {
    const graph = flowGraph(routes);
    const key = JSON.stringify(graph);
    if (this.flow?.key === key) return this.flow.diagram;
    const dagre = graph.nodes.length ? await loadDagre() : undefined;
    const kafkaTopics = new Map(routes.map((r) => [r.topic, r.kafkaTopic]));
    const diagram = {
      mermaid: flowMermaid(graph),
      svg: dagre
        ? flowSvg(
            graph,
            dagre,
            // Routed topics link to their topic in Kafka (after the topic mapper).
            (topic) =>
              `${this.settings.base}/explorer/${encodeURIComponent(kafkaTopics.get(topic) ?? topic)}`,
          )
        : undefined,
    };
    this.flow = { key, diagram };
    return diagram;
  }

  private async deadLetterTopics() {
    const byTopic = new Map<string, string[]>();
    for (const route of this.data.state.routes()) {
      if (!route.deadLetterTopic) continue;
      byTopic.set(route.deadLetterTopic, [
        ...(byTopic.get(route.deadLetterTopic) ?? []),
        `${route.group}/${route.topic}`,
      ]);
    }
    const out = [];
    for (const [topic, routes] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) {
      const ranges = await this.data.reader.ranges(topic).catch(() => []);
      const read = ranges.length ? await this.data.readPositions(topic) : new Map<number, bigint>();
      let unread = 0;
      let total = 0;
      for (const r of ranges) {
        total += Number(BigInt(r.high) - BigInt(r.low));
        unread += Number(BigInt(r.high) - (read.get(r.partition) ?? BigInt(r.low)));
      }
      out.push({ topic, routes, unread, total });
    }
    return out;
  }

  private async act(
    segments: string[],
    form: URLSearchParams,
  ): Promise<{ to: string; code: string }> {
    const field = (name: string) => {
      const value = form.get(name);
      if (!value) throw new HttpError(400, `The form has no ${name}.`);
      return value;
    };
    if (segments[0] === 'commands' && segments.length === 1) {
      if (!this.settings.commands) {
        throw new HttpError(
          403,
          'Commands are off: KarafkaWebModule.forRoot({ commands: true }) turns them on.',
        );
      }
      const action = field('action');
      if (action !== 'pause' && action !== 'resume' && action !== 'seek') {
        throw new HttpError(400, `Unknown command ${action}: pause, resume or seek.`);
      }
      await this.data.sendCommand({
        process: field('process'),
        group: field('group'),
        topic: field('topic'),
        partition: Number(parseOffset(field('partition'))),
        action,
        offset: action === 'seek' ? parseOffset(field('offset')).toString() : undefined,
      });
      // Back to the same page of the consumer groups list (only a plain query string).
      const back = form.get('back') ?? '';
      return { to: `health${/^\?[\w.~%&=+-]*$/.test(back) ? back : ''}`, code: 'command' };
    }
    if (segments[0] === 'dead-letters' && segments.length === 3) {
      const topic = segments[1]!;
      const partition = Number(parseOffset(field('partition')));
      const offset = parseOffset(field('offset')).toString();
      const to = `dead-letters/${encodeURIComponent(topic)}`;
      if (segments[2] === 'replay') {
        await this.data.replayDeadLetter(topic, partition, offset);
        return { to, code: 'replayed' };
      }
      if (segments[2] === 'skip') {
        await this.data.skipDeadLetter(topic, partition, offset);
        return { to, code: 'skipped' };
      }
    }
    throw new HttpError(404, `No action ${segments.join('/')}.`);
  }

  private send(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    res.end(body);
  }
}

function parseOffset(value: string): bigint {
  if (!/^[0-9]{1,19}$/.test(value)) throw new HttpError(400, `Not an offset: ${value}`);
  return BigInt(value);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function validCsrf(expected: string | undefined, given: string | null): boolean {
  if (!expected || !given || expected.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** The form of a POST: already parsed by Express' urlencoded parser, or read here. */
async function readForm(req: IncomingMessage & { body?: unknown }): Promise<URLSearchParams> {
  const body = req.body;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string') params.set(key, value);
    }
    return params;
  }
  if (typeof body === 'string') return new URLSearchParams(body);
  if (req.readableEnded) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'Form too large.');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
