import { Command } from 'commander';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { KarafkaError } from '../errors/karafka.error.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { serveKarafkaWeb } from '../web/standalone.js';
import { DEFAULT_WEB_TOPICS, ensureWebTopics } from '../web/web-topics.js';
import { Kafka, logLevel } from 'kafkajs';
import { withApp } from './boot.js';

interface WebFlags {
  port: string;
  host: string;
  brokers?: string;
  commands?: boolean;
  readOnly?: boolean;
}

/**
 * `karafka web`: the web UI standalone, against the cluster (the brokers of --brokers,
 * KAFKA_BROKERS, or else the app's config from the boot file); `karafka web install` creates
 * the web topics.
 */
export function webCommand(): Command {
  const web = new Command('web')
    .description('serve the web UI on its own port (reads the web topics the app publishes to)')
    .option('-p, --port <port>', 'port on the host', '3030')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option(
      '--brokers <list>',
      'comma-separated brokers (default: KAFKA_BROKERS, else the app config)',
    )
    .option('--commands', 'allow pause/resume/seek commands from the browser')
    .option('--read-only', 'no state changes (no commands, no dead-letter replay/skip)')
    .action(async (flags: WebFlags, command: Command) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new KarafkaError(`--port must be a port number, not ${flags.port}.`);
      }
      const brokers = await brokersOf(flags, command);
      const server = await serveKarafkaWeb({
        brokers,
        port,
        host: flags.host,
        commands: flags.commands,
        readOnly: flags.readOnly,
      });
      console.log(`Karafka Web on ${server.url} (brokers ${brokers.join(', ')})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
  web
    .command('install')
    .description(
      'create the web topics (reports, samples, history, errors, commands) that do not exist',
    )
    .option(
      '--brokers <list>',
      'comma-separated brokers (default: KAFKA_BROKERS, else the app config)',
    )
    .action(async (flags: { brokers?: string }, command: Command) => {
      const brokers = await brokersOf(flags, command);
      const admin = new Kafka({
        clientId: 'karafka-web',
        brokers,
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        const created = await ensureWebTopics(admin, DEFAULT_WEB_TOPICS);
        console.log(created.length ? `Created ${created.join(', ')}` : 'The web topics exist.');
      } finally {
        await admin.disconnect();
      }
    });
  return web;
}

async function brokersOf(flags: { brokers?: string }, command: Command): Promise<string[]> {
  const list = flags.brokers ?? process.env.KAFKA_BROKERS;
  if (list)
    return list
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
  return withApp(command, { logger: ['error'] }, async (app) => [
    ...app.get<KarafkaConfig>(KARAFKA_CONFIG).kafka.brokers,
  ]);
}
