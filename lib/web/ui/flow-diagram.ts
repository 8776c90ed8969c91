import type { ReportedRoute } from '../tracking/process-report.js';
import { html, type SafeHtml } from './html.js';

/** One topic of the flow: consumed by a route, produced to by responders, or a dead letter topic. */
export interface FlowNode {
  topic: string;
  kind: 'routed' | 'produced' | 'dead-letter';
}

/** A responder (labelled with its rule, as `karafka flow` prints it) or a dead letter edge. */
export interface FlowEdge {
  from: string;
  to: string;
  label: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** The flow of the reported routes: what each consumed topic produces to, and its dead letters. */
export function flowGraph(routes: readonly ReportedRoute[]): FlowGraph {
  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
  const node = (topic: string, kind: FlowNode['kind']) => {
    const known = nodes.get(topic);
    // A topic that is also consumed is drawn as routed, whatever else points at it.
    if (!known || kind === 'routed') nodes.set(topic, { topic, kind });
  };
  for (const route of routes) node(route.topic, 'routed');
  for (const route of routes) {
    for (const responder of route.responds) {
      node(responder.topic, 'produced');
      const label = `${responder.required ? 'always' : 'conditionally'}, ${responder.multiple ? 'one or more' : 'exactly once'}`;
      edges.set(`${route.topic}\u0000${responder.topic}`, {
        from: route.topic,
        to: responder.topic,
        label,
      });
    }
    if (route.deadLetterTopic) {
      node(route.deadLetterTopic, 'dead-letter');
      edges.set(`${route.topic}\u0000${route.deadLetterTopic}`, {
        from: route.topic,
        to: route.deadLetterTopic,
        label: 'dead letters',
      });
    }
  }
  const byTopic = (a: { topic: string }, b: { topic: string }) => a.topic.localeCompare(b.topic);
  return {
    nodes: [...nodes.values()].sort(byTopic),
    edges: [...edges.values()].sort(
      (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
  };
}

/** The flow as a Mermaid `flowchart LR`, like `karafka flow --format mermaid` (to copy elsewhere). */
export function flowMermaid(graph: FlowGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.topic, `t${i}`]));
  return [
    'flowchart LR',
    ...graph.nodes.map((n) => `  ${ids.get(n.topic)}["${n.topic}"]`),
    ...graph.edges.map((e) => `  ${ids.get(e.from)} -->|"${e.label}"| ${ids.get(e.to)}`),
  ].join('\n');
}

/** The parts of `@dagrejs/dagre` the diagram uses (an optional peer, loaded on first use). */
export interface DagreLike {
  graphlib: { Graph: new (options?: { multigraph?: boolean }) => DagreGraph };
  layout(graph: DagreGraph): void;
}

interface DagreGraph {
  setGraph(label: Record<string, unknown>): unknown;
  graph(): { width?: number; height?: number };
  setDefaultEdgeLabel(fn: () => Record<string, unknown>): unknown;
  setNode(name: string, label: Record<string, unknown>): unknown;
  node(name: string): { x: number; y: number; width: number; height: number };
  setEdge(from: string, to: string, label: Record<string, unknown>): unknown;
  edge(
    from: string,
    to: string,
  ): { points: Array<{ x: number; y: number }>; x?: number; y?: number };
}

const PEER = '@dagrejs/dagre';
let loading: Promise<DagreLike | undefined> | undefined;

/**
 * `@dagrejs/dagre` (the layout engine Mermaid's flowcharts use) when it is installed, else
 * undefined: the routing page then shows the flow as text only. Loaded once, lazily, so apps
 * without the web UI never load it. Works from both builds (it ships CommonJS and ESM).
 */
export function loadDagre(): Promise<DagreLike | undefined> {
  loading ??= import(PEER).then(
    (loaded: { default?: DagreLike } & Partial<DagreLike>) =>
      loaded.layout ? (loaded as DagreLike) : loaded.default,
    () => undefined,
  );
  return loading;
}

// Text metrics of the diagram's font (12px system-ui); approximate on purpose: the boxes only
// need to be wide enough, the browser draws the text.
const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 30;
const LABEL_HEIGHT = 14;

/**
 * The flow as an SVG diagram, laid out by dagre on the server: boxes for topics (each a link
 * to the topic in the explorer), arrows for responders and dead letters, with their rules.
 * No script and no inline style: colours come from the UI's stylesheet, so the strict CSP holds.
 */
export function flowSvg(
  graph: FlowGraph,
  dagre: DagreLike,
  explorerHref: (topic: string) => string,
): SafeHtml {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 70, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    g.setNode(node.topic, { width: node.topic.length * CHAR_WIDTH + 24, height: NODE_HEIGHT });
  }
  for (const edge of graph.edges) {
    g.setEdge(edge.from, edge.to, {
      width: edge.label.length * 6 + 8,
      height: LABEL_HEIGHT,
      labelpos: 'c',
    });
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const f = (n: number) => n.toFixed(1);
  return html`<svg
    id="flow-diagram"
    class="flow-diagram"
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 ${f(width)} ${f(height)}"
    width="${f(width)}"
    height="${f(height)}"
    role="img"
    aria-label="Flow of the routes"
  >
    <defs>
      <marker
        id="flow-arrow"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M0,0 L10,5 L0,10 z" class="flow-arrow" />
      </marker>
    </defs>
    ${graph.edges.map((edge) => {
      const laid = g.edge(edge.from, edge.to);
      const points = laid.points.map((p, i) => `${i ? 'L' : 'M'}${f(p.x)},${f(p.y)}`).join(' ');
      const labelWidth = edge.label.length * 6 + 8;
      return html`<g class="flow-edge${edge.label === 'dead letters' ? ' flow-edge-dlq' : ''}">
        <path d="${points}" marker-end="url(#flow-arrow)" />
        ${
          laid.x === undefined || laid.y === undefined
            ? ''
            : html`<rect
                  x="${f(laid.x - labelWidth / 2)}"
                  y="${f(laid.y - LABEL_HEIGHT / 2)}"
                  width="${f(labelWidth)}"
                  height="${LABEL_HEIGHT}"
                /><text x="${f(laid.x)}" y="${f(laid.y + 4)}">${edge.label}</text>`
        }
      </g>`;
    })}
    ${graph.nodes.map((node) => {
      const laid = g.node(node.topic);
      return html`<a href="${explorerHref(node.topic)}" class="flow-node flow-${node.kind}">
        <rect
          x="${f(laid.x - laid.width / 2)}"
          y="${f(laid.y - laid.height / 2)}"
          width="${f(laid.width)}"
          height="${f(laid.height)}"
          rx="4"
        />
        <text x="${f(laid.x)}" y="${f(laid.y + 4)}">${node.topic}</text>
      </a>`;
    })}
  </svg>`;
}
