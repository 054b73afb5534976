/**
 * Schedules and retention as the controllers read them: five-field cron (CronJob, Velero) and
 * Go durations (Velero's `ttl`), checked at synth so a typo never reaches the cluster.
 */
import { check } from '../errors';
import { DurationLike, isDurationLike } from '../units';

const FIELD_RANGES: readonly (readonly [number, number])[] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** True for a five-field cron expression (numbers, `*`, ranges, lists and steps) or a macro such as `@daily`. */
export function isCron(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (MACROS.includes(value)) return true;
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((field, i) => field.split(',').every((part) => {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return false;
    const [lo, hi] = FIELD_RANGES[i];
    const nums = [match[2], match[3], match[4]].filter((n) => n !== undefined).map(Number);
    const inRange = [match[2], match[3]].filter((n) => n !== undefined).map(Number).every((n) => n >= lo && n <= hi);
    return inRange && (match[4] === undefined || Number(match[4]) >= 1) && nums.every(Number.isInteger)
      && (match[3] === undefined || Number(match[2]) <= Number(match[3]));
  }));
}

/** Refuses anything but a cron expression. */
export function checkCron(path: string, field: string, value: unknown): string {
  check(isCron(value), {
    path, field, value,
    problem: 'must be a cron expression of five fields (minute hour day-of-month month day-of-week) or a macro such as @daily',
    fix: "use e.g. '0 3 * * *' (every day at 03:00)",
  });
  return value;
}

/** Refuses anything but a Duration of at least `minSeconds`. */
export function checkRetention(path: string, field: string, value: unknown, minSeconds: number): DurationLike {
  check(isDurationLike(value) && value.toMilliseconds() >= minSeconds * 1000 && Number.isInteger(value.toMilliseconds() / 1000), {
    path, field, value,
    problem: `must be a Duration of whole seconds, at least ${minSeconds} seconds`,
    fix: 'use e.g. Duration.days(30)',
  });
  return value;
}

/**
 * A duration as Go's `time.ParseDuration` reads it, in hours, minutes and seconds (Velero's `ttl`).
 *
 * @example
 * goDuration(Duration.days(30)); // '720h0m0s'
 */
export function goDuration(duration: DurationLike): string {
  const total = Math.round(duration.toMilliseconds() / 1000);
  return `${Math.floor(total / 3600)}h${Math.floor((total % 3600) / 60)}m${total % 60}s`;
}
