/**
 * `npm start`: finds Kafka (starting the local broker when nothing answers and KAFKA_BROKERS is
 * not set), creates the shop's topics, then boots the shop (main.ts).
 */
import { DevBroker } from 'nestjs-karafka/dev-broker';
import { Kafka, logLevel } from 'kafkajs';
import { chooseBrokers, LOCAL_BROKER } from './launcher/brokers.js';
import { ensureTopics } from './launcher/topics.js';
import { topicPrefixFromEnv } from './shared/kafka-env.js';
import { ALL_TOPICS, PARTITIONS } from './topics.js';

const log = (line: string): void => console.log(`[shop] ${line}`);
const localPort = Number(LOCAL_BROKER.split(':')[1]);

try {
  const { brokers, source } = await chooseBrokers({
    env: process.env,
    localBrokerAnswers: async () => (await DevBroker.status({ port: localPort })).reachable,
    startLocalBroker: async () => {
      await DevBroker.start({ port: localPort });
    },
    log,
  });
  log(`Kafka at ${brokers.join(', ')}${source === 'KAFKA_BROKERS' ? ' (KAFKA_BROKERS)' : ''}`);
  if (source !== 'KAFKA_BROKERS') {
    process.once('exit', () =>
      log(`Stopped. Kafka keeps running at ${LOCAL_BROKER}: \`npm run kafka:stop\` stops it.`),
    );
  }
  process.env.KAFKA_BROKERS = brokers.join(',');

  const prefix = topicPrefixFromEnv();
  const admin = new Kafka({
    clientId: 'shop-launcher',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const report = await ensureTopics(
      admin,
      ALL_TOPICS.map((topic) => prefix + topic),
      PARTITIONS,
    );
    const parts = [
      report.created.length && `created ${report.created.join(', ')}`,
      report.grown.length && `grew ${report.grown.join(', ')} to ${PARTITIONS} partitions`,
      report.kept.length && `${report.kept.length} already there`,
    ].filter(Boolean);
    log(`Topics (${PARTITIONS} partitions each): ${parts.join('; ')}`);
  } finally {
    await admin.disconnect();
  }
} catch (error) {
  console.error(`[shop] Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

await import('./main.js');
