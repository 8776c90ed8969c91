import { Command, InvalidArgumentError } from 'commander';
import type { SwarmHealth, SwarmInspection } from '../swarm/swarm-report.js';
import { plural, table } from './output.js';

/** Exit codes of `karafka swarm status`: as `broker status`, 3 when it is not all well. */
export const SWARM_STATUS_EXIT = { ready: 0, notReady: 3 } as const;

interface StatusFlags {
  port: number;
  host: string;
  json?: boolean;
}

/** What the supervisor's GET /swarm answers (dates as JSON strings). */
type SwarmAnswer = Omit<SwarmInspection, 'workers' | 'takenAt'> & {
  takenAt: string;
  workers: Array<
    Omit<SwarmInspection['workers'][number], 'lastExit' | 'readyAt'> & {
      readyAt?: string;
      lastExit?: { code: number | null; signal: string | null; at: string };
    }
  >;
  health: SwarmHealth;
};

/** `karafka swarm status`: a running swarm's workers, read from its supervisor's health port. */
export function swarmCommand(): Command {
  const swarm = new Command('swarm').description(
    "a running swarm's workers, read from its supervisor (karafka server --swarm N --health-port P)",
  );
  swarm
    .command('status')
    .description(
      'print each worker: pid, state, restarts, last exit, partitions, groups and problems; ' +
        'exit code 0 when the swarm is ready, 3 when not (or nothing answers)',
    )
    .requiredOption('-p, --port <port>', "the supervisor's --health-port", portNumber)
    .option('--host <host>', "the supervisor's --health-host", '127.0.0.1')
    .option('--json', "print the supervisor's answer (GET /swarm) as JSON")
    .action(async (flags: StatusFlags) => {
      process.exitCode = await printStatus(flags);
    });
  return swarm;
}

async function printStatus({ host, port, json }: StatusFlags): Promise<number> {
  const url = `http://${host}:${port}/swarm`;
  let answer: SwarmAnswer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = (await response.json()) as SwarmAnswer;
  } catch (error) {
    console.log(
      `No swarm supervisor answers at ${url} (${error instanceof Error ? error.message : String(error)}).`,
    );
    return SWARM_STATUS_EXIT.notReady;
  }
  const ready = answer.health.ready.healthy && answer.health.alive.healthy;
  if (json) {
    console.log(JSON.stringify(answer, null, 2));
    return ready ? SWARM_STATUS_EXIT.ready : SWARM_STATUS_EXIT.notReady;
  }
  const takenAt = Date.parse(answer.takenAt);
  console.log(
    `Swarm at ${host}:${port}: ${plural(answer.workers.length, 'worker')}, ` +
      `${answer.health.ready.healthy ? 'ready' : 'NOT ready'}, ` +
      `${answer.health.alive.healthy ? 'alive' : 'NOT alive'}.`,
  );
  const rows = answer.workers.map((worker) => [
    String(worker.id),
    worker.pid === undefined ? '-' : String(worker.pid),
    worker.state,
    String(worker.restarts),
    worker.lastExit
      ? `${worker.lastExit.signal ? `signal ${worker.lastExit.signal}` : `code ${worker.lastExit.code}`}, ${ago(takenAt, worker.lastExit.at)}`
      : '-',
    Object.entries(worker.partitions)
      .map(([topic, list]) => `${topic}: ${list.join(', ')}`)
      .join('; ') || '-',
    worker.report
      ? worker.report.groups
          .map((g) => `${g.id} ${g.state}${g.lag === undefined ? '' : `, lag ${g.lag}`}`)
          .join('; ') || '-'
      : (worker.unanswered ?? '-'),
  ]);
  console.log(
    table([['worker', 'pid', 'state', 'restarts', 'last exit', 'partitions', 'groups'], ...rows]),
  );
  const problems = [...answer.health.ready.problems, ...answer.health.alive.problems];
  if (problems.length) {
    console.log('Problems:');
    for (const problem of problems) {
      const where = [problem.group, problem.topic, problem.partition]
        .filter((part) => part !== undefined && part !== '*')
        .join('/');
      // Swarm-level reasons name the worker already.
      const who = problem.reason.startsWith(`worker ${problem.worker} `)
        ? ''
        : `worker ${problem.worker}${where ? ` (${where})` : ''}: `;
      console.log(`  ${who}${problem.reason}`);
    }
  }
  return ready ? SWARM_STATUS_EXIT.ready : SWARM_STATUS_EXIT.notReady;
}

function ago(now: number, at: string): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port number (1-65535)`);
  }
  return port;
}
