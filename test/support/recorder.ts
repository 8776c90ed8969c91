import { Injectable } from '@nestjs/common';
import type { Messages } from '../../lib/messages/messages.js';

export interface Seen {
  partition: number;
  offset: string;
  key: string | null;
  payload: unknown;
  instance: object;
  batchSize: number;
}

/** A provider the test consumers inject (constructor DI) to record what they saw. */
@Injectable()
export class Recorder {
  readonly seen: Seen[] = [];
  readonly calls: Array<{ partition: number; size: number; instance: object }> = [];

  record(instance: object, messages: Messages): void {
    this.calls.push({ partition: messages.metadata.partition, size: messages.size, instance });
    for (const message of messages) {
      this.seen.push({
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        payload: message.payload,
        instance,
        batchSize: messages.size,
      });
    }
  }

  byPartition(): Map<number, Seen[]> {
    const map = new Map<number, Seen[]>();
    for (const seen of this.seen)
      map.set(seen.partition, [...(map.get(seen.partition) ?? []), seen]);
    return map;
  }
}
