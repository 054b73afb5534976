/// <reference lib="dom" />
/**
 * The topology diagrams in a real browser (Debian's headless Chromium): the real Mermaid parser
 * and renderer accept the Mermaid text of each fixture and refuse a broken one; the SVG opens
 * as a page, is screenshotted, and every site and cluster in it is found as visible text inside
 * the page, with no two titles on top of each other and every box inside the box that holds it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { serversAvailable } from './support/processes';
import { renderDiagramSvg, renderMermaid } from '../../lib/core/dr/diagram';
import { TopologySummary } from '../../lib/core/topology/topology-summary';
import { DIAGRAM_FIXTURES, generatedSummary, ODD_NAMES_SUMMARY, threeSiteSummary } from '../support/diagram-fixtures';
import { pngSize } from '../support/diagram-reading';

const MERMAID_BUNDLE = require.resolve('mermaid/dist/mermaid.min.js');

interface Box { x: number; y: number; w: number; h: number }
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
/** `inner` lies inside `outer`, give or take half a pixel of stroke. */
const inside = (inner: Box, outer: Box) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5
  && inner.x + inner.w <= outer.x + outer.w + 0.5 && inner.y + inner.h <= outer.y + outer.h + 0.5;
/** Every pair of boxes that overlap, by id. */
const overlapping = (boxes: readonly { id: string | null; box: Box }[]) =>
  boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => overlap(a.box, b.box)).map((b) => [a.id, b.id]));

