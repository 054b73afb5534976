/**
 * `npm run drill`: every drill with real servers (test/e2e/drills.ts), each row over several
 * trials. Writes bench/drills.json (each drill replaces its own rows), then docs/drills.md and
 * the drill tables of the docs from it (scripts/drills-doc.ts).
 *
 *   npm run drill -- [--drill <id>]... [--trials 3] [--machine "<where it ran>"] [--list]
 */
import * as os from 'os';
import { writeDrillDocs } from '../scripts/drills-doc';
import { DRILLS } from '../test/e2e/drills';
import { writeDrillRows } from '../test/e2e/support/drill-results';

function options(name: string): string[] {
  return process.argv.flatMap((arg, i) => (arg === `--${name}` && process.argv[i + 1] !== undefined ? [process.argv[i + 1]] : []));
}

/** This machine in words, for the results file: timings depend on it. */
function machine(): string {
  const given = options('machine')[0];
  if (given) return given;
  const cpus = os.cpus();
  return `${cpus.length} vCPU (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`;
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  if (process.argv.includes('--list')) {
    for (const drill of DRILLS) log(`${drill.id}: ${drill.description} (${drill.source})`);
    return;
  }
  const trials = Number(options('trials')[0] ?? 3);
  if (!Number.isInteger(trials) || trials < 3) throw new Error(`--trials must be a whole number of at least 3 (got ${options('trials')[0]})`);
  const only = options('drill');
  const unknown = only.filter((id) => !DRILLS.some((d) => d.id === id));
  if (unknown.length > 0) throw new Error(`--drill must be one of ${DRILLS.map((d) => d.id).join(', ')} (got ${unknown.join(', ')})`);
  const order = DRILLS.map((d) => d.id);
  for (const drill of DRILLS) {
    if (only.length > 0 && !only.includes(drill.id)) continue;
    const started = Date.now();
    log(`== ${drill.id}: ${drill.description}`);
    const rows = await drill.run({ trials, log });
    writeDrillRows(drill.id, rows, order, machine());
    log(`${drill.id}: ${rows.length} rows in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  for (const file of writeDrillDocs()) log(`written: ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
