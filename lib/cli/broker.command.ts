import { Command } from 'commander';
import { DevBroker } from '../dev-broker/dev-broker.js';
import { DEFAULT_BROKER_PORT, DEFAULT_KAFKA_VERSION } from '../dev-broker/dev-broker.options.js';

interface BrokerFlags {
  port: string;
  kafkaVersion: string;
  keepData?: boolean;
  all?: boolean;
}

/** `karafka broker start|stop|status`: the local development broker (Java + Maven, no Docker). */
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
    .option('--keep-data', 'keep the data folder when the broker stops')
    .action(async (flags: BrokerFlags) => {
      const result = await DevBroker.start({
        port: Number(flags.port),
        kafkaVersion: flags.kafkaVersion,
        keepData: flags.keepData,
        log: (line) => console.log(line),
      });
      console.log(
        result.started
          ? `Broker running at ${result.brokers} (pid ${result.state?.pid}, log ${result.state?.logFile}).`
          : `Broker already running at ${result.brokers}.`,
      );
    });

  withPort(broker.command('stop'))
    .description('stop the broker started on the port')
    .option('--all', 'stop every broker started from this folder')
    .action(async (flags: BrokerFlags) => {
      if (flags.all) {
        const ports = await DevBroker.stopAll();
        console.log(
          ports.length ? `Stopped brokers on ports ${ports.join(', ')}.` : 'No broker was running.',
        );
        return;
      }
      const stopped = await DevBroker.stop({ port: Number(flags.port) });
      console.log(
        stopped
          ? `Broker on port ${flags.port} stopped.`
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
      } else if (status.reachable) {
        console.log(
          `A broker not started by karafka answers at ${status.brokers} (cluster ${status.clusterId}).`,
        );
      } else {
        console.log(`No broker at ${status.brokers}.`);
        process.exitCode = 3;
      }
    });

  return broker;
}
