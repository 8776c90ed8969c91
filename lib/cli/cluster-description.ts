import type { Kafka } from 'kafkajs';

/** What `karafka info` tells about the cluster the app's brokers belong to. */
export type ClusterDescription =
  | {
      clusterId: string;
      /**
       * The controller the brokers name in their metadata. On KRaft this is a broker that
       * forwards admin requests to the active quorum controller, picked per request; ZooKeeper
       * clusters name the controller itself.
       */
      controller: number | null;
      brokers: Array<{ nodeId: number; address: string }>;
    }
  | { error: string };

/** How long `karafka info` waits for the brokers: it must print its facts even without Kafka. */
const INFO_TIMEOUT_MS = 5_000;

/**
 * Asks the brokers who they are (kafkajs describeCluster), bounded and never throwing;
 * `explain` turns a failure into the error users read (TLS, SASL).
 */
export async function describeClusterOf(
  kafka: Kafka,
  explain: (error: unknown) => unknown = (error) => error,
): Promise<ClusterDescription> {
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${INFO_TIMEOUT_MS / 1000} s`)),
      INFO_TIMEOUT_MS,
    );
  });
  try {
    const described = await Promise.race([
      admin.connect().then(() => admin.describeCluster()),
      timeout,
    ]);
    return {
      clusterId: described.clusterId,
      controller: described.controller,
      brokers: described.brokers
        .map((broker) => ({ nodeId: broker.nodeId, address: `${broker.host}:${broker.port}` }))
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  } catch (failure) {
    const error = explain(failure);
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/** The text lines of `karafka info`'s cluster section. */
export function clusterLines(cluster: ClusterDescription): string[] {
  if ('error' in cluster) return [`Cluster    not reachable: ${cluster.error}`];
  return [
    `Cluster    ${cluster.clusterId} (${cluster.brokers.length} broker${cluster.brokers.length === 1 ? '' : 's'})`,
    ...cluster.brokers.map(
      (broker) =>
        `  broker ${broker.nodeId}  ${broker.address}${broker.nodeId === cluster.controller ? '  (controller)' : ''}`,
    ),
  ];
}
