import type { INestApplicationContext } from '@nestjs/common';
import { Command } from 'commander';
import { start } from 'node:repl';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { Monitor } from '../instrumentation/monitor.js';
import { Producer } from '../producer/producer.js';
import { RouteRegistry } from '../routing/route-registry.js';
import { withApp } from './boot.js';

/** `karafka console`: a REPL with the app context loaded (no consuming, no HTTP). */
export function consoleCommand(): Command {
  return new Command('console')
    .description(
      'open a REPL with the app loaded: app, get(token), producer, routes, monitor, config',
    )
    .action(async (_flags: object, command: Command) => {
      await withApp(command, { logger: ['error', 'warn'] }, async (app) => {
        const interactive = Boolean(process.stdin.isTTY);
        if (interactive) {
          console.log(
            'karafka console: app, get(token), producer, routes, monitor, config. .exit or Ctrl-D quits.',
          );
        }
        await repl(app, interactive);
      });
    });
}

function repl(app: INestApplicationContext, interactive: boolean): Promise<void> {
  const server = start({
    prompt: interactive ? 'karafka> ' : '',
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    ignoreUndefined: true,
  });
  Object.assign(server.context, {
    app,
    get: <T = unknown>(token: Parameters<INestApplicationContext['get']>[0]): T =>
      app.get<unknown, T>(token),
    producer: app.get(Producer),
    routes: app.get(RouteRegistry).table.routes,
    monitor: app.get(Monitor),
    config: app.get(KARAFKA_CONFIG),
  });
  return new Promise((resolve) => server.once('exit', resolve));
}
