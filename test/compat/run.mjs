/* global setTimeout, fetch, AbortSignal */
// The compatibility suite (`npm run test:compat`): the packed library in four apps made like
// `nest new` makes them (test/compat/apps), each installed from the tarball without
// --legacy-peer-deps, set up with `karafka install`, tested with its own runner, built with its
// own tsconfig and run against a real broker. One result line per app; exit 1 if any failed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const APPS = join(REPO, 'test/compat/apps');
const only = process.argv.slice(2);
const apps = [
  'cli11-commonjs-jest',
  'cli12-esm-vitest',
  'commonjs-nest12-jest',
  'esm-nest11-vitest',
].filter((app) => !only.length || only.includes(app));

function run(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-25);
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed:\n    ${output.join('\n    ')}`, {
      cause: error,
    });
  }
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

// What a user writes after `karafka install`: KarafkaServer connected in main.ts (README), a
// controller that produces, graceful shutdown that exits 0.
const PATTERN_TOPICS = { requests: 'compat.prices', events: 'compat.audit' };

function userCode(dir, esm) {
  const ext = esm ? '.js' : '';
  writeFileSync(
    join(dir, 'src/main.ts'),
    `import { NestFactory } from '@nestjs/core';
import { KarafkaServer } from 'nestjs-karafka';
import { AppModule } from './app.module${ext}';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
  app.connectMicroservice({ strategy: app.get(KarafkaServer) });
  await app.startAllMicroservices();
  await app.listen(process.env.PORT ?? 3000, '127.0.0.1');
}
${esm ? 'await bootstrap();' : 'bootstrap();'}
`,
  );
  writeFileSync(
    join(dir, 'src/events.controller.ts'),
    `import { Body, Controller, Post } from '@nestjs/common';
import { Producer } from 'nestjs-karafka';

@Controller('events')
export class EventsController {
  constructor(private readonly producer: Producer) {}

  @Post()
  async create(@Body() body: { id: string }) {
    return this.producer.produceSync({ topic: 'example', payload: body, key: body.id });
  }
}
`,
  );
  // Nest's own Kafka transport code, unchanged, on KarafkaServer: an @EventPattern and a
  // @MessagePattern handler, and a ClientKafka (this Nest major's) that calls them over Kafka.
  writeFileSync(
    join(dir, 'src/prices.controller.ts'),
    `import { Controller, Get, OnApplicationShutdown, Param } from '@nestjs/common';
import {
  ClientKafka,
  Ctx,
  EventPattern,
  KafkaContext,
  MessagePattern,
  Payload,
} from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

@Controller('prices')
export class PricesController implements OnApplicationShutdown {
  private readonly client = new ClientKafka({
    client: {
      clientId: 'compat-caller',
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    },
    consumer: { groupId: 'compat-caller' },
  });
  private connected?: Promise<unknown>;

  constructor() {
    this.client.subscribeToResponseOf('${PATTERN_TOPICS.requests}');
  }

  @Get(':sku')
  async price(@Param('sku') sku: string) {
    await (this.connected ??= this.client.connect());
    const price = await lastValueFrom(this.client.send('${PATTERN_TOPICS.requests}', { sku }));
    await lastValueFrom(this.client.emit('${PATTERN_TOPICS.events}', { sku }));
    return price;
  }

  @MessagePattern('${PATTERN_TOPICS.requests}')
  quote(@Payload() query: { sku: string }) {
    return { sku: query.sku, cents: 1999 };
  }

