import cluster from 'node:cluster';
import { parseWorkers, resolveSwarmOptions } from '../swarm/swarm-options.js';
import { SwarmSupervisor } from '../swarm/swarm-supervisor.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;

/**
 * `karafka server --swarm N|auto`: this process only supervises (it never boots the app); each
 * worker runs `karafka server` with the same arguments minus `--swarm`. Resolves with the exit
 * code: 0 when every worker stopped cleanly, 2 when one was forced, 1 when none could boot.
 */
export async function superviseServer(workers: string, argv: readonly string[]): Promise<number> {
  const options = resolveSwarmOptions({ workers: parseWorkers(workers) });
  cluster.setupPrimary({ exec: argv[1], args: withoutSwarmFlag(argv.slice(2)) });
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
    supervisor.start();
    return await supervisor.exited;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

function withoutSwarmFlag(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--swarm') i += 1;
    else if (!arg.startsWith('--swarm=')) result.push(arg);
  }
  return result;
}
