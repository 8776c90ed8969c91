/**
 * Conditions a fresh or restarting broker answers for a second or two and kafkajs retries by
 * itself: the group coordinator still loading its log, no leader yet for a topic being created,
 * a rebalance under way, a transactional id whose previous owner's transaction is still being
 * completed (CONCURRENT_TRANSACTIONS, when an exactly-once partition changes hands). Reported at debug: a newcomer reads a warning with a stack as "broken".
 */
const RETRIABLE_STARTUP =
  /coordinator is (loading|not available)|not the correct coordinator|COORDINATOR_(LOAD_IN_PROGRESS|NOT_AVAILABLE)|NOT_COORDINATOR|leader is not available|LEADER_NOT_AVAILABLE|no leader for this topic-partition|group is rebalancing|REBALANCE_IN_PROGRESS|does not host this topic-partition|another concurrent operation on the same transaction|CONCURRENT_TRANSACTIONS/i;

export function isRetriableStartup(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.name} ${error.message} ${String((error as { type?: unknown }).type ?? '')}`
      : String(error);
  return RETRIABLE_STARTUP.test(text);
}
