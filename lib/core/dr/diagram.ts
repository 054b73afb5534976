/**
 * A diagram of a topology, from its summary: the sites with their roles, the clusters in them
 * with each service's replicas, the data components, the arrows along which data replicates to
 * standby copies, and the path client traffic takes (backups dashed). Two renderings of one
 * graph: Mermaid text for Markdown (the runbook) and a standalone SVG laid out by dagre.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { DiagramEdge, DiagramGroup, DiagramModel, diagramModel, DiagramNode } from './private/diagram-model';
import { textWidth } from './private/text-width';
import { TopologySummary } from '../topology/topology-summary';

/**
 * The topology as a Mermaid flowchart: a subgraph per site (titled with its role) holding a
 * subgraph per cluster with a node per service and its replicas, the data components in their
 * site (or in an "outside the sites" subgraph), thick arrows from each writable copy to its
 * standby copies labelled with the replication mode and the longest accepted lag, and the
 * traffic path from a node for the public host to each backend cluster's ingress, backups
 * dotted. Every text is escaped for Mermaid, and node ids are positional, so no name can break
 * the syntax. The same summary always gives the same text.
 *
 * @example
 * const text = renderMermaid(summary);
 * fs.writeFileSync('RUNBOOK.md', `## Topology\n\n\`\`\`mermaid\n${text}\`\`\`\n`);
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
export function renderMermaid(summary: TopologySummary): string {
  const model = diagramModel(summary);
  const lines: string[] = ['---', `title: ${JSON.stringify(model.title)}`, '---', 'flowchart TB'];
  const emitGroup = (group: DiagramGroup | undefined, indent: string): void => {
    const parent = group?.id;
    for (const node of model.nodes.filter((n) => n.parent === parent)) lines.push(`${indent}${mermaidNode(node)}`);
    for (const child of model.groups.filter((g) => g.parent === parent)) {
      lines.push(`${indent}subgraph ${child.id}["${mermaidText(child.label)}"]`);
      emitGroup(child, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emitGroup(undefined, '  ');
  for (const edge of model.edges) lines.push(`  ${mermaidEdge(edge)}`);
  // Invisible links stack each cluster's nodes in a column and its site's data under it, as in the SVG.
  for (const pair of model.stacking) lines.push(`  ${pair.above} ~~~ ${pair.below}`);

  const standbyGroups = model.groups.filter((g) => g.standby).map((g) => g.id);
  const standbyServices = model.nodes.filter((n) => n.standby).map((n) => n.id);
  lines.push(
    `  classDef standbySite fill:${COLOR.standbyFill},stroke:${COLOR.standby},stroke-dasharray:6 4`,
    `  classDef standbyService fill:${COLOR.standbyFill},stroke:${COLOR.standby},stroke-dasharray:4 3,color:${COLOR.muted}`,
    `  classDef data fill:${COLOR.dataFill},stroke:${COLOR.data}`,
  );
  if (standbyGroups.length > 0) lines.push(`  class ${standbyGroups.join(',')} standbySite`);
  if (standbyServices.length > 0) lines.push(`  class ${standbyServices.join(',')} standbyService`);
  const data = model.nodes.filter((n) => n.kind === 'data').map((n) => n.id);
  if (data.length > 0) lines.push(`  class ${data.join(',')} data`);
  const replication = model.edges.flatMap((e, i) => e.kind === 'replication' ? [i] : []);
  if (replication.length > 0) lines.push(`  linkStyle ${replication.join(',')} stroke:${COLOR.replication},stroke-width:2.5px`);
  return `${lines.join('\n')}\n`;
}

/**
 * The same graph as {@link renderMermaid}, as a standalone SVG document: laid out by dagre
 * (ranks top to bottom, sites and clusters as nested compound boxes), text sized from the
 * metrics of DejaVu Sans and escaped for XML, arrow markers, backups dashed, standby sites
 * and services dashed and grey, and a legend line under the graph. A pure function: the same
 * summary always gives the same bytes.
 *
 * @example
 * fs.writeFileSync('topology.svg', renderDiagramSvg(summary));
 * @see https://github.com/dagrejs/dagre/wiki
 */
