import { Command, CommanderError } from 'commander';
import { KarafkaError } from '../errors/karafka.error.js';
import { packageVersion } from '../utils/package-root.js';
import { brokerCommand } from './broker.command.js';
import { clusterCommand } from './cluster.command.js';
import { consoleCommand } from './console.command.js';
import { flowCommand } from './flow.command.js';
import { infoCommand } from './info.command.js';
import { installCommand } from './install.command.js';
import { serverCommand } from './server.command.js';
import { swarmCommand } from './swarm.command.js';
import { topicsCommand } from './topics.command.js';
import { webCommand } from './web.command.js';

export function buildProgram(): Command {
  const program = new Command('karafka')
    .description('nestjs-karafka: Kafka consumers and producers for NestJS')
    .version(packageVersion())
    .option(
      '-b, --boot <file>',
      'the boot file: its default export is the Nest root module (default: package.json "karafka.boot")',
    )
    .exitOverride();
  for (const command of [
    serverCommand(),
    swarmCommand(),
    flowCommand(),
    infoCommand(),
    topicsCommand(),
    consoleCommand(),
    installCommand(),
    brokerCommand(),
    clusterCommand(),
    webCommand(),
  ]) {
    program.addCommand(command);
  }
  return program;
}

/** Runs the CLI and resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof KarafkaError) {
      console.error(`karafka: ${error.message}`);
      if (process.env.KARAFKA_DEBUG)
        console.error(error.cause instanceof Error ? error.cause : error);
      return 1;
    }
    throw error;
  }
}
