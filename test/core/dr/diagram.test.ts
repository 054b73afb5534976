import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { renderDiagramSvg, renderMermaid } from '../../../lib/core/dr/diagram';
import { renderTopologySummary, TOPOLOGY_SUMMARY_SCHEMA, TopologySummary } from '../../../lib/core/topology/topology-summary';
import { DIAGRAM_FIXTURES, ODD_NAMES_SUMMARY, generatedSummary, threeSiteSummary, twoSiteSummary } from '../../support/diagram-fixtures';
import { groupChain, mermaidTitle, pngSize, readMermaid, readSvg } from '../../support/diagram-reading';

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(TOPOLOGY_SUMMARY_SCHEMA);
const asRead = (summary: TopologySummary): TopologySummary => JSON.parse(renderTopologySummary(summary));

/** What a reader must see under each service on each cluster. */
function replicasLine(replicas: number | { min: number; max: number }): string {
  if (typeof replicas !== 'number') return `${replicas.min}–${replicas.max} replicas · autoscaled`;
  if (replicas === 0) return '0 replicas · standby';
  return replicas === 1 ? '1 replica' : `${replicas} replicas`;
}

const siteLabel = (summary: TopologySummary, name: string) => `site ${name} · ${summary.sites.find((s) => s.name === name)!.role}`;
const addressOf = (d: TopologySummary['data'][number]) => d.host ?? (d.addresses ?? []).join(', ');

