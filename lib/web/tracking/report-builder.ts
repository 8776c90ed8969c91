import type { KarafkaRuntimeSnapshot } from '../../server/runtime-snapshot.js';
import type { RouteTable } from '../../routing/route-table.js';
import type { ReportedGroup, ReportedRoute } from './process-report.js';

/** Per-partition timing the tracker keeps from `consumer.consumed` events. */
export type ConsumeTimings = ReadonlyMap<string, number>;

export function timingKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${partition}`;
}

/** The snapshot's groups in the report's JSON shape (dates as epoch ms, a state per partition). */
export function reportGroups(
  snapshot: KarafkaRuntimeSnapshot,
  timings: ConsumeTimings,
): ReportedGroup[] {
  return snapshot.groups.map((group) => ({
    id: group.id,
    name: group.name,
    state: group.state,
    topics: [...group.topics],
    crashes: group.crashes,
    lastError: group.lastError,
    partitions: group.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      highWatermark: p.highWatermark,
      committedOffset: p.committedOffset,
      markedOffset: p.markedOffset,
      lag: p.lag,
      state: p.backingOffSince ? 'backing_off' : p.paused ? 'paused' : 'running',
      attempt: p.attempt,
      lastConsumeMs: timings.get(timingKey(group.id, p.topic, p.partition)),
      consumingSince: p.consumingSince?.getTime(),
    })),
  }));
}

/** The route table as the Routing page shows it. */
export function reportRoutes(table: RouteTable): ReportedRoute[] {
  return table.routes.map((route) => ({
    group: route.groupId,
    topic: route.topic,
    kafkaTopic: route.kafkaTopic,
    consumer: route.consumerClass.name,
    batch: route.batch,
    deadLetterTopic: route.deadLetter?.topic,
    responds: route.responders.map((r) => ({
      topic: r.topic,
      required: r.required,
      multiple: r.multiple,
    })),
  }));
}
