import { Command } from 'commander';
import { DevBroker } from '../dev-broker/dev-broker.js';
import {
  DEFAULT_BROKER_PORT,
  DEFAULT_KAFKA_VERSION,
  type DevBrokerState,
} from '../dev-broker/dev-broker.options.js';

interface BrokerFlags {
  port: string;
  kafkaVersion: string;
  keepData?: boolean;
  secure?: boolean;
  all?: boolean;
}

/** `karafka broker start|stop|restart|status`: the local development broker (Java + Maven, no Docker). */
export function brokerCommand(): Command {
  const broker = new Command('broker').description(
    'Run a local single-node Kafka broker for development (needs Java 17+ and Maven, no Docker)',
  );
  const withPort = (command: Command) =>
    command.option('-p, --port <port>', 'client port on 127.0.0.1', String(DEFAULT_BROKER_PORT));

  withPort(broker.command('start'))
    .description('start a broker, or reuse one that already answers on the port')
    .option(
      '--kafka-version <version>',
      'Apache Kafka version from Maven Central',
      DEFAULT_KAFKA_VERSION,
    )
    .option(
      '--keep-data',
      'start on the data kept by the last broker on this port, and keep the data when it stops',
    )
    .option(
      '--secure',
      'also open a SASL_SSL listener (SCRAM-SHA-512/256, PLAIN; user karafka, password karafka-secret)',
    )
    .action(async (flags: BrokerFlags) => {
      const result = await DevBroker.start({
        port: Number(flags.port),
        kafkaVersion: flags.kafkaVersion,
        keepData: flags.keepData,
        secure: flags.secure,
        log: (line) => console.log(line),
      });
      console.log(
        result.started
          ? `Broker running at ${result.brokers} (pid ${result.state?.pid}, log ${result.state?.logFile}).`
          : `Broker already running at ${result.brokers}.`,
      );
      printSecurity(result.state);
    });

  withPort(broker.command('restart'))
    .description('stop the broker on the port and start it again on the same data')
    .action(async (flags: BrokerFlags) => {
      const result = await DevBroker.restart({
        port: Number(flags.port),
        log: (line) => console.log(line),
      });
      console.log(
        `Broker restarted at ${result.brokers} (pid ${result.state?.pid}, cluster ${result.clusterId}).`,
      );
      printSecurity(result.state);
    });

  withPort(broker.command('stop'))
    .description('stop the broker started on the port')
    .option('--all', 'stop every broker started from this folder')
    .option('--keep-data', 'keep the data for a later `start --keep-data` or `restart`')
    .action(async (flags: BrokerFlags) => {
      if (flags.all) {
        const ports = await DevBroker.stopAll({ keepData: flags.keepData });
        console.log(
          ports.length ? `Stopped brokers on ports ${ports.join(', ')}.` : 'No broker was running.',
        );
        return;
      }
      const stopped = await DevBroker.stop({ port: Number(flags.port), keepData: flags.keepData });
      console.log(
        stopped
          ? `Broker on port ${flags.port} stopped${flags.keepData ? ', data kept' : ''}.`
          : `No broker of ours runs on port ${flags.port}.`,
      );
    });

  withPort(broker.command('status'))
    .description('tell whether a broker runs and answers on the port')
    .action(async (flags: BrokerFlags) => {
      const status = await DevBroker.status({ port: Number(flags.port) });
      if (status.running && status.state) {
        const { pid, kafkaVersion, logFile, startedAt } = status.state;
        console.log(
          `Running: Kafka ${kafkaVersion} at ${status.brokers}, pid ${pid}, since ${startedAt}, ` +
            `${status.reachable ? `answering (cluster ${status.clusterId})` : 'NOT answering'}. Log: ${logFile}`,
        );
        printSecurity(status.state);
      } else if (status.reachable) {
        console.log(
          `A broker not started by karafka answers at ${status.brokers} (cluster ${status.clusterId}).`,
        );
      } else {
        console.log(`No broker at ${status.brokers}.`);
        if (status.kept) {
          console.log(
            `The data of the broker stopped on port ${flags.port} is kept in ${status.kept.dataDir} ` +
              `(cluster ${status.kept.clusterId}); \`broker restart\` or \`broker start --keep-data\` starts on it.`,
          );
        }
        process.exitCode = 3;
      }
    });

  return broker;
}

function printSecurity(state: DevBrokerState | undefined): void {
  const security = state?.security;
  if (!security) return;
  console.log(
    `SASL_SSL at ${security.brokers} (${security.mechanisms.join(', ')}), users ` +
      `${security.users.map((user) => user.username).join(', ')}; trust the CA in ${security.caFile}.`,
  );
}
