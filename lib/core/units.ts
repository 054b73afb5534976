/**
 * Units as structural types, so `lib/core` stays framework-free while accepting cdk8s'
 * `Duration` and `Size` (both satisfy these interfaces).
 */

/** A length of time; cdk8s `Duration` satisfies it. */
export interface DurationLike {
  /** Whole milliseconds. */
  toMilliseconds(): number;
  /** Human-readable form for messages, e.g. `30 seconds`. */
  toHumanString(): string;
}

/** An amount of storage or memory; cdk8s `Size` satisfies it. */
export interface SizeLike {
  /** Whole kibibytes (the smallest unit cdk8s `Size` has). */
  toKibibytes(): number;
  /** Kubernetes quantity, e.g. `10Gi`. */
  asString(): string;
}

/** True for anything usable as a {@link DurationLike}. */
export function isDurationLike(value: unknown): value is DurationLike {
  return typeof (value as DurationLike | undefined)?.toMilliseconds === 'function'
    && typeof (value as DurationLike).toHumanString === 'function';
}

/** True for anything usable as a {@link SizeLike}. */
export function isSizeLike(value: unknown): value is SizeLike {
  return typeof (value as SizeLike | undefined)?.toKibibytes === 'function'
    && typeof (value as SizeLike).asString === 'function';
}

/** Seconds in a duration, rounded up so a timeout is never shortened. */
export function toSecondsCeil(duration: DurationLike): number {
  return Math.ceil(duration.toMilliseconds() / 1000);
}

/** A plain {@link DurationLike} from seconds, for defaults defined in core. */
export function seconds(amount: number): DurationLike {
  return millis(amount * 1000);
}

/** A plain {@link DurationLike} from milliseconds, for defaults defined in core. */
export function millis(amount: number): DurationLike {
  return {
    toMilliseconds: () => amount,
    toHumanString: () => (amount % 1000 === 0 ? `${amount / 1000} seconds` : `${amount} millis`),
  };
}

/** A plain {@link SizeLike} from mebibytes, for defaults defined in core. */
export function mebibytes(amount: number): SizeLike {
  return { toKibibytes: () => amount * 1024, asString: () => (amount % 1024 === 0 ? `${amount / 1024}Gi` : `${amount}Mi`) };
}
