import 'reflect-metadata';
import { Logger, type INestApplicationContext, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KarafkaError } from '../errors/karafka.error.js';
import { loadFile } from '../utils/module-file.js';
import { exitWhenIdle } from './process.js';

/** The app could not be found, loaded or started. The CLI prints the message and exits 1. */
export class BootError extends KarafkaError {}

export const DEFAULT_BOOT_FILE = 'dist/karafka.js';

const HOW_TO = `A boot file default-exports your root module, e.g. dist/karafka.js built from src/karafka.ts:
  export { AppModule as default } from './app.module.js';
Name it in package.json:
  "karafka": { "boot": "${DEFAULT_BOOT_FILE}" }
or pass --boot <file>. \`karafka install\` sets both up.`;

export interface BootFile {
  /** Absolute path. */
  path: string;
  /** Where the name came from, for error messages. */
  source: string;
}

/** `--boot <file>` (relative to cwd) wins; otherwise `"karafka": { "boot" }` of the nearest package.json. */
export function findBootFile(option: string | undefined, cwd = process.cwd()): BootFile {
  if (option) return { path: resolve(cwd, option), source: '--boot' };
  const packageJson = nearestPackageJson(cwd);
  if (!packageJson) {
    throw new BootError(
      `No boot file: no --boot option and no package.json in ${cwd} or above.\n${HOW_TO}`,
    );
  }
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { karafka?: { boot?: unknown } };
  const boot = pkg.karafka?.boot;
  if (typeof boot !== 'string' || !boot) {
    throw new BootError(
      `No boot file: ${packageJson} has no "karafka": { "boot": "..." }.\n${HOW_TO}`,
    );
  }
  return {
    path: resolve(dirname(packageJson), boot),
    source: `"karafka.boot" in ${relativeToCwd(packageJson, cwd)}`,
  };
}

/** Imports the boot file and returns its default export, the Nest root module class. */
export async function loadRootModule(file: BootFile): Promise<Type> {
  const shown = relativeToCwd(file.path);
  if (!existsSync(file.path)) {
    throw new BootError(
      `Boot file ${shown} (from ${file.source}) does not exist. Build the app first (npm run build)?\n${HOW_TO}`,
    );
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await loadFile(file.path)) as Record<string, unknown>;
  } catch (error) {
    throw new BootError(`Cannot load boot file ${shown}: ${messageOf(error)}`, { cause: error });
  }
  // A CommonJS build of `export default` arrives as `{ default: { default: AppModule } }`
  // through import(), as `{ default: AppModule }` through require.
  let root = exports.default;
  if (root && typeof root === 'object' && 'default' in root) root = root.default;
  if (typeof root !== 'function') {
    throw new BootError(
      `Boot file ${shown} must default-export the Nest root module class; ` +
        `its default export is ${describe(root)}.\n${HOW_TO}`,
    );
  }
  return root as Type;
}

export interface BootOptions {
  /** Nest log levels; `false` silences Nest. */
  logger: LogLevel[] | false;
  /**
   * Boot the app as a Nest microservice with this provider (taken from the app's own container)
   * as its transport strategy, as `connectMicroservice({ strategy: app.get(...) })` does in a
   * hybrid app: Nest then registers the controllers' `@EventPattern` / `@MessagePattern`
   * handlers with it. Without it the app is a plain application context.
   */
  strategy?: Type<CustomTransportStrategy>;
}

/**
 * Finds, loads and initializes the app (no HTTP). Nest's own error logging during bootstrap
 * is buffered and dropped so a boot error prints one message, not a stack.
 */
export async function bootApp(
  command: Command,
  options: BootOptions,
): Promise<INestApplicationContext> {
  const { boot } = command.optsWithGlobals<{ boot?: string }>();
  const rootModule = await loadRootModule(findBootFile(boot));
  const contextOptions = {
    logger: options.logger,
    abortOnError: false,
    bufferLogs: true,
    autoFlushLogs: false,
  };
  let app: INestApplicationContext;
  try {
    app = options.strategy
      ? await initMicroservice(rootModule, contextOptions, options.strategy)
      : await NestFactory.createApplicationContext(rootModule, contextOptions);
  } catch (error) {
    Logger.detachBuffer();
    if (error instanceof KarafkaError) throw error;
    throw new BootError(
      `Cannot start ${rootModule.name}: ${messageOf(error)}${process.env.KARAFKA_DEBUG ? '' : ' (KARAFKA_DEBUG=1 shows the stack)'}`,
      { cause: error },
    );
  }
  Logger.flush();
  return app;
}

/**
 * The app as a Nest microservice whose strategy is the app's own `strategy` provider (Nest's
 * `useFactory` microservice options resolve it from the container before the listeners are
 * set up). Initialized, not listening: the caller starts the strategy.
 */
async function initMicroservice(
  rootModule: Type,
  contextOptions: { logger: LogLevel[] | false; abortOnError: boolean; bufferLogs: boolean },
  strategy: Type<CustomTransportStrategy>,
): Promise<INestApplicationContext> {
  let resolved: CustomTransportStrategy | undefined;
  const app = await NestFactory.createMicroservice(rootModule, {
    ...contextOptions,
    inject: [strategy],
    useFactory: (server: CustomTransportStrategy) => {
      resolved = server;
      return { strategy: server };
    },
    // @nestjs/microservices before 11.1.2 looks for `strategy` on these options, not on what
    // useFactory returned (it would make a TCP server): read after useFactory ran, it is the same.
    get strategy() {
      return resolved;
    },
  });
  // NestMicroservice.init() runs onModuleInit/onApplicationBootstrap in the application context's
  // init() and again in its registerModules() (Nest 11 and 12; `listen()` alone runs them once):
  // a provider subscribing in onModuleInit would count every event twice. Mark them as run.
  (app as unknown as { setIsInitHookCalled?: (called: boolean) => void }).setIsInitHookCalled?.(
    true,
  );
  return app.init();
}

/** Boots the app, runs `fn`, always closes the app; then lets the process end (see exitWhenIdle). */
export async function withApp<T>(
  command: Command,
  options: BootOptions,
  fn: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await bootApp(command, options);
  try {
    return await fn(app);
  } finally {
    await app.close();
    exitWhenIdle();
  }
}

function nearestPackageJson(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function relativeToCwd(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing (no `export default`)';
  if (value === null) return 'null';
  if (typeof value === 'object')
    return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return `a ${typeof value}`;
}
