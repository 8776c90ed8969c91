import type { INestApplicationContext } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { healthRoutes } from '../health/health-endpoints.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { RouteRegistry } from '../routing/route-registry.js';
import { KarafkaServer, type RouteSelection } from '../server/karafka.server.js';
import { isSwarmWorker, reportToSupervisor } from '../swarm/swarm-worker.js';
import { servePlainHttp } from '../utils/plain-http-server.js';
import { bootApp } from './boot.js';
import { exitWhenIdle } from './process.js';
import { superviseServer } from './server-swarm.js';
import { releaseHeldSignals, STOP_SIGNALS, type StopSignal } from './stop-signals.js';

/** Exit codes of `karafka server`. */
export const SERVER_EXIT = { clean: 0, bootError: 1, forced: 2 } as const;

interface ServerFlags {
  consumerGroups?: string[];
  topics?: string[];
  healthPort?: number;
  healthHost: string;
  swarm?: string;
}

/** `karafka server`: consumes the routed topics until SIGINT, SIGTERM or SIGQUIT. */
export function serverCommand(): Command {
  return new Command('server')
    .description(
      'consume the routed topics (no HTTP) until SIGINT, SIGTERM or SIGQUIT; ' +
        'exit code 0 after a clean stop, 2 after a forced one (shutdownTimeout), 1 on a boot error',
    )
    .option(
      '-g, --consumer-groups <names>',
      'only these consumer groups (names or ids, comma-separated)',
      list,
    )
    .option('-t, --topics <topics>', 'only these route topics (comma-separated)', list)
    .option(
      '--health-port <port>',
      'serve GET /health/ready and /health/live (JSON, 200 or 503) on this port; ' +
        'with --swarm the supervisor serves them for all workers, with /swarm and /metrics',
      portNumber,
    )
    .option('--health-host <host>', 'interface of the health port', '127.0.0.1')
    .option(
      '--swarm <workers>',
      "run <workers> processes of the app in the same consumer groups ('auto' = one per core); " +
        'a worker that dies is restarted',
    )
    .action(async (flags: ServerFlags, command: Command) => {
      if (flags.swarm !== undefined) {
        const http =
          flags.healthPort === undefined
            ? undefined
            : { port: flags.healthPort, host: flags.healthHost };
        process.exitCode = await superviseServer(flags.swarm, process.argv, http);
        return exitWhenIdle();
      }
      const stopSignal = waitForStopSignal();
      try {
        process.exitCode = await serve(command, flags, stopSignal.promise);
      } finally {
        stopSignal.dispose();
        exitWhenIdle();
      }
    });
}

async function serve(
  command: Command,
  flags: ServerFlags,
  stopSignal: Promise<StopSignal>,
): Promise<number> {
  // As a microservice with KarafkaServer as its strategy, like `connectMicroservice` in a hybrid
  // app: Nest registers the controllers' @EventPattern / @MessagePattern handlers with it.
  const app = await bootApp(command, { logger: ['log', 'error', 'warn'], strategy: KarafkaServer });
  const server = app.get(KarafkaServer);
  const selection: RouteSelection = { groups: flags.consumerGroups, topics: flags.topics };
  try {
    await server.select(selection).start();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const health =
    flags.healthPort === undefined
      ? undefined
      : await servePlainHttp(flags.healthHost, flags.healthPort, healthRoutes(server)).catch(
          async (error: unknown) => {
            await server.close();
            await app.close().catch(() => undefined);
            throw error;
          },
        );
  console.log(banner(app, selection));
  if (health) {
    console.log(
      `karafka: health on http://${flags.healthHost}:${health.port}/health/ready and /health/live`,
    );
  }
  const stopReporting = reportToSupervisor(app);

  const signal = await stopSignal;
  stopReporting();
  await health?.close();
  console.log(`karafka: ${signal} received, stopping (a second signal forces the exit)...`);
  const { forced } = await server.close();
  await app.close();
  const timeout = app.get<symbol, KarafkaConfig>(KARAFKA_CONFIG).shutdownTimeout;
  if (forced) {
    console.error(
      `karafka: forced stop: work still in flight after shutdownTimeout (${timeout} ms).`,
    );
    return SERVER_EXIT.forced;
  }
  console.log('karafka: stopped.');
  return SERVER_EXIT.clean;
}

function banner(app: INestApplicationContext, selection: RouteSelection): string {
  const config = app.get<symbol, KarafkaConfig>(KARAFKA_CONFIG);
  const groups = app.get(RouteRegistry).table.select(selection).groups;
  return [
    `karafka server: clientId ${config.clientId}, brokers ${config.kafka.brokers.join(', ')}`,
    ...groups.map(
      (group) =>
        `  consumer group ${group.id}: ${group.routes.map((route) => route.topic).join(', ')}`,
    ),
    `karafka: consuming (pid ${process.pid}). SIGINT, SIGTERM or SIGQUIT stops gracefully.`,
  ].join('\n');
}

/** Resolves on the first stop signal; a second one exits at once with the forced-stop code. */
function waitForStopSignal(): { promise: Promise<StopSignal>; dispose(): void } {
  let received = false;
  let resolveSignal!: (signal: StopSignal) => void;
  const promise = new Promise<StopSignal>((resolve) => (resolveSignal = resolve));
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      // In a swarm the supervisor forwards the signal that may have reached this worker too;
      // forcing is the supervisor's call (a second signal to it).
      if (received && isSwarmWorker()) return;
      if (received) {
        console.error(`karafka: ${signal} received again, exiting now.`);
        process.exit(SERVER_EXIT.forced);
      }
      received = true;
      resolveSignal(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  // A signal that arrived while the CLI was loading (held by bin/karafka.js) stops it now.
  const early = releaseHeldSignals();
  if (early) handlers.find(([signal]) => signal === early)?.[1]();
  return {
    promise,
    dispose: () => handlers.forEach(([signal, handler]) => process.off(signal, handler)),
  };
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port number (0-65535)`);
  }
  return port;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
