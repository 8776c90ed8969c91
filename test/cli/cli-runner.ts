import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaBrokers } from '../support/kafka.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO, 'bin/karafka.js');
export const FIXTURES = join(REPO, 'test/cli/fixtures');
const MAIN = join(REPO, 'dist/lib/cli/main.js');

/**
 * The CLI runs from dist/: compile lib/ (without deleting dist/, which others may be using)
 * when dist lacks the CLI or is older than a CLI source file; a build for changes elsewhere in
 * lib/ is left to whoever makes them (rebuilding dist/ while other test files import from it
 * would race). Type errors in files being edited elsewhere do not stop the emit.
 */
export function ensureBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(join(REPO, 'lib/cli'))) return;
  // Both builds: the CLI runs the CommonJS one in apps without "type": "module".
  for (const config of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
    spawnSync(process.execPath, ['node_modules/typescript7/bin/tsc', '-p', config], {
      cwd: REPO,
      stdio: 'ignore',
    });
  }
  writeFileSync(join(REPO, 'dist/cjs/package.json'), JSON.stringify({ type: 'commonjs' }));
  if (!existsSync(MAIN)) throw new Error('dist/lib/cli/main.js is missing after the build');
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeout?: number;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliEnv(env: CliOptions['env']): NodeJS.ProcessEnv {
  return { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), NO_COLOR: '1', ...env };
}

/** Runs `karafka <args>` to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  return child.done;
}

export interface RunningCli {
  process: ChildProcessWithoutNullStreams;
  stdin: ChildProcessWithoutNullStreams['stdin'];
  output(): string;
  /** Resolves once stdout+stderr contain `text`. */
  waitFor(text: string | RegExp, timeout?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** Starts `karafka <args>` and returns at once (for `server`). */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: cliEnv(options.env),
  });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((check) => check());
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), notify()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), notify()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 60_000);
  const done = new Promise<CliResult>((resolveDone) =>
    child.on('close', (code) => {
      closed = true;
      clearTimeout(timer);
      notify();
      resolveDone({ code, stdout, stderr });
    }),
  );
  const output = () => stdout + stderr;
  return {
    process: child,
    stdin: child.stdin,
    output,
    done,
    waitFor: (text, timeout = 30_000) =>
      new Promise<void>((resolveWait, reject) => {
        const matches = () =>
          typeof text === 'string' ? output().includes(text) : text.test(output());
        const check = () => {
          if (matches()) finish();
          else if (closed) fail('the CLI exited');
        };
        const finish = () => {
          clearTimeout(deadline);
          waiters.delete(check);
          resolveWait();
        };
        const fail = (why: string) => {
          clearTimeout(deadline);
          waiters.delete(check);
          reject(new Error(`${why} before printing ${String(text)}. Output:\n${output()}`));
        };
        const deadline = setTimeout(() => fail(`timed out after ${timeout} ms`), timeout);
        waiters.add(check);
        check();
      }),
  };
}

export function fixture(name: string): string {
  return join(FIXTURES, name);
}