export function renderDiagramSvg(summary: TopologySummary): string {
  const model = diagramModel(summary);
  const laid = layoutModel(model);
  const titleHeight = 34;
  const legend = legendItems();
  const legendWidth = legend.reduce((sum, item) => sum + item.width, 0);
  const width = Math.ceil(Math.max(laid.width, legendWidth, textWidth(model.title, 15, true)) + 2 * MARGIN);
  const height = Math.ceil(titleHeight + laid.height + 20 + LEGEND_HEIGHT + 2 * MARGIN);
  const dx = MARGIN;
  const dy = MARGIN + titleHeight;

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${FONT}">`,
    `<title>${xml(model.title)}</title>`,
    '<defs>',
    ...(['traffic', 'backup', 'replication'] as const).map((kind) => marker(kind)),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="diagram-title" x="${MARGIN}" y="${MARGIN + 18}" font-size="15" font-weight="bold" fill="${COLOR.text}">${xml(model.title)}</text>`,
    `<g transform="translate(${dx},${dy})">`,
  ];
  for (const group of model.groups) {
    const box = laid.boxes.get(group.id)!;
    const parent = group.parent ? ` data-parent="${group.parent}"` : '';
    out.push(`<rect class="group ${group.kind}" data-id="${group.id}"${parent} ${rectAttrs(box)} rx="8" ${groupStyle(group)}/>`);
  }
  for (const group of model.groups) {
    const label = laid.boxes.get(labelId(group.id))!;
    out.push(
      `<text class="group-label ${group.kind}-label" data-group="${group.id}"${group.name !== undefined ? ` data-name="${xml(group.name)}"` : ''}`
      + ` x="${num(label.x - label.width / 2 + GROUP_LABEL_PAD)}" y="${num(label.y + FONT * 0.36)}" font-weight="bold"`
      + ` fill="${group.standby ? COLOR.muted : COLOR.text}">${xml(group.label)}</text>`,
    );
  }
  laid.edges.forEach(({ edge, points }) => {
    const dash = edge.kind === 'backup' ? ' stroke-dasharray="7 5"' : '';
    const strokeWidth = edge.kind === 'replication' ? 2.5 : 1.6;
    out.push(
      `<path class="edge ${edge.kind}" data-from="${edge.from}" data-to="${edge.to}" d="${basisPath(points)}" fill="none"`
      + ` stroke="${COLOR[edge.kind]}" stroke-width="${strokeWidth}"${dash} marker-end="url(#hadr-arrow-${edge.kind})"/>`,
    );
  });
  for (const node of model.nodes) out.push(drawNode(node, laid.boxes.get(node.id)!));
  laid.edges.forEach(({ edge, label }) => {
    if (!edge.label || !label) return;
    out.push(
      `<rect class="edge-label-bg" ${rectAttrs(label)} rx="3" fill="#ffffff" fill-opacity="0.92"/>`,
      `<text class="edge-label ${edge.kind}" data-from="${edge.from}" data-to="${edge.to}" x="${num(label.x)}" y="${num(label.y + SMALL * 0.36)}" text-anchor="middle" font-size="${SMALL}"`
      + ` fill="${COLOR[edge.kind]}">${xml(edge.label)}</text>`,
    );
  });
  out.push('</g>');

  // The legend: a sample of each line style, then its meaning, on one line under the graph.
  let x = MARGIN;
  const y = dy + laid.height + 20 + LEGEND_HEIGHT / 2;
  out.push('<g class="legend">');
  for (const item of legend) {
    if (item.kind === 'standby') {
      out.push(`<rect x="${num(x)}" y="${num(y - 7)}" width="26" height="14" rx="3" fill="${COLOR.standbyFill}" stroke="${COLOR.standby}" stroke-dasharray="4 3"/>`);
    } else {
      const dash = item.kind === 'backup' ? ' stroke-dasharray="7 5"' : '';
      out.push(
        `<path d="M${num(x)},${num(y)}L${num(x + 30)},${num(y)}" stroke="${COLOR[item.kind]}" stroke-width="${item.kind === 'replication' ? 2.5 : 1.6}"`
        + `${dash} marker-end="url(#hadr-arrow-${item.kind})"/>`,
      );
    }
    out.push(`<text x="${num(x + 38)}" y="${num(y + SMALL * 0.36)}" font-size="${SMALL}" fill="${COLOR.text}">${xml(item.text)}</text>`);
    x += item.width;
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

const FONT_FAMILY = 'DejaVu Sans, Verdana, Geneva, sans-serif';
/** Font sizes in px: titles, details and edge labels. */
const FONT = 13;
const SMALL = 11.5;
const LINE = 16;
const SMALL_LINE = 14.5;
const PAD_X = 10;
const PAD_Y = 7;
/** Height of a data component's cylinder lid. */
const LID = 10;
const GROUP_LABEL_PAD = 4;
const MARGIN = 16;
const LEGEND_HEIGHT = 18;

const COLOR = {
  text: '#1f2328',
  muted: '#59636e',
  traffic: '#24292f',
  backup: '#6e7781',
  replication: '#8250df',
  activeSite: '#2da44e',
  activeFill: '#f0faf2',
  standby: '#8c959f',
  standbyFill: '#f6f8fa',
  cluster: '#0969da',
  serviceFill: '#ddf4ff',
  data: '#bc4c00',
  dataFill: '#fff1e5',
  clientFill: '#fff8c5',
  client: '#9a6700',
  outsideFill: '#fffdf5',
} as const;

/** Mermaid text inside double quotes: its entity codes for every character the syntax or HTML could read. */
function mermaidText(text: string): string {
  const codes: Readonly<Record<string, string>> = {
    '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '`': '#96;', '|': '#124;', '\\': '#92;',
  };
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[#"<>&`|\\]/g, (ch) => codes[ch]);
}

