/**
 * The shop's topics, by route name (KAFKA_TOPIC_PREFIX is added in Kafka by the topic mapper).
 * Keyed by cart id, `cart_events` keeps every cart's events in order in one partition; its
 * partitions are what lets the consumers run in parallel.
 */
export const TOPICS = {
  cartEvents: 'cart_events',
  ordersPlaced: 'orders_placed',
  cartAudit: 'cart_audit',
  inventoryCsv: 'inventory_csv',
} as const;

/** Partitions of every shop topic, used by `@Consumer(..., { config })` and by the launcher. */
export const PARTITIONS = 3;

export const ALL_TOPICS: readonly string[] = Object.values(TOPICS);
