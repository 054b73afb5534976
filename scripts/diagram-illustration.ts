/**
 * Writes docs/diagram-three-sites.png: the SVG diagram of the three-site test topology, as
 * headless Chromium draws it. Run it after changing the diagram's look:
 * `npx tsx --tsconfig tsconfig.dev.json scripts/diagram-illustration.ts`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderDiagramSvg } from '../lib/core/dr/diagram';
import { launchChromium } from '../test/e2e/support/chromium';
import { threeSiteSummary } from '../test/support/diagram-fixtures';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-diagram-'));
  const { context, page } = await launchChromium(dir);
  try {
    const svg = renderDiagramSvg(threeSiteSummary());
    const [, width, height] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    fs.writeFileSync(path.join(dir, 'three-sites.svg'), svg);
    await page.setViewportSize({ width, height });
    await page.goto(`file://${path.join(dir, 'three-sites.svg')}`);
    await page.screenshot({ path: path.join(__dirname, '..', 'docs', 'diagram-three-sites.png') });
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(err);
  process.exit(1);
});
