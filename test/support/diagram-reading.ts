/**
 * Reads the two diagram renderings back into plain structures, so tests can check where each
 * thing was drawn: the Mermaid text by its subgraph nesting, the SVG through an XML parser
 * (which also proves it well-formed) and its data attributes.
 */
import { DOMParser, Element } from '@xmldom/xmldom';

/** A node of the Mermaid text: its label lines decoded, and the subgraph labels around it, innermost first. */
export interface MermaidNode {
  readonly id: string;
  readonly lines: readonly string[];
  readonly within: readonly string[];
}

/** A link of the Mermaid text. */
export interface MermaidLink {
  readonly from: string;
  readonly to: string;
  readonly arrow: string;
  readonly label?: string;
}

export interface MermaidReading {
  readonly nodes: ReadonlyMap<string, MermaidNode>;
  readonly subgraphs: readonly { id: string; label: string; within: readonly string[] }[];
  readonly links: readonly MermaidLink[];
}

/** Text as Mermaid shows it: entity codes decoded, `<br/>` as line breaks, `<b>` dropped. */
export function decodeMermaid(text: string): string[] {
  const named: Record<string, string> = { quot: '"', lt: '<', gt: '>', amp: '&' };
  return text.replace(/<\/?b>/g, '').split('<br/>')
    .map((line) => line.replace(/#(\w+);/g, (_m, code: string) => /^\d+$/.test(code) ? String.fromCodePoint(Number(code)) : named[code] ?? `#${code};`));
}

const NODE = /^(\w+)(\(\["|\[\("|\[\/"|\[")(.*)("\]\)|"\)\]|"\\\]|"\])$/;
const SUBGRAPH = /^subgraph (\w+)\["(.*)"\]$/;
const LINK = /^(\w+) (-->|-\.->|==>|~~~)(?:\|"(.*)"\|)? (\w+)$/;

/** The nodes, subgraphs and links of the flowchart `renderMermaid` writes; throws on a line it does not know. */
export function readMermaid(text: string): MermaidReading {
  const nodes = new Map<string, MermaidNode>();
  const subgraphs: { id: string; label: string; within: string[] }[] = [];
  const links: MermaidLink[] = [];
  const stack: string[] = [];
  const frontMatterEnd = text.startsWith('---\n') ? text.indexOf('\n---\n', 3) : -1;
  const body = frontMatterEnd === -1 ? text : text.slice(frontMatterEnd + 5);
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || line.startsWith('flowchart ') || line.startsWith('classDef ') || line.startsWith('class ') || line.startsWith('linkStyle ')) continue;
    if (line === 'end') {
      stack.pop();
    } else if ((m = SUBGRAPH.exec(line))) {
      const label = decodeMermaid(m[2]).join('\n');
      subgraphs.push({ id: m[1], label, within: [...stack].reverse() });
      stack.push(label);
    } else if ((m = LINK.exec(line))) {
      links.push({ from: m[1], to: m[4], arrow: m[2], label: m[3] === undefined ? undefined : decodeMermaid(m[3]).join('\n') });
    } else if ((m = NODE.exec(line))) {
      nodes.set(m[1], { id: m[1], lines: decodeMermaid(m[3]), within: [...stack].reverse() });
    } else {
      throw new Error(`unexpected Mermaid line: ${raw}`);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed subgraphs: ${stack.join(', ')}`);
  return { nodes, subgraphs, links };
}

/** The title of the front matter (`title: "..."`), decoded as YAML reads a JSON string. */
export function mermaidTitle(text: string): string {
  const m = /^---\ntitle: (".*")\n---\n/.exec(text);
  if (!m) throw new Error('no front matter title');
  return JSON.parse(m[1]);
}

export interface SvgReading {
  readonly root: Element;
  /** Group id to its label text, kind, name and enclosing group. */
  readonly groups: ReadonlyMap<string, { label: string; kind: string; name?: string; parent?: string }>;
  /** Node id to its text lines, group and classes. */
  readonly nodes: ReadonlyMap<string, { lines: string[]; group?: string; classes: string[] }>;
  readonly edges: readonly { from: string; to: string; classes: string[]; dash?: string; label?: string }[];
}

/** Parses the SVG strictly (any XML warning or error throws) and reads its groups, nodes and edges. */
export function readSvg(svg: string): SvgReading {
  const doc = new DOMParser({
    onError: (level, message) => { throw new Error(`SVG is not well-formed XML (${level}): ${message}`); },
  }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement!;
  const all = (tag: string) => Array.from(root.getElementsByTagName(tag));
  const classes = (e: Element) => (e.getAttribute('class') ?? '').split(' ').filter(Boolean);
  const groups = new Map<string, { label: string; kind: string; name?: string; parent?: string }>();
  for (const rect of all('rect').filter((r) => classes(r).includes('group'))) {
    const id = rect.getAttribute('data-id')!;
    const label = all('text').find((t) => t.getAttribute('data-group') === id);
    groups.set(id, {
      label: label?.textContent ?? '', kind: classes(rect)[1], name: label?.getAttribute('data-name') ?? undefined,
      parent: rect.getAttribute('data-parent') ?? undefined,
    });
  }
  const nodes = new Map<string, { lines: string[]; group?: string; classes: string[] }>();
  for (const g of all('g').filter((e) => classes(e).includes('node'))) {
    nodes.set(g.getAttribute('data-id')!, {
      lines: Array.from(g.getElementsByTagName('text')).map((t) => t.textContent ?? ''),
      group: g.getAttribute('data-group') ?? undefined,
      classes: classes(g),
    });
  }
  const labels = all('text').filter((t) => classes(t).includes('edge-label'));
  const edges = all('path').filter((p) => classes(p).includes('edge')).map((p) => {
    const [from, to] = [p.getAttribute('data-from')!, p.getAttribute('data-to')!];
    const label = labels.find((t) => t.getAttribute('data-from') === from && t.getAttribute('data-to') === to);
    return { from, to, classes: classes(p), dash: p.getAttribute('stroke-dasharray') ?? undefined, label: label?.textContent ?? undefined };
  });
  return { root, groups, nodes, edges };
}

/** The labels of a group and every group around it, innermost first. */
export function groupChain(reading: SvgReading, id: string | undefined): string[] {
  const chain: string[] = [];
  for (let g = id; g !== undefined; g = reading.groups.get(g)?.parent) chain.push(reading.groups.get(g)!.label);
  return chain;
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG' || png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
