import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';
import { partitionForKey } from './murmur2.js';
import type { OutgoingMessage } from './outgoing-message.js';
import { InvalidPartitionError } from './producer.error.js';

/**
 * The partitioner given to kafkajs. kafkajs calls it for every message with the topic's
 * partition metadata, which it caches per topic and refreshes when a topic is unknown or the
 * metadata is stale, so the partition count always matches what kafkajs sends to.
 *
 * - explicit `partition`: used as is (it must exist);
 * - `partitionKey`: `toPositive(murmur2(utf8(partitionKey))) % numPartitions`, the Java client's
 *   rule, without making it the message key;
 * - a `key`: the same murmur2 rule on the key;
 * - otherwise kafkajs' DefaultPartitioner: round-robin over available partitions.
 *
 * The chosen partition is written back on the message: the delivery report reads it, and a
 * retry of the same request keeps every message where it was first put.
 */
export const karafkaPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs): number => {
    const message = args.message as OutgoingMessage;
    const count = args.partitionMetadata.length;
    let partition = message.partition;
    if (partition === undefined || partition === null) {
      // Keys are hashed here (Math.imul murmur2, the same partitions as kafkajs' and Java's):
      // kafkajs' own keyed path does Long arithmetic and filters the metadata per message.
      const key = message.partitionKey ?? message.key;
      partition = key !== undefined && key !== null ? partitionForKey(key, count) : fallback(args);
      message.partition = partition;
    } else if (partition >= count) {
      throw new InvalidPartitionError(
        `partition ${partition} does not exist: topic "${args.topic}" has ${count} partition${count === 1 ? '' : 's'} (0-${count - 1})`,
        { topic: message.routeTopic },
      );
    }
    return partition;
  };
};
