// @ts-check
// README's CLI samples, made by running the real commands: `npm run docs:samples` rewrites them in
// README.md, and test/docs/readme-samples.spec.ts fails while README differs from what the
// commands print. A sample is the region between `<!-- sample: NAME -->` and `<!-- /sample -->`.
// Needs the build (dist/): `npm run build` first.
import { spawnSync } from 'node:child_process';
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
 * Runs `karafka ...args` and returns what it printed (stdout, then stderr).
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string> }} [options]
 */
function karafka(args, options = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', KARAFKA_DEBUG: '', ...NO_KAFKA, ...options.env },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return `${result.stdout}${result.stderr}`.trimEnd();
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

/** A Nest project as `nest new` leaves it, for `karafka install` to work on. */
function nestProject() {
  const root = mkdtempSync(join(tmpdir(), 'karafka-readme-install-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(
    join(root, 'package.json'),
    `${JSON.stringify({ name: 'shop', devDependencies: { vitest: '^4.0.0' } }, null, 2)}\n`,
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

/** @type {Record<string, () => string | Promise<string>>} */
export const SAMPLES = {
  'cli-commands': commandTable,
  help: () => terminal('npx karafka help', karafka(['help'])),
  flow: () =>
    terminal('npx karafka flow', karafka(['--boot', join(FIXTURES, 'routing-app.js'), 'flow'])),
  info: () =>
    terminal(
      'npx karafka info',
      collapseDefaults(karafka(['--boot', join(FIXTURES, 'routing-app.js'), 'info']))
        // The one line that depends on the machine rather than on the code.
        .replace(/^( {2}node +)\S+$/m, '$1(your version)')
        .replace(/127\.0\.0\.1:1\b/g, '127.0.0.1:9092'),
    ),
  'config-error': () =>
    terminal(
      'npx karafka info',
      karafka(['--boot', join(FIXTURES, 'invalid-config-app.js'), 'info']),
    ),
  install: () => terminal('npx karafka install', installRun().output),
  'install-app-module': () => ['```ts', installRun().module, '```'].join('\n'),
};

/** @type {{ output: string, module: string } | undefined} */
let installed;
/** `karafka install` once in a fresh Nest project: what it printed and the app.module.ts it left. */
function installRun() {
  if (installed) return installed;
  const root = nestProject();
  try {
    const output = karafka(['install'], { cwd: root });
    const module = readFileSync(join(root, 'src/app.module.ts'), 'utf8').trimEnd();
    return (installed = { output, module });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const REGION = /(<!-- sample: ([\w-]+) -->)([\s\S]*?)(<!-- \/sample -->)/g;

/**
 * README with every sample region made anew, formatted as `npm run lint` wants it.
 * @param {string} readme
 */
export async function renderReadme(readme) {
  /** @type {Map<string, string>} */
  const made = new Map();
  for (const match of readme.matchAll(REGION)) {
    const name = match[2];
    const make = SAMPLES[name];
    if (!make)
      throw new Error(
        `README names an unknown sample "${name}"; known: ${Object.keys(SAMPLES).join(', ')}`,
      );
    if (!made.has(name)) made.set(name, await make());
  }
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
  const after = await renderReadme(before);
  writeFileSync(path, after);
  console.log(
    before === after ? 'README.md samples are up to date.' : 'README.md samples rewritten.',
  );
}