function mermaidNode(node: DiagramNode): string {
  const text = [node.kind === 'service' ? `<b>${mermaidText(node.title)}</b>` : mermaidText(node.title), ...node.details.map(mermaidText)].join('<br/>');
  switch (node.kind) {
    case 'client': return `${node.id}(["${text}"])`;
    case 'data': return `${node.id}[("${text}")]`;
    case 'ingress': return `${node.id}[/"${text}"\\]`;
    default: return `${node.id}["${text}"]`;
  }
}

function mermaidEdge(edge: DiagramEdge): string {
  const arrow = { traffic: '-->', backup: '-.->', replication: '==>' }[edge.kind];
  return `${edge.from} ${arrow}${edge.label ? `|"${mermaidText(edge.label)}"|` : ''} ${edge.to}`;
}

interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

interface Laid {
  readonly width: number;
  readonly height: number;
  /** Centre and size of every node, group and group label, by id. */
  readonly boxes: ReadonlyMap<string, Box>;
  readonly edges: readonly { edge: DiagramEdge; points: readonly { x: number; y: number }[]; label?: Box }[];
}

const labelId = (groupId: string) => `${groupId}__label`;

function nodeSize(node: DiagramNode): { width: number; height: number } {
  const width = Math.max(textWidth(node.title, FONT, true), ...node.details.map((d) => textWidth(d, SMALL))) + 2 * PAD_X;
  const height = 2 * PAD_Y + LINE + node.details.length * SMALL_LINE + (node.kind === 'data' ? LID : 0);
  return { width: Math.ceil(Math.max(width, 90)), height: Math.ceil(height) };
}

/**
 * Lays the graph out with dagre. Each group holds a label node above everything else in it
 * (its title then always fits its box and never sits on another box), services stack under
 * their cluster's ingress, and each site's data sits under its clusters; these ordering edges
 * shape the layout and are not drawn.
 */
