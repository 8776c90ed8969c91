// @ts-check
// README's CLI samples, made by running the real commands: `npm run docs:samples` rewrites them in
// README.md, and test/docs/readme-samples.spec.ts fails while README differs from what the
// commands print. A sample is the region between `<!-- sample: NAME -->` and `<!-- /sample -->`.
// Needs the build (dist/): `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import prettier from 'prettier';
import { REPO } from './entry-points.js';

const BIN = join(REPO, 'bin/karafka.js');
const FIXTURES = join(REPO, 'test/cli/fixtures');
/** flow and info need the app, not Kafka: nothing may connect while a sample is made. */
const NO_KAFKA = { KAFKA_BROKERS: '127.0.0.1:1' };

/**
 * Runs `karafka ...args` and resolves with what it printed (stdout, then stderr). Samples run
 * at once: each is a Node process booting Nest, and they do not share anything.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string> }} [options]
 * @returns {Promise<string>}
 */
function karafka(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', KARAFKA_DEBUG: '', ...NO_KAFKA, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(`${stdout}${stderr}`.trimEnd()));
  });
}

/** @param {string} shown the command as README shows it @param {string} output */
const terminal = (shown, output) => ['```', `$ ${shown}`, output, '```'].join('\n');

/** A run of more than three `(default)` lines keeps its first and last line around a `...`. */
function collapseDefaults(/** @type {string} */ output) {
  const lines = output.split('\n');
  /** @type {string[]} */
  const kept = [];
  for (let at = 0; at < lines.length;) {
    let end = at;
    while (end < lines.length && lines[end].endsWith('(default)')) end++;
    if (end - at > 3) kept.push(lines[at], '  ...', lines[end - 1]);
    else kept.push(...lines.slice(at, end));
    if (end === at) kept.push(lines[end++]);
    at = end;
  }
  return kept.join('\n');
}

/** A Nest project as `nest new` (CLI 12: ESM + vitest) leaves it, for `karafka install` to work on. */
function nestProject() {
  const root = mkdtempSync(join(tmpdir(), 'karafka-readme-install-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(
    join(root, 'package.json'),
    `${JSON.stringify({ name: 'shop', type: 'module', devDependencies: { vitest: '^4.0.0' } }, null, 2)}\n`,
  );
  writeFileSync(
    join(root, 'src/app.module.ts'),
    [
      "import { Module } from '@nestjs/common';",
      "import { AppController } from './app.controller.js';",
      "import { AppService } from './app.service.js';",
      '',
      '@Module({',
      '  imports: [],',
      '  controllers: [AppController],',
      '  providers: [AppService],',
      '})',
      'export class AppModule {}',
      '',
    ].join('\n'),
  );
  return root;
}

/** The CLI's commands as a table, one row per command that runs, with every option it takes. */
async function commandTable() {
  const { buildProgram } = await import(pathToFileURL(join(REPO, 'dist/lib/cli/main.js')).href);
  /** @type {import('commander').Command} */
  const program = buildProgram();
  /** @type {string[][]} */
  const rows = [];
  const synopsis = (/** @type {import('commander').Command} */ command) =>
    command.options
      .map((option) => {
        const flags = option.flags.replace(/^-\w, /, '');
        const choices = option.argChoices ? option.argChoices.join('|') : undefined;
        return `[${choices ? flags.replace(/<[^>]+>/, choices) : flags}]`;
      })
      .join(' ');
  for (const command of program.commands) {
    const leaves = command.commands.length
      ? command.commands.map((sub) => ({ name: `${command.name()} ${sub.name()}`, command: sub }))
      : [{ name: command.name(), command }];
    for (const leaf of leaves) {
      const usage = [leaf.name, synopsis(leaf.command)].filter(Boolean).join(' ');
      rows.push([`\`${usage}\``, leaf.command.description()]);
    }
  }
  const cell = (/** @type {string} */ text) => text.replace(/\|/g, '\\|');
  return [
    '| command | what it does |',
    '| --- | --- |',
    ...rows.map(([usage, description]) => `| ${cell(usage)} | ${cell(description)} |`),
  ].join('\n');
}

/** @type {Record<string, () => Promise<string>>} */
export const SAMPLES = {
  'cli-commands': commandTable,
  help: async () => terminal('npx karafka help', await karafka(['help'])),
  flow: async () =>
    terminal(
      'npx karafka flow',
      await karafka(['--boot', join(FIXTURES, 'routing-app.js'), 'flow']),
    ),
  info: async () =>
    terminal(
      'npx karafka info',
      collapseDefaults(await karafka(['--boot', join(FIXTURES, 'routing-app.js'), 'info']))
        // The one line that depends on the machine rather than on the code, and the address
        // that keeps the sample from connecting anywhere shown as the usual one.
        .replace(/^( {2}node +)\S+$/m, '$1(your version)')
        .replace(/127\.0\.0\.1:1\b/g, '127.0.0.1:9092'),
    ),
  'config-error': async () =>
    terminal(
      'npx karafka info',
      await karafka(['--boot', join(FIXTURES, 'invalid-config-app.js'), 'info']),
    ),
  install: async () => terminal('npx karafka install', (await installRun()).output),
  'install-app-module': async () => ['```ts', (await installRun()).module, '```'].join('\n'),
};

/** @type {Promise<{ output: string, module: string }> | undefined} */
let installed;
/** `karafka install` once in a fresh Nest project: what it printed and the app.module.ts it left. */
function installRun() {
  installed ??= (async () => {
    const root = nestProject();
    try {
      const output = await karafka(['install'], { cwd: root });
      const module = readFileSync(join(root, 'src/app.module.ts'), 'utf8').trimEnd();
      return { output, module };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  })();
  return installed;
}

const REGION = /(<!-- sample: ([\w-]+) -->)([\s\S]*?)(<!-- \/sample -->)/g;

/**
 * README with every sample region made anew, formatted as `npm run lint` wants it.
 * @param {string} readme
 */
export async function renderReadme(readme) {
  const names = [...new Set([...readme.matchAll(REGION)].map((match) => match[2]))];
  const unknown = names.find((name) => !SAMPLES[name]);
  if (unknown) {
    throw new Error(
      `README names an unknown sample "${unknown}"; known: ${Object.keys(SAMPLES).join(', ')}`,
    );
  }
  const made = new Map(
    await Promise.all(
      names.map(async (name) => /** @type {const} */ ([name, await SAMPLES[name]()])),
    ),
  );
  const rendered = readme.replace(
    REGION,
    (_whole, open, name, _old, close) => `${open}\n\n${made.get(name)}\n\n${close}`,
  );
  const options = await prettier.resolveConfig(join(REPO, 'README.md'));
  return prettier.format(rendered, { ...options, parser: 'markdown' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = join(REPO, 'README.md');
  const before = readFileSync(path, 'utf8');
  renderReadme(before).then(
    (after) => {
      writeFileSync(path, after);
      console.log(
        before === after ? 'README.md samples are up to date.' : 'README.md samples rewritten.',
      );
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
