/**
 * Translates topic names where they cross the boundary with Kafka, for providers that
 * namespace topics (a prefix per tenant or per account). Routes, `message.topic` and
 * `respondTo` use route names; Kafka sees the mapped names.
 *
 * It is a class so that it is also the DI token: inject `TopicMapper` anywhere.
 */
export abstract class TopicMapper {
  /** Kafka topic -> route topic, for what comes in (subscriptions, `message.topic`). */
  abstract incoming(kafkaTopic: string): string;
  /** Route topic -> Kafka topic, for what goes out (subscribe, commit, seek, produce). */
  abstract outgoing(routeTopic: string): string;
}

/** The default: topic names are the same in routes and in Kafka. */
export class IdentityTopicMapper extends TopicMapper {
  incoming(kafkaTopic: string): string {
    return kafkaTopic;
  }
  outgoing(routeTopic: string): string {
    return routeTopic;
  }
}

/** Adds `prefix` to every topic sent to Kafka and strips it from every topic received. */
export class PrefixTopicMapper extends TopicMapper {
  constructor(readonly prefix: string) {
    super();
  }
  incoming(kafkaTopic: string): string {
    return kafkaTopic.startsWith(this.prefix) ? kafkaTopic.slice(this.prefix.length) : kafkaTopic;
  }
  outgoing(routeTopic: string): string {
    return `${this.prefix}${routeTopic}`;
  }
}
