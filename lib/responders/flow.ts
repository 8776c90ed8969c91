import type { Route } from '../routing/route.js';

/** One responder of a routed topic, as `karafka flow` shows it. */
export interface FlowResponder {
  topic: string;
  required: boolean;
  multiple: boolean;
  /** `always, one or more`, `conditionally, exactly once`, ... */
  rule: string;
}

/** One routed topic and what its consumer responds to. */
export interface FlowEntry {
  topic: string;
  group: string;
  consumer: string;
  responders: FlowResponder[];
  /** Set for a Nest handler: `@EventPattern` or `@MessagePattern` (which replies to the caller). */
  pattern?: '@EventPattern' | '@MessagePattern';
}

/** Narrowest `topic:` column: keeps Karafka's layout for short names. */
const MIN_LABEL_WIDTH = 23;

/** The rule of a responder in words: `always` = required, `one or more` = multiple. */
export function responderRule(responder: { required: boolean; multiple: boolean }): string {
  return `${responder.required ? 'always' : 'conditionally'}, ${
    responder.multiple ? 'one or more' : 'exactly once'
  }`;
}

/** Routed topics sorted by name (then group), each with its responders sorted by topic. */
export function flowEntries(routes: readonly Route[]): FlowEntry[] {
  return [...routes]
    .sort((a, b) => compare(a.topic, b.topic) || compare(a.group, b.group))
    .map((route) => ({
      topic: route.topic,
      group: route.group,
      consumer: route.consumerClass.name,
      ...(route.pattern && {
        pattern: route.pattern.kind === 'event' ? '@EventPattern' : '@MessagePattern',
      }),
      responders: [...route.responders]
        .sort((a, b) => compare(a.topic, b.topic))
        .map(({ topic, required, multiple }) => ({
          topic,
          required,
          multiple,
          rule: responderRule({ required, multiple }),
        })),
    }));
}

/**
 * What `karafka flow` prints: per routed topic, the topics its consumer responds to.
 *
 * ```
 * cart_events =>
 *   - carts_materialized:     (always, one or more)
 * pings => (nothing)
 * ```
 * A topic routed in several consumer groups is shown once per group, with the group named.
 * Nest pattern handlers are marked (`orders => (nothing)  [@EventPattern OrdersController.onOrder]`);
 * a `@MessagePattern` replies to the topic each request names.
 */
export function describeFlow(routes: readonly Route[]): string {
  const entries = flowEntries(routes);
  const topicCounts = new Map<string, number>();
  for (const { topic } of entries) topicCounts.set(topic, (topicCounts.get(topic) ?? 0) + 1);
  const lines: string[] = [];
  for (const entry of entries) {
    const name =
      topicCounts.get(entry.topic)! > 1 ? `${entry.topic} (group ${entry.group})` : entry.topic;
    if (entry.pattern) {
      const target =
        entry.pattern === '@MessagePattern' ? "the request's kafka_replyTopic" : '(nothing)';
      lines.push(`${name} => ${target}  [${entry.pattern} ${entry.consumer}]`);
      continue;
    }
    if (entry.responders.length === 0) {
      lines.push(`${name} => (nothing)`);
      continue;
    }
    lines.push(`${name} =>`);
    const width = Math.max(MIN_LABEL_WIDTH, ...entry.responders.map((r) => r.topic.length + 1));
    for (const responder of entry.responders) {
      lines.push(`  - ${`${responder.topic}:`.padEnd(width)} (${responder.rule})`);
    }
  }
  return lines.join('\n');
}

/** The flow as JSON text (`karafka flow --format json`): an array of FlowEntry. */
export function flowAsJson(routes: readonly Route[]): string {
  return JSON.stringify(flowEntries(routes), null, 2);
}

/**
 * The flow as a Mermaid `flowchart LR` (`karafka flow --format mermaid`): one node per topic, one
 * edge per responder labelled with its rule. Node ids are generated (topic names may hold
 * characters Mermaid ids do not allow); labels are the topic names.
 */
export function flowAsMermaid(routes: readonly Route[]): string {
  const entries = flowEntries(routes);
  const ids = new Map<string, string>();
  const lines = ['flowchart LR'];
  const node = (topic: string): string => {
    let id = ids.get(topic);
    if (id === undefined) {
      id = `t${ids.size}`;
      ids.set(topic, id);
      lines.push(`  ${id}["${topic}"]`);
    }
    return id;
  };
  const edges: string[] = [];
  for (const entry of entries) {
    const from = node(entry.topic);
    for (const responder of entry.responders) {
      edges.push(`  ${from} -->|"${responder.rule}"| ${node(responder.topic)}`);
    }
  }
  return [...lines, ...edges].join('\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
