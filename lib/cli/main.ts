import { Command, CommanderError } from 'commander';
import { KarafkaError } from '../errors/karafka.error.js';
import { packageVersion } from '../utils/package-root.js';
import { brokerCommand } from './broker.command.js';

export function buildProgram(): Command {
  const program = new Command('karafka')
    .description('nestjs-karafka: Kafka consumers and producers for NestJS')
    .version(packageVersion())
    .exitOverride();
  program.addCommand(brokerCommand());
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
      return 1;
    }
    throw error;
  }
}