describe.each(DIAGRAM_FIXTURES)('the diagram of %s', (_name, fixture) => {
  const summary = fixture();
  const text = renderMermaid(summary);
  const svg = renderDiagramSvg(summary);
  const mermaid = readMermaid(text);
  const drawing = readSvg(svg);
  const mermaidNodeOf = (lines: readonly string[], within: readonly string[]) =>
    [...mermaid.nodes.values()].filter((n) => lines.every((l, i) => n.lines[i] === l) && JSON.stringify(n.within) === JSON.stringify(within));
  const svgNodeOf = (lines: readonly string[], within: readonly string[]) => [...drawing.nodes.entries()]
    .filter(([, n]) => lines.every((l, i) => n.lines[i] === l) && JSON.stringify(groupChain(drawing, n.group)) === JSON.stringify(within));

  it('is drawn from a summary the JSON Schema accepts', () => {
    expect(validate(asRead(summary))).toBe(true);
  });

  it('draws every site with its role, with every cluster and its mode inside it', () => {
    const expected = summary.sites.flatMap((site) => [
      { label: `site ${site.name} · ${site.role}`, within: [] as string[] },
      ...site.clusters.map((c) => ({ label: `cluster ${c.name} · ${c.availability}`, within: [`site ${site.name} · ${site.role}`] })),
    ]);
    expect(mermaid.subgraphs.filter((s) => s.label !== 'outside the sites').map((s) => ({ label: s.label, within: s.within }))).toEqual(expected);
    const svgGroups = [...drawing.groups.keys()].filter((id) => drawing.groups.get(id)!.kind !== 'outside')
      .map((id) => ({ label: drawing.groups.get(id)!.label, within: groupChain(drawing, id).slice(1) }));
    expect(svgGroups).toEqual(expected);
    expect([...drawing.groups.values()].filter((g) => g.kind === 'site').map((g) => g.name)).toEqual(summary.sites.map((s) => s.name));
  });

  it('shows every service on every cluster with its replicas, 0 in standby', () => {
    for (const site of summary.sites) {
      for (const cluster of site.clusters) {
        const within = [`cluster ${cluster.name} · ${cluster.availability}`, siteLabel(summary, site.name)];
        for (const service of summary.services) {
          const lines = [service.name, replicasLine(cluster.replicas[service.name])];
          expect(mermaidNodeOf(lines, within)).toHaveLength(1);
          const [[, node]] = svgNodeOf(lines, within);
          expect(node.classes.includes('standby')).toBe(cluster.replicas[service.name] === 0);
        }
      }
    }
  });

  it('puts each data component in its site, and data without a site in the group outside the sites', () => {
    for (const data of summary.data) {
      const within = data.site === undefined ? ['outside the sites'] : [siteLabel(summary, data.site)];
      const lines = [data.name, data.kind, addressOf(data)];
      expect(mermaidNodeOf(lines, within)).toHaveLength(1);
      expect(svgNodeOf(lines, within)).toHaveLength(1);
    }
  });

  it('draws one replication arrow from the writable copy on the source site to each standby copy, labelled with mode and lag', () => {
    const expected = summary.data.filter((d) => d.replication).map((d) => ({
      from: [d.replication!.fromSite, d.replication!.fromHost], to: [d.site, addressOf(d)],
      label: `${d.replication!.mode} · ${d.replication!.maxLagSeconds === undefined ? 'lag unbounded' : `max lag ${d.replication!.maxLagSeconds} s`}`,
    }));
    const siteOfMermaid = (id: string) => mermaid.nodes.get(id)!.within.at(-1)!.split(' ')[1];
    const siteOfSvg = (id: string) => drawing.groups.get(drawing.nodes.get(id)!.group!)!.name;
    const mermaidEnd = (id: string) => [siteOfMermaid(id), mermaid.nodes.get(id)!.lines[2]];
    expect(mermaid.links.filter((l) => l.arrow === '==>').map((l) => ({ from: mermaidEnd(l.from), to: mermaidEnd(l.to), label: l.label }))).toEqual(expected);
    const svgEnd = (id: string) => [siteOfSvg(id), drawing.nodes.get(id)!.lines[2]];
    expect(drawing.edges.filter((e) => e.classes.includes('replication')).map((e) => ({ from: svgEnd(e.from), to: svgEnd(e.to), label: e.label }))).toEqual(expected);
  });

  it('draws the traffic path from the public host to every backend cluster and on to the service, backups dashed', () => {
    const traffic = summary.traffic!;
    const client = [...mermaid.nodes.values()].find((n) => n.lines[0] === traffic.host)!;
    expect(client.within).toEqual([]);
    for (const backend of traffic.backends!) {
      const site = summary.sites.find((s) => s.clusters.some((c) => c.name === backend.cluster))!;
      const cluster = site.clusters.find((c) => c.name === backend.cluster)!;
      const within = [`cluster ${cluster.name} · ${cluster.availability}`, siteLabel(summary, site.name)];
      const [ingress] = mermaidNodeOf(['ingress', `${backend.address}:${backend.port}`], within);
      const [service] = mermaidNodeOf([traffic.service], within);
      const arrow = backend.backup ? '-.->' : '-->';
      expect(mermaid.links).toContainEqual({ from: client.id, to: ingress.id, arrow, label: backend.backup ? 'backup' : undefined });
      expect(mermaid.links).toContainEqual({ from: ingress.id, to: service.id, arrow, label: undefined });

      const [[svgIngress]] = svgNodeOf(['ingress', `${backend.address}:${backend.port}`], within);
      const [[svgService]] = svgNodeOf([traffic.service], within);
      for (const [from, to] of [[client.id, svgIngress], [svgIngress, svgService]]) {
        const edge = drawing.edges.find((e) => e.from === from && e.to === to)!;
        expect(edge.classes).toContain(backend.backup ? 'backup' : 'traffic');
        expect(edge.dash !== undefined).toBe(backend.backup);
      }
      expect(drawing.edges.find((e) => e.from === client.id && e.to === svgIngress)!.label).toBe(backend.backup ? 'backup' : undefined);
    }
    expect(drawing.edges.filter((e) => e.from === client.id)).toHaveLength(traffic.backends!.length);
  });

  it('titles both renderings with the topology, its mode and its targets', () => {
    const targets = [
      ...(summary.targets?.rtoSeconds !== undefined ? [`RTO ${summary.targets.rtoSeconds} s`] : []),
      ...(summary.targets?.rpoSeconds !== undefined ? [`RPO ${summary.targets.rpoSeconds} s`] : []),
    ];
    const title = [`${summary.topology} · ${summary.mode}`, ...targets].join(' · ');
    expect(mermaidTitle(text)).toBe(title);
    expect(drawing.root.getElementsByTagName('title')[0].textContent).toBe(title);
  });

  it('renders the same bytes every time, from a copy read back from JSON too, and in a freshly loaded module', () => {
    expect(renderMermaid(summary)).toBe(text);
    expect(renderDiagramSvg(summary)).toBe(svg);
    expect(renderMermaid(asRead(summary))).toBe(text);
    expect(renderDiagramSvg(asRead(summary))).toBe(svg);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../lib/core/dr/diagram') as typeof import('../../../lib/core/dr/diagram');
      expect(fresh.renderDiagramSvg(summary)).toBe(svg);
    });
  });
});

