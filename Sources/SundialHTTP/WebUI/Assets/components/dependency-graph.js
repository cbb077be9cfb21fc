// Draws a job's dependency neighbourhood (GET /api/jobs/{id}/dependencies) as an SVG:
// parents to the left, children to the right, one column per layer, each node a link.
import { s } from '../lib/dom.js';
import { jobHref } from './bits.js';

const NODE_WIDTH = 180;
const NODE_HEIGHT = 36;
const COLUMN_GAP = 60;
const ROW_GAP = 16;
const PAD = 8;

/** Layer = longest path from a root, so every edge points to a later column. */
function layers(nodes, edges) {
  const parents = new Map(nodes.map((n) => [n, []]));
  for (const { parent, child } of edges) parents.get(child)?.push(parent);
  const layer = new Map();
  const visiting = new Set();
  const depth = (node) => {
    if (layer.has(node)) return layer.get(node);
    if (visiting.has(node)) return 0; // the server forbids cycles; never loop on one anyway
    visiting.add(node);
    const value = Math.max(-1, ...parents.get(node).map(depth)) + 1;
    visiting.delete(node);
    layer.set(node, value);
    return value;
  };
  nodes.forEach(depth);
  return layer;
}

/** The label of a node: its id without the current job's group, cut to fit the box. */
function label(node, group, max = 24) {
  const text = group && node.startsWith(`${group}.`) ? node.slice(group.length + 1) : node;
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

export function dependencyGraph(graph) {
  const group = graph.id.includes('.') ? graph.id.slice(0, graph.id.lastIndexOf('.')) : '';
  const layer = layers(graph.nodes, graph.edges);
  const columns = [];
  for (const node of graph.nodes) {
    const column = layer.get(node);
    (columns[column] ??= []).push(node);
  }
  const position = new Map();
  columns.forEach((column, c) => column.sort().forEach((node, r) => {
    position.set(node, { x: PAD + c * (NODE_WIDTH + COLUMN_GAP), y: PAD + r * (NODE_HEIGHT + ROW_GAP) });
  }));
  const width = PAD * 2 + columns.length * NODE_WIDTH + (columns.length - 1) * COLUMN_GAP;
  const height = PAD * 2 + Math.max(...columns.map((c) => c.length)) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;

  const edges = graph.edges.map(({ parent, child }) => {
    const from = position.get(parent);
    const to = position.get(child);
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x - 4;
    const y2 = to.y + NODE_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    return s('path', { class: 'edge', d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' });
  });
  const nodes = graph.nodes.map((node) => {
    const { x, y } = position.get(node);
    const current = node === graph.id;
    return s('a', { href: jobHref(node), class: current ? 'node current' : 'node', 'aria-current': current ? 'page' : null },
      s('title', null, node),
      s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }),
      s('text', { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT / 2, 'dominant-baseline': 'middle', 'text-anchor': 'middle' }, label(node, group)));
  });
  const description = `${graph.nodes.length} jobs: ${graph.edges.map((e) => `${e.child} runs after ${e.parent}`).join('; ')}`;
  const svg = s('svg', {
    class: 'dependency-graph', viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Dependency graph. ${description}`,
  },
  s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))),
  edges, nodes);
  // Shrinks to fit its card, down to a size where labels stay readable; wider graphs scroll.
  svg.style.maxWidth = `${width}px`;
  svg.style.minWidth = `${Math.min(width, 480)}px`;
  return svg;
}
