import type { Message } from '../../messages/message.js';
import type { VirtualGroup } from './split-batch.js';

/**
 * The last message of a batch below which every message completed, or undefined when the
 * first one did not. Each group completes a prefix of its own messages (`done[i]` of them), in
 * offset order, so a message is complete when it lies within its group's completed prefix.
 * Marking this offset never commits a message that has not been processed.
 */
export function completedPrefix(
  list: readonly Message[],
  groups: readonly VirtualGroup[],
  done: readonly number[],
): Message | undefined {
  // Every group ran all of its messages (the usual case): the whole batch completed.
  if (groups.every((group, i) => done[i] === group.messages.length)) return list[list.length - 1];
  const completed = new Set<Message>();
  groups.forEach((group, i) => {
    for (let j = 0; j < done[i]!; j++) completed.add(group.messages[j]!);
  });
  let last: Message | undefined;
  for (const message of list) {
    if (!completed.has(message)) break;
    last = message;
  }
  return last;
}
