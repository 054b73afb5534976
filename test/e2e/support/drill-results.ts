/**
 * One results file for every drill (bench/drills.json), and what a drill is: a module that
 * measures scenarios with real servers and returns rows. Each drill replaces its own rows.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A trial that was run again, and why (the row keeps only the trial that counted). */
export interface Rerun {
  /** Which trial (1-based) of the row. */
  readonly trial: number;
  readonly reason: string;
}

/**
 * One measured scenario over several trials. `ackedWritesLost` means the same in every row, for
 * every system: acknowledged writes (with WAIT, confirmed ones) missing afterwards, in the trial
 * that lost the most. The other figures are present where the scenario measures them.
 */
export interface DrillRow {
  /** Id of the drill that wrote the row (see the registry in test/e2e/drills.ts). */
  readonly drill: string;
  readonly system: 'patroni' | 'redis';
  /** Timing profile of the servers. */
  readonly profile: string;
  readonly scenario: string;
  /** Whether a write was acknowledged only once a replica had it: read from the servers that ran (Patroni), or the durability (Redis WAIT). */
  readonly synchronous: boolean;
  /** Redis only: which write guarantee the trials used. */
  readonly durability?: 'async' | 'min-replicas' | 'wait';
  /** Redis `wait` only: replicas each write waited for. */
  readonly waitReplicas?: number;
  readonly trials: number;
  /** Acknowledged writes missing afterwards, worst trial. */
  readonly ackedWritesLost: number;
  /** Median over the trials of the largest gap between two acknowledged writes. */
  readonly rtoMedianSeconds?: number;
  /** Largest such gap over the trials. */
  readonly rtoMaxSeconds?: number;
  /** Partitions: acknowledged writes the old primary answered later than the bound after the cut, worst trial. */
  readonly writesToDeposedPrimary?: number;
  /** Redis partitions: from the cut until the old primary refused writes, worst trial. */
  readonly fenceSeconds?: number;
  /** Redis partitions: the documented bound (`SentinelTiming.fenceBoundSeconds`). */
  readonly fenceBoundSeconds?: number;
  /** Patroni partitions: from the cut until the old leader stopped being a primary, worst trial. */
  readonly demoteSeconds?: number;
  /** Patroni partitions: the bound the old leader is held to (its ttl). */
  readonly demoteBoundSeconds?: number;
  /** Site loss: the design's worst-case RTO and RPO from the recovery budget, which the measurement must stay within. */
  readonly budgetRtoSeconds?: number;
  readonly budgetRpoSeconds?: number;
  /** Point-in-time recovery: rows written before the target missing after the restore, worst trial. */
  readonly rowsMissing?: number;
  /** Point-in-time recovery: rows written after the target present after the restore, worst trial. */
  readonly rowsExtra?: number;
  /** Point-in-time recovery: median time from the recovery settings to the restored server promoted. */
  readonly restoreSeconds?: number;
  /** When the row was measured, where that differs from the file's date (a drill run on its own). */
  readonly measuredAt?: string;
  /** Where the row was measured, where that differs from the file's machine. */
  readonly machine?: string;
  /** Trials that were run again, with the reason. */
  readonly reruns: readonly Rerun[];
  /** What ran where, in words. */
  readonly topology: string;
  /** Server versions, read from the binaries or servers that ran. */
  readonly versions: Readonly<Record<string, string>>;
  /** Anything else worth keeping beside the figures (per-trial values, settings). */
  readonly details?: Record<string, unknown>;
}

/** What a drill returns: rows without the drill id, which the runner adds. */
export type MeasuredRow = Omit<DrillRow, 'drill'>;

/** Options every drill takes. */
export interface DrillRunOptions {
  /** Trials per row, at least 3 for `npm run drill`. */
  readonly trials: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** A drill: one module measuring some scenarios, registered once in test/e2e/drills.ts. */
export interface Drill {
  /** Stable id, written into each row it produces. */
  readonly id: string;
  /** The module that measures it: what docs link to as the script behind each figure. */
  readonly source: string;
  /** What it does, for `npm run drill -- --list`. */
  readonly description: string;
  run(options: DrillRunOptions): Promise<MeasuredRow[]>;
}

/** The results file: when it was written and every row. */
export interface DrillsFile {
  readonly measuredAt: string;
  /** Where it was measured, in words (a shared CPU makes timings noisy). */
  readonly machine: string;
  readonly rows: readonly DrillRow[];
}

export const DRILLS_FILE = path.join(__dirname, '..', '..', '..', 'bench', 'drills.json');

/** Reads the results file. */
export function readDrills(file = DRILLS_FILE): DrillsFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DrillsFile;
}

/**
 * Replaces the rows of `drill` in the results file, keeping the other drills' rows, and orders
 * the rows by the registry's order (`order`: drill ids).
 */
export function writeDrillRows(drill: string, rows: readonly MeasuredRow[], order: readonly string[], machine: string, file = DRILLS_FILE): void {
  const previous = fs.existsSync(file) ? readDrills(file) : undefined;
  const kept = (previous?.rows ?? []).filter((r) => r.drill !== drill);
  // Rows of other drills keep the date and machine they were measured on: the file's header
  // stays theirs, and the new rows carry their own when they differ.
  const now = new Date().toISOString();
  const own = kept.length > 0 && previous ? { measuredAt: now, machine } : {};
  const merged = [...kept, ...rows.map((r) => ({ drill, ...r, ...own }))];
  const rank = (r: DrillRow) => (order.indexOf(r.drill) + order.length + 1) % (order.length + 1);
  const sorted = merged.map((r, i) => ({ r, i })).sort((x, y) => rank(x.r) - rank(y.r) || x.i - y.i).map(({ r }) => r);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const content: DrillsFile = kept.length > 0 && previous
    ? { measuredAt: previous.measuredAt, machine: previous.machine, rows: sorted }
    : { measuredAt: now, machine, rows: sorted };
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n');
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