  @EventPattern<string>('${PATTERN_TOPICS.events}')
  audit(@Payload() event: { sku: string }, @Ctx() context: KafkaContext) {
    console.log(\`audited \${event.sku} from \${context.getTopic()}\`);
  }

  async onApplicationShutdown() {
    await this.client.close();
  }
}
`,
  );
  const modulePath = join(dir, 'src/app.module.ts');
  const source = readFileSync(modulePath, 'utf8')
    .replace(
      'controllers: [AppController]',
      'controllers: [AppController, EventsController, PricesController]',
    )
    // The web UI from its own entry point (nestjs-karafka/web), in both module systems.
    .replace('imports: [', 'imports: [KarafkaWebModule.forRoot(), ')
    .replace(/^/, `import { KarafkaWebModule } from 'nestjs-karafka/web';\n`)
    .replace(/^/, `import { EventsController } from './events.controller${ext}';\n`)
    .replace(/^/, `import { PricesController } from './prices.controller${ext}';\n`);
  writeFileSync(modulePath, source);
}

/**
 * POST /events; a connection error is retried a few times (a loaded CI machine can be slow to
 * accept right after Nest logs its start) and then reported with its cause, not "fetch failed".
 */
async function postEvent(port, id) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(`http://127.0.0.1:${port}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
    } catch (error) {
      if (attempt === 3)
        throw new Error(`POST /events on port ${port}: ${error.cause?.message ?? error.message}`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Starts a process of the app; `waitFor` polls its output (stdout and stderr). */
function startProcess(dir, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const waitFor = async (pattern, what, ms = 60_000) => {
    for (const start = Date.now(); !pattern.test(output);) {
      if (child.exitCode !== null) throw new Error(`the app exited before ${what}:\n${output}`);
      if (Date.now() - start > ms) throw new Error(`no ${what} within ${ms} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

/**
 * `karafka server` (no main.ts, no connectMicroservice) runs the pattern handlers too: an
 * event produced to the @EventPattern topic is handled; SIGTERM stops it with exit code 0.
 */
async function cliServesPatterns(dir, env, id) {
  const { child, exited, waitFor, output } = startProcess(
    dir,
    ['node_modules/.bin/karafka', 'server'],
    env,
  );
  try {
    await waitFor(/karafka: consuming/, 'the "consuming" banner');
    await produce(dir, env, PATTERN_TOPICS.events, JSON.stringify({ sku: id }));
    await waitFor(new RegExp(`audited ${id} from ${PATTERN_TOPICS.events}`), 'the audit event');
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`karafka server exited with ${code} on SIGTERM:\n${output()}`);
}

async function bootAndProduce(dir, env, id) {
  const port = await freePort();
  const main = ['dist/main.js', 'dist/src/main.js'].find((file) => existsSync(join(dir, file)));
  if (!main) throw new Error('no dist/main.js after the build');
  const app = startProcess(dir, [main], { ...env, PORT: String(port) });
  const { child, exited, waitFor, output } = app;
  try {
    await waitFor(/Nest application successfully started/, 'HTTP start');
    await waitFor(/Consuming with group/, '"Consuming" line');
    const response = await postEvent(port, id);
    if (response.status !== 201) throw new Error(`POST /events answered ${response.status}`);
    await waitFor(new RegExp(`last id ${id}`), `consumed message ${id}`);
    const web = await fetch(`http://127.0.0.1:${port}/karafka/processes`);
    const page = await web.text();
    if (web.status !== 200 || !page.includes('<h1>Processes</h1>')) {
      throw new Error(`GET /karafka/processes answered ${web.status}:\n${page.slice(0, 500)}`);
    }
    // A quiet first start (the first app meets a fresh broker: its coordinator still loading):
    // nothing up to the first consumed message is a warning, an error or a stack trace.
    const noisy = output()
      .split('\n')
      .filter((line) => /\b(WARN|ERROR)\b|^\s+at /.test(line));
    if (noisy.length) throw new Error(`noisy start:\n${noisy.join('\n')}`);
    // Once per consumer group: the app's @Consumer group and the pattern handlers' group.
    const groups = output()
      .split('\n')
      .flatMap((line) => /Consuming with group (\S+)/.exec(line)?.[1] ?? [])
      .sort();
    if (groups.length !== 2 || groups[0] === groups[1] || !groups.includes('nestjs-group-server'))
      throw new Error(`expected one "Consuming" line per group:\n${output()}`);
    // ClientKafka.send() answered by the @MessagePattern handler, emit() reaching @EventPattern.
    await createTopics(dir, env, [`${PATTERN_TOPICS.requests}.reply`]);
    const sku = `sku-${id}`;
    const price = await fetch(`http://127.0.0.1:${port}/prices/${sku}`, {
      signal: AbortSignal.timeout(60_000), // no reply would leave ClientKafka.send() waiting
    });
    const quoted = await price.text();
    if (price.status !== 200 || quoted !== JSON.stringify({ sku, cents: 1999 })) {
      throw new Error(`GET /prices/${sku} answered ${price.status}: ${quoted}\n${output()}`);
    }
    await waitFor(new RegExp(`audited ${sku} from ${PATTERN_TOPICS.events}`), 'the audit event');
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`SIGTERM: the app exited with ${code}:\n${output()}`);
}

/** A kafkajs client from the app's own node_modules. */
function appKafka(dir, env) {
  const { Kafka, logLevel } = createRequire(join(dir, 'package.json'))('kafkajs');
  return new Kafka({ brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
}

async function produce(dir, env, topic, value) {
  const producer = appKafka(dir, env).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

/** Creates topics (ClientKafka's reply topic is no route, so `karafka topics` skips it). */
async function createTopics(dir, env, topics) {
  const admin = appKafka(dir, env).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

const major = (version) => Number.parseInt(version, 10);
function nodeAtLeast(wantMajor, wantMinor) {
  const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
  return nodeMajor > wantMajor || (nodeMajor === wantMajor && nodeMinor >= wantMinor);
}
const REQUIRE_CHECK = `
const library = require.resolve('nestjs-karafka');
const testing = require('nestjs-karafka/testing');
if (!library.includes('/dist/cjs/')) throw new Error('require resolved ' + library);
const messages = testing.createMessages([{ id: 'a' }], { topic: 'example' });
if (messages.first.payload.id !== 'a') throw new Error('createMessages');
console.log('cjs ok');
`;

function versionOf(dir, name) {
  const file = join(dir, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : '-';
}

async function checkApp(app, tarball, work, brokers) {
  const dir = join(work, app);
  cpSync(join(APPS, app), dir, { recursive: true });
  const esm = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
  const env = { KAFKA_BROKERS: brokers };
  const karafka = (...args) =>
    run(process.execPath, ['node_modules/.bin/karafka', ...args], dir, env);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir);
  karafka('install');
  if (!/^\.karafka\/$/m.test(readFileSync(join(dir, '.gitignore'), 'utf8')))
    throw new Error('.gitignore has no .karafka/');
  run('npm', ['run', 'build'], dir);
  // The app's own runner, on its own spec and the one karafka install wrote (a failure throws).
  // Jest loads ESM packages through require() only from Node 24.9: before that it cannot load
  // Nest 12 itself (ESM only), whatever the app imports. There, the spec's CommonJS imports are
  // checked without jest: the CommonJS build of the library and its testing helpers load.
  let runner = esm ? `vitest ${versionOf(dir, 'vitest')}` : `jest ${versionOf(dir, 'jest')}`;
  if (!esm && major(versionOf(dir, '@nestjs/core')) >= 12 && !nodeAtLeast(24, 9)) {
    const loaded = run(process.execPath, ['-e', REQUIRE_CHECK], dir);
    if (loaded.trim() !== 'cjs ok') throw new Error(`require check printed: ${loaded}`);
    runner = `jest not run (needs Node 24.9+ for Nest 12), require() check ok`;
  } else {
    run('npm', ['test'], dir);
  }
  userCode(dir, esm);
  run('npm', ['run', 'build'], dir);
  karafka('topics', 'create');
  const flow = karafka('flow');
  if (!/^example =>/m.test(flow)) throw new Error(`karafka flow printed:\n${flow}`);
  for (const marked of [
    `${PATTERN_TOPICS.events} => (nothing)  [@EventPattern PricesController.audit]`,
    `${PATTERN_TOPICS.requests} => the request's kafka_replyTopic  [@MessagePattern PricesController.quote]`,
  ]) {
    if (!flow.includes(marked)) throw new Error(`karafka flow has no "${marked}":\n${flow}`);
  }
  const info = karafka('info');
  if (!info.includes(versionOf(dir, '@nestjs/core')))
    throw new Error(`karafka info printed:\n${info}`);
  await bootAndProduce(dir, env, `${app}-${Date.now()}`);
  await cliServesPatterns(dir, env, `cli-${app}-${Date.now()}`);
  return `nest ${versionOf(dir, '@nestjs/core')}, ${esm ? 'ESM' : 'CommonJS'}, ${runner}, typescript ${versionOf(dir, 'typescript')}`;
}

async function main() {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'nestjs-karafka-compat-'));
  let broker;
  let failed = 0;
  try {
    run('npm', ['run', 'build', '--silent'], REPO);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO));
    const tarball = join(work, packed[0].filename);
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      const { DevBroker } = await import(join(REPO, 'dist/lib/dev-broker/index.js'));
      broker = await DevBroker.start({ port: 0 });
      brokers = broker.brokers;
    }
    for (const app of apps) {
      const t0 = Date.now();
      try {
        const details = await checkApp(app, tarball, work, brokers);
        console.log(
          `compat ok    ${app.padEnd(22)} ${details} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
        );
      } catch (error) {
        failed += 1;
        console.log(`compat FAIL  ${app.padEnd(22)} ${error.message}`);
      }
    }
  } finally {
    if (broker) {
      const { DevBroker } = await import(join(REPO, 'dist/lib/dev-broker/index.js'));
      await DevBroker.stop({ port: broker.state?.port });
    }
    rmSync(work, { recursive: true, force: true });
  }
  const passed = apps.length - failed;
  console.log(
    `compat: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exitCode = failed ? 1 : 0;
}

await main();
