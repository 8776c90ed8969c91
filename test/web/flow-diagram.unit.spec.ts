import { describe, expect, it } from 'vitest';
import type { ReportedRoute } from '../../lib/web/tracking/process-report.js';
import { flowGraph, flowMermaid, flowSvg, loadDagre } from '../../lib/web/ui/flow-diagram.js';

const route = (topic: string, extra: Partial<ReportedRoute> = {}): ReportedRoute => ({
  group: 'shop',
  topic,
  kafkaTopic: `prod.${topic}`,
  consumer: 'C',
  batch: true,
  responds: [],
  ...extra,
});

const routes = [
  route('orders', {
    deadLetterTopic: 'orders_dlq',
    responds: [{ topic: 'invoices', required: true, multiple: true }],
  }),
  route('invoices', { responds: [{ topic: 'emails', required: false, multiple: false }] }),
  route('pings'),
];

interface Box {
  topic: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function boxes(svg: string): Box[] {
  return [
    ...svg.matchAll(
      /<a href="[^"]*" class="flow-node[^"]*">\s*<rect\s+x="([\d.-]+)"\s+y="([\d.-]+)"\s+width="([\d.]+)"\s+height="([\d.]+)"[^>]*\/>\s*<text[^>]*>([^<]+)<\/text>/g,
    ),
  ].map(([, x, y, width, height, topic]) => ({
    topic: topic!,
    x: Number(x),
    y: Number(y),
    width: Number(width),
    height: Number(height),
  }));
}

describe('the routing page flow diagram', () => {
  it('has one node per topic and one edge per responder and dead letter topic', () => {
    const graph = flowGraph(routes);
    expect(graph.nodes).toEqual([
      { topic: 'emails', kind: 'produced' },
      { topic: 'invoices', kind: 'routed' },
      { topic: 'orders', kind: 'routed' },
      { topic: 'orders_dlq', kind: 'dead-letter' },
      { topic: 'pings', kind: 'routed' },
    ]);
    expect(flowMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  t0["emails"]',
        '  t1["invoices"]',
        '  t2["orders"]',
        '  t3["orders_dlq"]',
        '  t4["pings"]',
        '  t1 -->|"conditionally, exactly once"| t0',
        '  t2 -->|"always, one or more"| t1',
        '  t2 -->|"dead letters"| t3',
      ].join('\n'),
    );
  });

  it('is laid out by dagre left to right, boxes apart, each a link to its topic in the explorer', async () => {
    const dagre = await loadDagre();
    expect(dagre, '@dagrejs/dagre is a dev dependency').toBeDefined();
    const graph = flowGraph(routes);
    const svg = flowSvg(graph, dagre!, (topic) => `/karafka/explorer/${topic}`).value;
    const laid = boxes(svg);
    expect(laid.map((b) => b.topic).sort()).toEqual(graph.nodes.map((n) => n.topic));
    for (const a of laid) {
      for (const b of laid) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x ||
          b.x + b.width <= a.x ||
          a.y + a.height <= b.y ||
          b.y + b.height <= a.y;
        expect(apart, `${a.topic} and ${b.topic} overlap`).toBe(true);
      }
    }
    const at = (topic: string) => laid.find((b) => b.topic === topic)!.x;
    expect(at('orders')).toBeLessThan(at('invoices'));
    expect(at('invoices')).toBeLessThan(at('emails'));
    expect(svg).toContain('href="/karafka/explorer/orders"');
    expect(svg.match(/marker-end="url\(#flow-arrow\)"/g)).toHaveLength(3);
    expect(svg).toContain('>always, one or more</text>');
    // No script, no inline style: the strict CSP of the pages holds.
    expect(svg).not.toMatch(/<script|style=|<style/);
  });
});
