import cluster from 'node:cluster';
import { parseWorkers, resolveSwarmOptions } from '../swarm/swarm-options.js';
import { SwarmSupervisor } from '../swarm/swarm-supervisor.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;

/** Flags of `karafka server` that belong to the supervisor, not to its workers. */
const SUPERVISOR_FLAGS = ['--swarm', '--health-port', '--health-host'];

/**
 * `karafka server --swarm N|auto`: this process only supervises (it never boots the app); each
 * worker runs `karafka server` with the same arguments minus the supervisor's own flags. With
 * `healthPort` the supervisor serves the swarm's health, workers and metrics there. Resolves
 * with the exit code: 0 when every worker stopped cleanly, 2 when one was forced, 1 when none
 * could boot.
 */
export async function superviseServer(
  workers: string,
  argv: readonly string[],
  http?: { port: number; host: string },
): Promise<number> {
  const options = resolveSwarmOptions({ workers: parseWorkers(workers), http });
  cluster.setupPrimary({ exec: argv[1], args: withoutSupervisorFlags(argv.slice(2)) });
  const supervisor = new SwarmSupervisor(options);
  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals > 1) return supervisor.kill();
    console.log(
      `karafka swarm: ${signal} received, stopping every worker (a second signal kills them)...`,
    );
    void supervisor.stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    await supervisor.start();
    return await supervisor.exited;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

function withoutSupervisorFlags(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (SUPERVISOR_FLAGS.includes(arg)) i += 1;
    else if (!SUPERVISOR_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) result.push(arg);
  }
  return result;
}
