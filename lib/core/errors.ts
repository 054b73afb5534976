import { visible } from './private/visible';
import { isDurationLike, isSizeLike } from './units';

/**
 * A synth-time error in user terms: which construct, which field, the bad value and the fix.
 *
 * @example
 * // firebackup/db: members must be odd to keep a quorum (got 4); use 3 or 5
 * throw new HadrError({ path: 'firebackup/db', field: 'members', value: 4,
 *   problem: 'must be odd to keep a quorum', fix: 'use 3 or 5' });
 */
export class HadrError extends Error {
  /** Construct path (or config section) the error belongs to. */
  public readonly path: string;
  /** The prop or config field that holds the bad value. */
  public readonly field: string;
  /** The bad value as given. */
  public readonly value: unknown;
  /** What is wrong, completing "<field> ...". */
  public readonly problem: string;
  /** What to do instead. */
  public readonly fix: string;

  constructor(details: HadrErrorDetails) {
    super(`${details.path}: ${details.field} ${details.problem} (got ${describeValue(details.value)}); ${details.fix}`);
    this.name = 'HadrError';
    this.path = details.path;
    this.field = details.field;
    this.value = details.value;
    this.problem = details.problem;
    this.fix = details.fix;
  }
}

/** What a {@link HadrError} reports. */
export interface HadrErrorDetails {
  /** Construct path, e.g. `firebackup/db`. */
  readonly path: string;
  /** Field name as the user wrote it, e.g. `members` or `service.ports[1].port`. */
  readonly field: string;
  /** The bad value. */
  readonly value: unknown;
  /** What is wrong, completing "<field> ...", e.g. `must be odd to keep a quorum`. */
  readonly problem: string;
  /** What to do instead, e.g. `use 3 or 5`. */
  readonly fix: string;
}

/** Throws a {@link HadrError} unless `condition` holds. */
export function check(condition: boolean, details: HadrErrorDetails): asserts condition {
  if (!condition) throw new HadrError(details);
}

/** Renders a value for an error message without dumping objects or secrets' internals. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return visible(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (isDurationLike(value)) return value.toHumanString();
  if (isSizeLike(value)) return value.asString();
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  try {
    return visible(JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

