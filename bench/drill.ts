/**
 * `npm run drill`: the failover drills with real servers (Patroni/etcd/HAProxy/PgBouncer and
 * Redis/Sentinel on 127.0.0.1), every profile over several trials. Prints the table and
 * writes bench/drills.json (one file for all drills; each system replaces its own rows).
 *
 *   npm run drill -- [--system patroni|redis] [--trials 3]
 */
import { runPatroniDrills } from '../test/e2e/patroni-drill';
import { runRedisDrills } from '../test/e2e/redis-drill';
import { DrillRow, DRILLS_FILE, drillTable, writeDrillRows } from '../test/e2e/support/drill-results';

const SYSTEMS = {
  patroni: (trials: number, log: (line: string) => void) => runPatroniDrills({ trials, log }),
  redis: (trials: number, log: (line: string) => void) => runRedisDrills({ trials, log }),
} as const;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const trials = Number(option('trials') ?? 3);
  if (!Number.isInteger(trials) || trials < 3) throw new Error(`--trials must be a whole number of at least 3 (got ${option('trials')})`);
  const only = option('system');
  if (only !== undefined && !(only in SYSTEMS)) throw new Error(`--system must be one of ${Object.keys(SYSTEMS).join(', ')} (got ${only})`);
  const log = (line: string) => console.log(line);
  const measured: DrillRow[] = [];
  for (const [system, run] of Object.entries(SYSTEMS)) {
    if (only && system !== only) continue;
    const started = Date.now();
    const rows = await run(trials, log);
    writeDrillRows(system as DrillRow['system'], rows);
    measured.push(...rows);
    log(`${system}: ${rows.length} rows in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  log('');
  log(drillTable(measured));
  log(`\nwritten to ${DRILLS_FILE}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
