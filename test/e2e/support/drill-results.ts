/**
 * One results file for every drill (bench/drills.json): each system replaces its own rows.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One measured scenario: RTO over several trials and acknowledged writes lost. */
export interface DrillRow {
  readonly system: 'patroni' | 'redis';
  readonly profile: string;
  readonly scenario: string;
  readonly synchronous: boolean;
  readonly trials: number;
  readonly rtoMedianSeconds: number;
  readonly rtoMaxSeconds: number;
  readonly ackedWritesLost: number;
  /** Redis only: which write guarantee the trial used. */
  readonly durability?: 'async' | 'min-replicas' | 'wait';
  /** Anything else worth keeping beside the figures (per-trial values, versions). */
  readonly details?: Record<string, unknown>;
}

export const DRILLS_FILE = path.join(__dirname, '..', '..', '..', 'bench', 'drills.json');

/** Replaces the rows of `system` in the results file, keeping the other systems' rows. */
export function writeDrillRows(system: DrillRow['system'], rows: readonly DrillRow[], file = DRILLS_FILE): void {
  let existing: DrillRow[] = [];
  if (fs.existsSync(file)) existing = (JSON.parse(fs.readFileSync(file, 'utf8')) as { rows: DrillRow[] }).rows ?? [];
  const merged = [...existing.filter((r) => r.system !== system), ...rows];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), rows: merged }, null, 2) + '\n');
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Largest gap between consecutive acknowledgement times (ms): the outage as clients saw it. */
export function largestGapMs(ackTimesMs: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < ackTimesMs.length; i++) gap = Math.max(gap, ackTimesMs[i] - ackTimesMs[i - 1]);
  return gap;
}

/** Rounds seconds to two decimals for the table. */
export function roundSeconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

/** The rows as a Markdown table, as README shows them. */
export function drillTable(rows: readonly DrillRow[]): string {
  const header = '| system | profile | scenario | durability | trials | RTO median (s) | RTO max (s) | acknowledged writes lost |';
  const rule = '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |';
  const lines = rows.map((r) => `| ${r.system} | ${r.profile} | ${r.scenario} | ${r.durability ?? (r.synchronous ? 'synchronous' : 'asynchronous')} | ${r.trials} | ${r.rtoMedianSeconds} | ${r.rtoMaxSeconds} | ${r.ackedWritesLost} |`);
  return [header, rule, ...lines].join('\n');
}
