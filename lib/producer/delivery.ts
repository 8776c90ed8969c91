import type { RecordMetadata, TopicMessages } from 'kafkajs';
import type { OutgoingMessage } from './outgoing-message.js';

/** One `sendBatch` entry per Kafka topic, messages in the order given (order per partition holds). */
export function groupByTopic(messages: readonly OutgoingMessage[]): TopicMessages[] {
  if (messages.length === 0) return [];
  const first = messages[0]!.kafkaTopic;
  if (messages.every((message) => message.kafkaTopic === first)) {
    return [{ topic: first, messages: messages as OutgoingMessage[] }];
  }
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const list = byTopic.get(message.kafkaTopic);
    if (list) list.push(message);
    else byTopic.set(message.kafkaTopic, [message]);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}

/**
 * Gives every sent message its offset and timestamp from the broker's answer. The broker
 * answers with one base offset per topic-partition; kafkajs wrote each partition's messages
 * in the order of the topic's list, so the n-th message of a partition has `baseOffset + n`.
 * With `acks: 0` there is no answer and offsets stay `'-1'`.
 */
export function recordDelivery(
  topicMessages: readonly TopicMessages[],
  response: readonly RecordMetadata[],
  sentAt: number,
): void {
  const sent = String(sentAt);
  const partitions = new Map<string, { next: number; big?: bigint; appendTime?: string }>();
  for (const meta of response) {
    const base = meta.baseOffset ?? meta.offset;
    if (base === undefined) continue;
    const appendTime =
      meta.logAppendTime !== undefined && meta.logAppendTime !== '-1'
        ? meta.logAppendTime
        : undefined;
    const next = Number(base);
    partitions.set(`${meta.topicName}\u0000${meta.partition}`, {
      next,
      big: Number.isSafeInteger(next + 1e9) ? undefined : BigInt(base),
      appendTime,
    });
  }
  for (const { topic, messages } of topicMessages) {
    for (const message of messages as OutgoingMessage[]) {
      const timestamp = message.timestamp ?? sent;
      const state = partitions.get(`${topic}\u0000${message.partition}`);
      if (!state) {
        message.delivered('-1', timestamp);
      } else if (state.big === undefined) {
        message.delivered(String(state.next++), state.appendTime ?? timestamp);
      } else {
        message.delivered(String(state.big++), state.appendTime ?? timestamp);
      }
    }
  }
}