describe('renderDiagramSvg', () => {
  const drawing = readSvg(renderDiagramSvg(threeSiteSummary()));

  it('sizes the document to its content, with arrow markers for every kind of edge', () => {
    const width = Number(drawing.root.getAttribute('width'));
    const height = Number(drawing.root.getAttribute('height'));
    expect(drawing.root.getAttribute('viewBox')).toBe(`0 0 ${width} ${height}`);
    expect(drawing.root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    const markers = Array.from(drawing.root.getElementsByTagName('marker')).map((m) => m.getAttribute('id'));
    expect(markers).toEqual(['hadr-arrow-traffic', 'hadr-arrow-backup', 'hadr-arrow-replication']);
    const paths = Array.from(drawing.root.getElementsByTagName('path')).filter((p) => (p.getAttribute('class') ?? '').startsWith('edge '));
    expect(paths.every((p) => p.getAttribute('marker-end') === `url(#hadr-arrow-${p.getAttribute('class')!.split(' ')[1]})`)).toBe(true);
  });

  it('ends with a legend line naming traffic, backups, replication and standby', () => {
    const legend = Array.from(drawing.root.getElementsByTagName('g')).find((g) => g.getAttribute('class') === 'legend')!;
    expect(Array.from(legend.getElementsByTagName('text')).map((t) => t.textContent)).toEqual([
      'traffic', 'backup: serves only when every other backend is down', 'replication: mode · longest accepted lag',
      'standby: 0 replicas until the site is activated',
    ]);
    expect(legend.getElementsByTagName('path')[1].getAttribute('stroke-dasharray')).toBe('7 5');
  });

  it('draws standby sites and their clusters dashed, active ones solid', () => {
    const rects = Array.from(drawing.root.getElementsByTagName('rect')).filter((r) => /^group (site|cluster)$/.test(r.getAttribute('class') ?? ''));
    const dashed = rects.map((r) => [r.getAttribute('data-id'), r.getAttribute('stroke-dasharray') !== null]);
    expect(dashed).toEqual([['s1', false], ['s1c1', false], ['s1c2', false], ['s2', true], ['s2c1', true], ['s3', true], ['s3c1', true]]);
  });
});

describe('odd names', () => {
  const summary = ODD_NAMES_SUMMARY;
  const text = renderMermaid(summary);

  it('are written into Mermaid as entity codes, never as characters the syntax or HTML would read', () => {
    for (const line of text.split('\n').slice(3)) {
      const labels = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      for (const label of labels) expect(label.replace(/<br\/>|<\/?b>/g, '')).not.toMatch(/[<>"&`|\\]|#(?!\w+;)/);
    }
    expect(text).not.toContain('\u0007');
  });

  it('read back from Mermaid as they were, each in its place', () => {
    const mermaid = readMermaid(text);
    expect(mermaid.subgraphs.map((s) => s.label)).toEqual([
      'site dc"1<&> · active', 'cluster a#b;c|d`e · multi-replica', 'site end · standby', 'cluster x--> o · baseline', 'outside the sites',
    ]);
    const lines = [...mermaid.nodes.values()].map((n) => n.lines);
    expect(lines).toContainEqual(['x<script>alert(1)</script>', '3 replicas']);
    expect(lines).toContainEqual(['pg#quot; & "friends"', 'postgresql', 'pg.dc"1.example']);
    expect(lines).toContainEqual(['media\\share', 'object storage with a bell and a newline', '10.0.0.1, 10.0.0.2']);
    expect(mermaidTitle(text)).toBe('shop "quoted"\n--- · active-passive-dr');
  });

  it('are escaped in the SVG, which stays well-formed XML and reads back the same', () => {
    const drawing = readSvg(renderDiagramSvg(summary));
    expect([...drawing.groups.values()].map((g) => g.name)).toEqual(['dc"1<&>', 'a#b;c|d`e', 'end', 'x--> o', undefined]);
    const lines = [...drawing.nodes.values()].map((n) => n.lines);
    expect(lines).toContainEqual(['x<script>alert(1)</script>', '3 replicas']);
    expect(lines).toContainEqual(['pg#quot; & "friends"', 'postgresql', 'pg.dc"1.example']);
    // XML cannot carry a bell: control characters become spaces, as in the Mermaid text.
    expect(lines).toContainEqual(['media\\share', 'object storage with a bell and a newline', '10.0.0.1, 10.0.0.2']);
  });
});

describe('summaries at the edges of the format', () => {
  const base = twoSiteSummary();

  it('without traffic, draws no client and no traffic arrows', () => {
    const summary = { ...base, traffic: undefined };
    const mermaid = readMermaid(renderMermaid(summary));
    expect([...mermaid.nodes.values()].filter((n) => n.lines[0] === 'ingress' || n.lines[0] === 'shop.example.com')).toEqual([]);
    expect(mermaid.links.filter((l) => l.arrow !== '~~~').map((l) => l.arrow)).toEqual(['==>']);
    expect(readSvg(renderDiagramSvg(summary)).edges.map((e) => e.classes[1])).toEqual(['replication']);
  });

  it('without data, has no group outside the sites', () => {
    const summary = { ...base, data: [] };
    expect(readMermaid(renderMermaid(summary)).subgraphs.map((s) => s.label)).not.toContain('outside the sites');
    expect([...readSvg(renderDiagramSvg(summary)).groups.values()].map((g) => g.kind)).not.toContain('outside');
  });

  it('draws a replication source found at no address of the summary from the same component on its site', () => {
    const summary = {
      ...base,
      data: base.data.map((d) => d.replication ? { ...d, replication: { ...d.replication, fromHost: '10.1.5.5' } } : d),
    };
    const mermaid = readMermaid(renderMermaid(summary));
    const link = mermaid.links.find((l) => l.arrow === '==>')!;
    expect(mermaid.nodes.get(link.from)).toEqual({ id: 'd1', lines: ['pg', 'postgresql', 'pg.dc1.example.com'], within: ['site dc1 · active'] });
  });

  it('draws a replication source that is no data component of the summary as its address, on its site', () => {
    const summary = {
      ...base,
      data: base.data.map((d) => d.replication ? { ...d, name: 'orders', replication: { ...d.replication, fromHost: '10.1.5.5', maxLagSeconds: undefined } } : d),
    };
    const mermaid = readMermaid(renderMermaid(summary));
    const link = mermaid.links.find((l) => l.arrow === '==>')!;
    expect(mermaid.nodes.get(link.from)).toMatchObject({ lines: ['10.1.5.5', 'source of orders'], within: ['site dc1 · active'] });
    expect(link.label).toBe('asynchronous · lag unbounded');
    const drawing = readSvg(renderDiagramSvg(summary));
    const edge = drawing.edges.find((e) => e.classes.includes('replication'))!;
    expect(groupChain(drawing, drawing.nodes.get(edge.from)!.group)).toEqual(['site dc1 · active']);
  });

  it('draws data on a site the summary does not list, and a backend on an unknown cluster, outside the sites', () => {
    const summary: TopologySummary = {
      ...base,
      data: [{ ...base.data[0], site: 'dc9' }],
      traffic: { ...base.traffic!, backends: [...base.traffic!.backends!, { cluster: 'lab', site: 'dc9', address: '10.99.0.1', port: 80, backup: true }] },
    };
    const mermaid = readMermaid(renderMermaid(summary));
    expect([...mermaid.nodes.values()].filter((n) => n.within[0] === 'outside the sites').map((n) => n.lines[0])).toEqual(['ingress of lab', 'pg']);
    expect(() => renderDiagramSvg(summary)).not.toThrow();
  });

  it.each(Array.from({ length: 12 }, (_, seed) => seed))('lays out generated topology %i, with every site and cluster in its place', (seed) => {
    const summary = generatedSummary(seed);
    expect(validate(asRead(summary))).toBe(true);
    const mermaid = readMermaid(renderMermaid(summary));
    const drawing = readSvg(renderDiagramSvg(summary));
    const expected = summary.sites.flatMap((site) => [`site ${site.name} · ${site.role}`, ...site.clusters.map((c) => `cluster ${c.name} · ${c.availability}`)]);
    expect(mermaid.subgraphs.map((s) => s.label).filter((l) => l !== 'outside the sites')).toEqual(expected);
    expect([...drawing.groups.values()].filter((g) => g.kind !== 'outside').map((g) => g.label)).toEqual(expected);
    expect(mermaid.links.filter((l) => l.arrow === '==>')).toHaveLength(summary.data.filter((d) => d.replication).length);
    expect(drawing.nodes.size).toBe(mermaid.nodes.size);
  });
});

describe('the illustration in docs/', () => {
  it('is the size of the three-site diagram as it renders now (regenerate it with scripts/diagram-illustration.ts)', () => {
    const svg = renderDiagramSvg(threeSiteSummary());
    const [, width, height] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    expect(pngSize(fs.readFileSync(path.join(__dirname, '../../../docs/diagram-three-sites.png')))).toEqual({ width, height });
  });
});