(serversAvailable('the diagram browser tests', ['chromium']) ? describe : describe.skip)('the topology diagrams in headless Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-diagram-'));
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await launchChromium(dir));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('the Mermaid text, through the real mermaid parser and renderer', () => {
    beforeAll(async () => {
      // The bundle loads from disk by a file URL: quicker than injecting 3.5 MB over the DevTools pipe.
      // It must be read as UTF-8: mermaid's entity decoding matches non-ASCII marker characters.
      const html = path.join(dir, 'mermaid.html');
      fs.writeFileSync(html, '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="out"></div>'
        + `<script charset="utf-8" src="file://${MERMAID_BUNDLE}"></script></body></html>`);
      await page.goto(`file://${html}`);
      await page.evaluate(() => (window as any).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
    }, 60_000);

    /** Parses and renders `text`; returns the diagram type and the rendered text, or the parser's error. */
    async function parseAndRender(text: string): Promise<{ type?: string; rendered?: string; scripts?: number; error?: string }> {
      return page.evaluate(async (source) => {
        const mermaid = (window as any).mermaid;
        try {
          const parsed = await mermaid.parse(source);
          const { svg } = await mermaid.render(`diagram${Date.now()}`, source);
          const out = document.getElementById('out')!;
          out.innerHTML = svg;
          return { type: parsed.diagramType, rendered: out.textContent ?? '', scripts: out.querySelectorAll('script').length };
        } catch (err) {
          return { error: String((err as Error)?.message ?? err) };
        }
      }, text);
    }

    it.each(DIAGRAM_FIXTURES)('accepts and renders %s, showing every site and cluster', async (_name, fixture) => {
      const summary = fixture();
      const result = await parseAndRender(renderMermaid(summary));
      expect(result.error).toBeUndefined();
      expect(result.type).toBe('flowchart-v2');
      for (const site of summary.sites) {
        expect(result.rendered).toContain(`site ${site.name} · ${site.role}`);
        for (const cluster of site.clusters) expect(result.rendered).toContain(`cluster ${cluster.name} · ${cluster.availability}`);
      }
    });

    it('accepts odd names and shows them as text, never as markup', async () => {
      const result = await parseAndRender(renderMermaid(ODD_NAMES_SUMMARY));
      expect(result.error).toBeUndefined();
      expect(result.rendered).toContain('x<script>alert(1)</script>');
      expect(result.rendered).toContain('site dc"1<&> · active');
      expect(result.rendered).toContain('pg#quot; & "friends"');
      expect(result.scripts).toBe(0);
    });

    it.each<[string, (text: string) => string]>([
      ['an unclosed subgraph', (text) => text.replace(/\n\s*end\n(?![\s\S]*\n\s*end\n)/, '\n')],
      ['a raw quote inside a label', (text) => text.replace('site dc1 · active', 'site "dc1" · active')],
    ])('rejects a text with %s, so the check can fail', async (_what, breakIt) => {
      const text = renderMermaid(threeSiteSummary());
      const broken = breakIt(text);
      expect(broken).not.toBe(text);
      expect((await parseAndRender(broken)).error).toMatch(/Parse error|Expecting|Lexical error/);
    });
  });

  describe('the SVG, opened as a page', () => {
    // Plus odd names, and a generated four-site topology with three replication arrows.
    const SVG_FIXTURES: readonly (readonly [string, () => TopologySummary])[] = [
      ...DIAGRAM_FIXTURES, ['odd names', () => ODD_NAMES_SUMMARY], ['a generated four-site topology', () => generatedSummary(8)],
    ];
    const opened = new Map<string, ReturnType<typeof measure>>();
    /** Each fixture is opened and measured once, for both tests that read it. */
    const open = (name: string, summary: TopologySummary) => {
      if (!opened.has(name)) opened.set(name, measure(name, summary));
      return opened.get(name)!;
    };

    /** Writes the SVG, opens it at its own size, screenshots it, and measures what the browser drew. */
    async function measure(name: string, summary: TopologySummary) {
      const svg = renderDiagramSvg(summary);
      const file = path.join(dir, `${name}.svg`);
      fs.writeFileSync(file, svg);
      const [, width, height] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      await page.setViewportSize({ width, height });
      await page.goto(`file://${file}`);
      const png = await page.screenshot({ path: path.join(dir, `${name}.png`) });
      const drawn = await page.evaluate(() => {
        const box = (e: Element) => {
          const r = e.getBoundingClientRect();
          return { x: r.left, y: r.top, w: r.width, h: r.height };
        };
        return {
          viewport: { w: window.innerWidth, h: window.innerHeight },
          parseErrors: document.getElementsByTagName('parsererror').length,
          labels: Array.from(document.querySelectorAll('text.group-label')).map((t) => {
            const b = box(t);
            const style = getComputedStyle(t);
            return {
              name: t.getAttribute('data-name'), group: t.getAttribute('data-group'), text: t.textContent, box: b,
              visible: style.visibility === 'visible' && style.display !== 'none' && Number(style.opacity) === 1 && style.fill !== 'none',
              onTop: document.elementFromPoint(b.x + b.w / 2, b.y + b.h / 2) === t,
            };
          }),
          groups: Array.from(document.querySelectorAll('rect.group')).map((r) => ({
            id: r.getAttribute('data-id')!, parent: r.getAttribute('data-parent'), kind: r.classList[1], box: box(r),
          })),
          nodes: Array.from(document.querySelectorAll('g.node')).map((g) => ({
            id: g.getAttribute('data-id')!, group: g.getAttribute('data-group'), box: box(g.firstElementChild!),
            texts: Array.from(g.querySelectorAll('text')).map(box),
          })),
          edgeLabels: Array.from(document.querySelectorAll('text.edge-label')).map(box),
          texts: Array.from(document.querySelectorAll('text')).map((t) => ({ text: t.textContent, box: box(t) })),
        };
      });
      return { png, drawn, width, height };
    }

    it.each(SVG_FIXTURES)('shows every site and cluster of %s as visible titles inside the page, apart from each other', async (name, fixture) => {
      const summary = fixture();
      const { png, drawn, width, height } = await open(name.replace(/\W+/g, '-'), summary);
      expect(drawn.parseErrors).toBe(0);
      expect(pngSize(png)).toEqual({ width, height });
      expect(drawn.viewport).toEqual({ w: width, h: height });

      const expected = summary.sites.flatMap((site) => [
        { name: site.name, text: `site ${site.name} · ${site.role}` },
        ...site.clusters.map((c) => ({ name: c.name, text: `cluster ${c.name} · ${c.availability}` })),
      ]);
      const titles = drawn.labels.filter((l) => l.name !== null);
      expect(titles.map((l) => ({ name: l.name, text: l.text }))).toEqual(expected);
      for (const title of titles) {
        expect({ title: title.text, visible: title.visible, onTop: title.onTop }).toEqual({ title: title.text, visible: true, onTop: true });
        expect(title.box.w).toBeGreaterThan(0);
      }
      // No title sits on another title, on a box or on an arrow's label, and nothing is cut off.
      expect(overlapping(titles.map((t) => ({ id: t.text, box: t.box })))).toEqual([]);
      const others = [...drawn.nodes.map((n) => n.box), ...drawn.edgeLabels];
      expect(titles.filter((t) => others.some((o) => overlap(t.box, o))).map((t) => t.text)).toEqual([]);
      const viewport = { x: 0, y: 0, w: width, h: height };
      expect(drawn.texts.filter((t) => !inside(t.box, viewport)).map((t) => t.text)).toEqual([]);
    });

    it.each(SVG_FIXTURES)('draws every box of %s inside the box that holds it, sites and clusters apart, text inside its box', async (name, fixture) => {
      const { drawn } = await open(name.replace(/\W+/g, '-'), fixture());
      const groupBox = new Map(drawn.groups.map((g) => [g.id, g.box]));
      expect(drawn.groups.filter((g) => g.parent && !inside(g.box, groupBox.get(g.parent)!)).map((g) => g.id)).toEqual([]);
      expect(drawn.nodes.filter((n) => n.group && !inside(n.box, groupBox.get(n.group)!)).map((n) => n.id)).toEqual([]);
      expect(drawn.nodes.filter((n) => n.texts.some((text) => !inside(text, n.box))).map((n) => n.id)).toEqual([]);
      for (const kind of ['site', 'cluster']) expect(overlapping(drawn.groups.filter((g) => g.kind === kind))).toEqual([]);
      expect(overlapping(drawn.nodes)).toEqual([]);
    });
  });
});