function layoutModel(model: DiagramModel): Laid {
  const g = new Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 26, ranksep: 30, edgesep: 12, marginx: 0, marginy: 0, align: 'UL' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of model.groups) {
    g.setNode(group.id, {});
    if (group.parent) g.setParent(group.id, group.parent);
    const label = labelId(group.id);
    g.setNode(label, { width: Math.ceil(textWidth(group.label, FONT, true) + 2 * GROUP_LABEL_PAD), height: LINE + 2 });
    g.setParent(label, group.id);
  }
  for (const node of model.nodes) {
    g.setNode(node.id, nodeSize(node));
    if (node.parent) g.setParent(node.id, node.parent);
  }

  let hidden = 0;
  const order = (from: string, to: string, weight = 1) => g.setEdge(from, to, { minlen: 1, weight }, `order${++hidden}`);
  const client = model.nodes.find((n) => n.kind === 'client');
  for (const group of model.groups) {
    if (!group.parent && client) order(client.id, labelId(group.id));
    for (const child of model.groups.filter((c) => c.parent === group.id)) order(labelId(group.id), labelId(child.id));
    if (group.kind === 'outside') for (const node of model.nodes.filter((n) => n.parent === group.id)) order(labelId(group.id), node.id);
  }
  // Each cluster's title above its column, whose head is its ingress (or its first service).
  for (const cluster of model.groups.filter((c) => c.kind === 'cluster')) {
    const inside = model.nodes.filter((n) => n.parent === cluster.id);
    const stacked = (n: DiagramNode) => model.stacking.some((s) => s.below === n.id);
    const entered = (n: DiagramNode) => model.edges.some((e) => e.to === n.id && inside.some((i) => i.id === e.from));
    const heads = inside.filter((n) => !stacked(n) && !entered(n));
    for (const head of heads) order(labelId(cluster.id), head.id);
  }
  for (const pair of model.stacking) order(pair.above, pair.below, pair.kind === 'column' ? 10 : 1);
  // A site whose data no cluster stacks over still holds its data under its title.
  for (const data of model.nodes.filter((n) => n.kind === 'data' && !model.stacking.some((s) => s.below === n.id))) {
    const group = model.groups.find((gr) => gr.id === data.parent);
    if (group?.kind === 'site') order(labelId(group.id), data.id);
  }

  model.edges.forEach((edge, i) => {
    const labelSize = edge.label ? { width: Math.ceil(textWidth(edge.label, SMALL) + 8), height: 16, labelpos: 'c' as const } : {};
    g.setEdge(edge.from, edge.to, { minlen: 1, weight: 2, ...labelSize }, `edge${i}`);
  });

  // Sites left to right in declaration order, and the clusters of each site likewise.
  const constraints = model.groups.flatMap((group, i) => {
    const next = model.groups.slice(i + 1).find((other) => other.parent === group.parent);
    return next ? [{ left: group.id, right: next.id }] : [];
  });
  // A copy that replicates to sites on its right sits right of the other data of its site, and
  // the other way round, so its arrows leave towards their targets.
  // Only data that replicates to no other site is moved, so the constraints never form a cycle.
  const siteIndex = (id: string | undefined) => model.groups.filter((gr) => gr.kind !== 'cluster').findIndex((gr) => gr.id === id);
  const sources = new Set(model.edges.filter((e) => e.kind === 'replication').map((e) => e.from));
  for (const source of model.nodes.filter((n) => sources.has(n.id))) {
    const targets = model.edges.filter((e) => e.kind === 'replication' && e.from === source.id)
      .map((e) => siteIndex(model.nodes.find((n) => n.id === e.to)!.parent));
    const towardsRight = targets.filter((t) => t > siteIndex(source.parent)).length * 2 >= targets.length;
    for (const other of model.nodes.filter((n) => n.kind === 'data' && n.parent === source.parent && !sources.has(n.id))) {
      constraints.push(towardsRight ? { left: other.id, right: source.id } : { left: source.id, right: other.id });
    }
  }
  layout(g, { constraints });

  const boxes = new Map<string, Box>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    boxes.set(id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
  }
  const edges = model.edges.map((edge, i) => {
    const e = g.edge(edge.from, edge.to, `edge${i}`);
    const label = edge.label && e.x !== undefined && e.y !== undefined ? { x: e.x, y: e.y, width: e.width ?? 0, height: e.height ?? 0 } : undefined;
    return { edge, points: e.points ?? [], label };
  });
  const graph = g.graph();
  return { width: graph.width ?? 0, height: graph.height ?? 0, boxes, edges };
}

function drawNode(node: DiagramNode, box: Box): string {
  const left = box.x - box.width / 2;
  const top = box.y - box.height / 2;
  const group = node.parent ? ` data-group="${node.parent}"` : '';
  const parts: string[] = [`<g class="node ${node.kind}${node.standby ? ' standby' : ''}" data-id="${node.id}"${group}>`];
  const dash = node.standby ? ' stroke-dasharray="4 3"' : '';
  let textTop = top + PAD_Y;
  switch (node.kind) {
    case 'client':
      parts.push(`<rect ${rectAttrs(box)} rx="${num(Math.min(box.height / 2, 16))}" fill="${COLOR.clientFill}" stroke="${COLOR.client}" stroke-width="1.4"/>`);
      break;
    case 'ingress':
      parts.push(`<rect ${rectAttrs(box)} rx="3" fill="#ffffff" stroke="${COLOR.traffic}" stroke-width="1.2"/>`);
      break;
    case 'data': {
      const r = LID / 2;
      const right = left + box.width;
      const bottom = top + box.height;
      parts.push(
        `<path d="M${num(left)},${num(top + r)}A${num(box.width / 2)},${num(r)} 0 0 1 ${num(right)},${num(top + r)}`
        + `L${num(right)},${num(bottom - r)}A${num(box.width / 2)},${num(r)} 0 0 1 ${num(left)},${num(bottom - r)}Z"`
        + ` fill="${COLOR.dataFill}" stroke="${COLOR.data}" stroke-width="1.3"/>`,
        `<path d="M${num(left)},${num(top + r)}A${num(box.width / 2)},${num(r)} 0 0 0 ${num(right)},${num(top + r)}" fill="none" stroke="${COLOR.data}" stroke-width="1.3"/>`,
      );
      textTop += LID;
      break;
    }
    default:
      parts.push(
        `<rect ${rectAttrs(box)} rx="5" fill="${node.standby ? COLOR.standbyFill : COLOR.serviceFill}"`
        + ` stroke="${node.standby ? COLOR.standby : COLOR.cluster}" stroke-width="1.2"${dash}/>`,
      );
  }
  parts.push(
    `<text class="node-title" x="${num(box.x)}" y="${num(textTop + LINE * 0.72)}" text-anchor="middle" font-weight="bold"`
    + ` fill="${node.standby ? COLOR.muted : COLOR.text}">${xml(node.title)}</text>`,
  );
  node.details.forEach((detail, i) => {
    parts.push(
      `<text class="node-detail" x="${num(box.x)}" y="${num(textTop + LINE + i * SMALL_LINE + SMALL_LINE * 0.72)}" text-anchor="middle"`
      + ` font-size="${SMALL}" fill="${COLOR.muted}">${xml(detail)}</text>`,
    );
  });
  parts.push('</g>');
  return parts.join('');
}

