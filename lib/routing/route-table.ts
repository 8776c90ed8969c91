import type { ConsumerGroupRoutes, Route } from './route.js';

/**
 * Consumer groups -> topics -> consumer class and options, built once at bootstrap by the
 * RoutesExplorer. Lookups on the hot path (by group id and Kafka topic) are one Map access.
 */
export class RouteTable {
  readonly groups: readonly ConsumerGroupRoutes[];
  private readonly byKafkaTopic = new Map<string, Route>();

  constructor(routes: readonly Route[]) {
    const groups = new Map<string, Route[]>();
    for (const route of routes) {
      groups.set(route.groupId, [...(groups.get(route.groupId) ?? []), route]);
      this.byKafkaTopic.set(key(route.groupId, route.kafkaTopic), route);
    }
    this.groups = Object.freeze(
      [...groups.entries()].map(([id, list]) =>
        Object.freeze({ id, name: list[0]!.group, routes: Object.freeze([...list]) }),
      ),
    );
  }

  get routes(): readonly Route[] {
    return this.groups.flatMap((group) => group.routes);
  }

  /** The route of a Kafka topic within a consumer group. */
  find(groupId: string, kafkaTopic: string): Route | undefined {
    return this.byKafkaTopic.get(key(groupId, kafkaTopic));
  }

  /** Groups narrowed to the given group names/ids and route topics (the CLI's --consumer-groups/--topics). */
  select(filter: { groups?: string[]; topics?: string[] } = {}): RouteTable {
    return new RouteTable(
      this.routes.filter(
        (route) =>
          (!filter.groups?.length ||
            filter.groups.includes(route.group) ||
            filter.groups.includes(route.groupId)) &&
          (!filter.topics?.length || filter.topics.includes(route.topic)),
      ),
    );
  }
}

function key(groupId: string, kafkaTopic: string): string {
  return `${groupId}\u0000${kafkaTopic}`;
}
