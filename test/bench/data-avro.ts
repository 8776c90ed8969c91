import type { Message } from 'kafkajs';
import { SchemaRegistry } from '../../lib/schema-registry/schema-registry.js';
import type { SchemaDefinition } from '../../lib/schema-registry/schema-registry.options.js';
import { benchKafka, createTopic } from './kafka.js';
import { benchKey, benchPayload } from './payload.js';

const CHUNK = 1_000;

/** The benchmark payload as an Avro record (the same fields as the JSON variant). */
export const BENCH_AVRO: SchemaDefinition = {
  format: 'AVRO',
  schema: {
    type: 'record',
    name: 'BenchOrder',
    namespace: 'bench',
    fields: [
      { name: 'id', type: 'int' },
      { name: 'type', type: 'string' },
      { name: 'user', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: 'at', type: 'long' },
      { name: 'note', type: 'string' },
    ],
  },
};

/**
 * Fills the Avro topic with the same messages as the JSON one, encoded in the Confluent wire
 * format with one schema registered in the registry under `<topic>-value`.
 */
export async function prepareAvroTopic(
  brokers: string[],
  registryUrl: string,
  topic: string,
  partitions: number,
  count: number,
  log: (line: string) => void,
): Promise<void> {
  await createTopic(brokers, topic, partitions);
  const registry = new SchemaRegistry({ url: registryUrl });
  const subject = `${topic}-value`;
  const id = await registry.register(subject, BENCH_AVRO);
  const producer = benchKafka(brokers, 'bench-data-avro').producer();
  await producer.connect();
  const started = Date.now();
  try {
    for (let from = 0; from < count; from += CHUNK) {
      const messages: Message[] = [];
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        messages.push({
          key: benchKey(i),
          value: await registry.encode(subject, id, benchPayload(i)),
        });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  log(
    `${count} Avro messages (schema id ${id}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
