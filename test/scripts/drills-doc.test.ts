import * as fs from 'fs';
import { DRILLS_DOC, docBlocks, renderDrillsMarkdown, replaceBlocks, staleDrillDocs } from '../../scripts/drills-doc';
import { DRILLS } from '../e2e/drills';
import { readDrills } from '../e2e/support/drill-results';

const file = readDrills();

describe('the drill tables in the docs', () => {
  it('are exactly what bench/drills.json generates: run `npx tsx scripts/drills-doc.ts` after changing either', () => {
    expect(fs.readFileSync(DRILLS_DOC, 'utf8')).toBe(renderDrillsMarkdown(file));
    for (const [doc, blocks] of Object.entries(docBlocks(file))) {
      const text = fs.readFileSync(doc, 'utf8');
      expect(text).toBe(replaceBlocks(text, blocks));
    }
    expect(staleDrillDocs(file)).toEqual([]);
  });

  it('name, for every drill with rows, its script, topology and versions', () => {
    const doc = renderDrillsMarkdown(file);
    for (const drill of DRILLS.filter((d) => file.rows.some((r) => r.drill === d.id))) {
      expect(doc).toContain(`## ${drill.id}`);
      expect(doc).toContain(`[${drill.source}](../${drill.source})`);
      expect(fs.existsSync(drill.source)).toBe(true);
    }
    for (const row of file.rows) expect(doc).toContain(`Topology: ${row.topology}.`);
  });

  it('belong to a drill the registry knows', () => {
    expect(new Set(file.rows.map((r) => r.drill))).toEqual(new Set(DRILLS.map((d) => d.id)));
  });

  it('refuse a page without the generated blocks', () => {
    for (const blocks of Object.values(docBlocks(file))) expect(() => replaceBlocks('# no blocks\n', blocks)).toThrow(/no block <!-- drills-/);
  });
});