function groupStyle(group: DiagramGroup): string {
  switch (group.kind) {
    case 'site':
      return group.standby
        ? `fill="${COLOR.standbyFill}" stroke="${COLOR.standby}" stroke-width="1.6" stroke-dasharray="8 5"`
        : `fill="${COLOR.activeFill}" stroke="${COLOR.activeSite}" stroke-width="1.6"`;
    case 'cluster':
      return `fill="#ffffff" stroke="${group.standby ? COLOR.standby : COLOR.cluster}" stroke-width="1.2"${group.standby ? ' stroke-dasharray="6 4"' : ''}`;
    default:
      return `fill="${COLOR.outsideFill}" stroke="${COLOR.data}" stroke-width="1.2" stroke-dasharray="3 3"`;
  }
}

function legendItems(): { kind: 'traffic' | 'backup' | 'replication' | 'standby'; text: string; width: number }[] {
  const items = [
    { kind: 'traffic' as const, text: 'traffic' },
    { kind: 'backup' as const, text: 'backup: serves only when every other backend is down' },
    { kind: 'replication' as const, text: 'replication: mode · longest accepted lag' },
    { kind: 'standby' as const, text: 'standby: 0 replicas until the site is activated' },
  ];
  return items.map((item) => ({ ...item, width: 38 + textWidth(item.text, SMALL) + 24 }));
}

function marker(kind: 'traffic' | 'backup' | 'replication'): string {
  return `<marker id="hadr-arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="strokeWidth" orient="auto">`
    + `<path d="M0,0L10,5L0,10z" fill="${COLOR[kind]}"/></marker>`;
}

function rectAttrs(box: Box): string {
  return `x="${num(box.x - box.width / 2)}" y="${num(box.y - box.height / 2)}" width="${num(box.width)}" height="${num(box.height)}"`;
}

/** A smooth path through dagre's edge points (a uniform B-spline, as d3's curveBasis draws it). */
function basisPath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const p = (pt: { x: number; y: number }) => `${num(pt.x)},${num(pt.y)}`;
  if (points.length < 3) return `M${points.map(p).join('L')}`;
  const parts = [`M${p(points[0])}`, `L${p({ x: (5 * points[0].x + points[1].x) / 6, y: (5 * points[0].y + points[1].y) / 6 })}`];
  const all = [...points, points[points.length - 1]];
  for (let i = 2; i < all.length; i++) {
    const [a, b, c] = [all[i - 2], all[i - 1], all[i]];
    parts.push(`C${p({ x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3 })} ${p({ x: (a.x + 2 * b.x) / 3, y: (a.y + 2 * b.y) / 3 })}`
      + ` ${p({ x: (a.x + 4 * b.x + c.x) / 6, y: (a.y + 4 * b.y + c.y) / 6 })}`);
  }
  parts.push(`L${p(points[points.length - 1])}`);
  return parts.join('');
}

/** A coordinate with one decimal, never `-0`: stable bytes for the same layout. */
function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return (rounded === 0 ? 0 : rounded).toString();
}

/** Text for XML character data and attribute values; control characters (which XML 1.0 mostly forbids) become spaces, as in Mermaid. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\ufffe\uffff]/g, ' ')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}
