/**
 * Named failover timings for Patroni and the HAProxy checks that route to its primary, as
 * plain data, with the figures the real-server drill measured for each.
 */
import { check } from '../errors';
import { deepFreeze } from '../private/deep-freeze';
import { DurationLike, isDurationLike } from '../units';

/**
 * How often HAProxy asks Patroni's REST API who the primary is, and how many answers flip a
 * server. Plain data in milliseconds so doctor rules and the RTO budget can read it.
 *
 * @see https://docs.haproxy.org/2.6/configuration.html#5.2-inter
 */
export interface HaproxyCheckTiming {
  /** Interval between checks of a server that is UP. */
  readonly interMs: number;
  /** Interval while an UP server is failing checks (before it is marked DOWN). */
  readonly fastInterMs: number;
  /** Interval between checks of a DOWN server: how soon a new primary is seen. */
  readonly downInterMs: number;
  /** Consecutive failed checks that mark a server DOWN. */
  readonly fall: number;
  /** Consecutive passed checks that mark a server UP. */
  readonly rise: number;
  /** How long one check may take before it counts as failed. */
  readonly timeoutMs: number;
}

/**
 * What the failover drill measured for a profile (kill -9 of the leader's Patroni and
 * PostgreSQL during a stream of acknowledged writes, and planned switchovers).
 * Documentation data: the numbers hold for the setup named in {@link environment}.
 */
export interface MeasuredFailover {
  /** Kill-primary trials per figure. */
  readonly trials: number;
  /** Median of the largest gap between acknowledged writes through HAProxy. */
  readonly rtoMedianSeconds: number;
  /** Largest such gap over all trials. */
  readonly rtoMaxSeconds: number;
  /** Median gap for a client writing through PgBouncer in front of HAProxy. */
  readonly viaPgbouncerRtoMedianSeconds: number;
  /** Largest gap through PgBouncer over all trials. */
  readonly viaPgbouncerRtoMaxSeconds: number;
  /** Median write gap of a planned switchover through HAProxy. */
  readonly switchoverGapMedianSeconds: number;
  /** Largest switchover write gap through HAProxy. */
  readonly switchoverGapMaxSeconds: number;
  /** Acknowledged writes missing on the new primary in the trial that lost the most, kills and switchovers (synchronous mode). */
  readonly ackedWritesLost: number;
  /** Versions and machine the figures were measured on. */
  readonly environment: string;
}

/** A named set of Patroni timings with the HAProxy checks that go with it. */
export interface PatroniTimingProfile {
  /** Profile name, as shown in drill tables and runbooks. */
  readonly name: string;
  /**
   * Lifetime of the leader key: after a crash, the time before a replica may take over.
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly ttlSeconds: number;
  /** Sleep between Patroni's HA loops; the leader renews its key once per loop. */
  readonly loopWaitSeconds: number;
  /** DCS and PostgreSQL hiccups shorter than this never demote the leader. */
  readonly retryTimeoutSeconds: number;
  /** HAProxy's health-check cadence for `GET /primary` and `GET /replica`. */
  readonly haproxyCheck: HaproxyCheckTiming;
  /** Figures from the drill, when this profile was measured. */
  readonly measured?: MeasuredFailover;
}

/** Options for {@link PatroniTiming.custom}. */
export interface CustomPatroniTimingOptions {
  /** Name shown in tables and runbooks. @default 'custom' */
  readonly name?: string;
  /** Leader key lifetime; whole seconds. */
  readonly ttl: DurationLike;
  /** HA loop interval; whole seconds. */
  readonly loopWait: DurationLike;
  /** DCS/PostgreSQL retry budget; whole seconds. */
  readonly retryTimeout: DurationLike;
  /**
   * HAProxy checks.
   * @default - the checks of {@link PatroniTiming.fast} when ttl is under 20 s, else those of {@link PatroniTiming.default}
   */
  readonly haproxyCheck?: HaproxyCheckTiming;
  /** Error path prefix for bad values. @default 'PatroniTiming.custom' */
  readonly path?: string;
}

/**
 * Patroni 3.2.0 and later silently raise timings below these floors (and log a warning), so a
 * profile under them is only honoured by older Patroni (Debian bookworm ships 3.0.2).
 *
 * @see https://github.com/patroni/patroni/blob/master/docs/releases.rst#version-320
 */
export const PATRONI_TIMING_FLOORS = deepFreeze({
  /** First Patroni version that enforces the floors. */
  sinceVersion: '3.2.0',
  ttlSeconds: 20,
  /** The release notes say 2; the code (`Config._validate_and_adjust_timeouts`) enforces 1. */
  loopWaitSeconds: 1,
  retryTimeoutSeconds: 3,
} as const);

/**
 * Checks for a long ttl: a primary is dropped after three misses (a Patroni busy for a second
 * or two does not cut every session), and the new one admitted after two passes 1 s apart.
 * Next to a 20-30 s ttl that costs about 2 s of failover and 4 s of switchover.
 */
const STEADY_CHECKS: HaproxyCheckTiming = deepFreeze({
  interMs: 2000, fastInterMs: 1000, downInterMs: 1000, fall: 3, rise: 2, timeoutMs: 2000,
});

/**
 * Checks for a short ttl: the first miss drops the old primary, the first pass admits the new
 * one, so HAProxy adds at most half a second. Patroni answers `/primary` from its own state,
 * so a single wrong answer cannot route writes to a replica; the cost is that a Patroni whose
 * REST API stalls for more than 1 s (while PostgreSQL is fine) is dropped until it answers again.
 */
const QUICK_CHECKS: HaproxyCheckTiming = deepFreeze({
  interMs: 500, fastInterMs: 250, downInterMs: 500, fall: 1, rise: 1, timeoutMs: 1000,
});

/** Setup every figure below was measured on (drill `patroni-failover`, docs/drills.md). */
const DRILL_ENVIRONMENT = 'Patroni 3.0.2, PostgreSQL 15.18, etcd 3.4.23 (1 member), HAProxy 2.6, PgBouncer 1.18; '
  + '3 members on 127.0.0.1, synchronous mode; kills anchored to the leader\'s HA loop: 3 at the middles of thirds of loop_wait '
  + '(the median) and 1 right after the leader renewed its key (the worst point, in the maximum); 2 vCPU shared with other work, 2026-12-02';

/**
 * Failover timing profiles: factories that validate and return plain data.
 *
 * @example
 * const timing = PatroniTiming.fast();
 * renderPatroniConfig({ ...spec, timing });
 */
export class PatroniTiming {
  /**
   * Patroni's own defaults (ttl 30, loop_wait 10, retry_timeout 10) with HAProxy checks that
   * need three misses: the slowest failover (drill: 26.9 s median, 32.7 s max at the worst point of the loop, from kill -9 to
   * the next acknowledged write, 0 writes lost; switchover 4.6 s), and the most tolerant of slow
   * disks, busy nodes, a stalled Patroni and DCS or API-server hiccups of up to 10 s. Holds on
   * every Patroni version.
   *
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  public static default(): PatroniTimingProfile {
    return {
      name: 'default',
      ttlSeconds: 30,
      loopWaitSeconds: 10,
      retryTimeoutSeconds: 10,
      haproxyCheck: { ...STEADY_CHECKS },
      measured: {
        trials: 4,
        rtoMedianSeconds: 26.89,
        rtoMaxSeconds: 32.73,
        viaPgbouncerRtoMedianSeconds: 27.15,
        viaPgbouncerRtoMaxSeconds: 32.98,
        switchoverGapMedianSeconds: 4.55,
        switchoverGapMaxSeconds: 4.72,
        ackedWritesLost: 0,
        environment: DRILL_ENVIRONMENT,
      },
    };
  }

  /**
   * ttl 10, loop_wait 2, retry_timeout 3 with HAProxy reacting to the first check: writes flow
   * again about 10 s after the primary dies (drill: 9.8 s median, 11.0 s max at the worst point of the loop, 0 writes lost;
   * switchover 2.5 s).
   *
   * How low it can go, measured on this setup: nothing spurious happened even at ttl 3 /
   * loop_wait 1 / retry_timeout 1 in 180 s soaks with both cores and the disk saturated, and
   * ttl 5 / 1 / 2 failed over in 5.0 s, ttl 6 / 1 / 2 in 6.0 s and ttl 7 / 1 / 3 in 7.1 s with no
   * loss. The floor is set by retry_timeout, not by load:
   * - retry_timeout 1 breaks failover: at ttl 4 and at ttl 6 the synchronous standby could not
   *   write the leader key within its 1 s retry budget after probing the dead leader ("Error
   *   communicating with DCS" every loop), so no member ever took over (3 kills of 3); and at
   *   ttl 4 a 4 s etcd freeze left Patroni's etcd client unable to reconnect for over 100 s
   *   (2 of 2), with only failsafe mode keeping the primary up.
   * - Patroni's etcd client gives each etcd member at least 1 s per attempt and tries fewer
   *   members when retry_timeout is shorter, so 3 s is the least that tries all three members of
   *   a real etcd (or rides out a slow API server) within one retry; Patroni 3.2+ enforces it.
   * - With retry_timeout 3 the rule needs ttl >= loop_wait + 6. loop_wait 2 rather than 1 halves
   *   the DCS writes (with the Kubernetes DCS every member patches its pod each loop), and ttl 10
   *   keeps 2 s beyond the rule for a late loop (a busy PostgreSQL answering Patroni slowly).
   *   `PatroniTiming.custom({ ttl: 7 s, loopWait: 1 s, retryTimeout: 3 s })` is the floor for
   *   those who accept no slack (7.1 s measured).
   *
   * What it gives away: a leader whose Patroni is frozen or starved for more than
   * ttl - loop_wait = 8 s loses its key, and with `fall 1` HAProxy drops a primary whose Patroni
   * does not answer a check within 1 s (a 3 s Patroni stall made a 2 s write gap).
   * Patroni 3.2 and later raise ttl below 20 to 20 (`PATRONI_TIMING_FLOORS`); with such an
   * image this profile does not hold, and `renderPatroniConfig` rejects it when given
   * `patroniVersion`.
   *
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  public static fast(): PatroniTimingProfile {
    return {
      name: 'fast',
      ttlSeconds: 10,
      loopWaitSeconds: 2,
      retryTimeoutSeconds: 3,
      haproxyCheck: { ...QUICK_CHECKS },
      measured: {
        trials: 4,
        rtoMedianSeconds: 9.8,
        rtoMaxSeconds: 10.99,
        viaPgbouncerRtoMedianSeconds: 10.26,
        viaPgbouncerRtoMaxSeconds: 11.84,
        switchoverGapMedianSeconds: 2.46,
        switchoverGapMaxSeconds: 2.58,
        ackedWritesLost: 0,
        environment: DRILL_ENVIRONMENT,
      },
    };
  }

  /**
   * ttl 20, loop_wait 2, retry_timeout 3 with HAProxy reacting to the first check: the fastest
   * failover Patroni 3.2 and later honour (they raise ttl below 20 to 20,
   * `PATRONI_TIMING_FLOORS`), so the fastest for the default Spilo image
   * (drill: 19.6 s median, 20.9 s max at the worst point of the loop, from kill -9 to the next
   * acknowledged write, 0 writes lost; switchover 2.6 s).
   *
   * It keeps {@link PatroniTiming.fast}'s retry budget (3 s, the least that tries every member
   * of a three-member etcd or rides out a slow API server) and loop cadence, and spends the
   * ttl Patroni insists on as slack: a leader whose Patroni stalls for up to 18 s keeps its key.
   *
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  public static responsive(): PatroniTimingProfile {
    return {
      name: 'responsive',
      ttlSeconds: 20,
      loopWaitSeconds: 2,
      retryTimeoutSeconds: 3,
      haproxyCheck: { ...QUICK_CHECKS },
      measured: {
        trials: 4,
        rtoMedianSeconds: 19.61,
        rtoMaxSeconds: 20.85,
        viaPgbouncerRtoMedianSeconds: 20.16,
        viaPgbouncerRtoMaxSeconds: 20.83,
        switchoverGapMedianSeconds: 2.58,
        switchoverGapMaxSeconds: 2.69,
        ackedWritesLost: 0,
        environment: DRILL_ENVIRONMENT,
      },
    };
  }

  /**
   * Your own timings, checked against Patroni's rule `loop_wait + 2 * retry_timeout <= ttl`
   * (a leader must be able to retry the DCS twice within one ttl before it loses the key).
   */
  public static custom(options: CustomPatroniTimingOptions): PatroniTimingProfile {
    const path = options.path ?? 'PatroniTiming.custom';
    const profile: PatroniTimingProfile = {
      name: options.name ?? 'custom',
      ttlSeconds: wholeSeconds(path, 'ttl', options.ttl),
      loopWaitSeconds: wholeSeconds(path, 'loopWait', options.loopWait),
      retryTimeoutSeconds: wholeSeconds(path, 'retryTimeout', options.retryTimeout),
      haproxyCheck: {
        ...(options.haproxyCheck ?? (wholeSecondsOrZero(options.ttl) < PATRONI_TIMING_FLOORS.ttlSeconds ? QUICK_CHECKS : STEADY_CHECKS)),
      },
    };
    validatePatroniTiming(path, profile);
    return profile;
  }
}

/**
 * Throws a HadrError unless the profile satisfies Patroni's rules: positive whole seconds,
 * `loop_wait + 2 * retry_timeout <= ttl`, and sane HAProxy check counts.
 *
 * @example
 * // db: timing.ttl must be at least loop_wait + 2 * retry_timeout = 30 (got 20); raise ttl to 30 or lower loop_wait/retry_timeout
 * validatePatroniTiming('db', { ...PatroniTiming.default(), ttlSeconds: 20 });
 */
export function validatePatroniTiming(path: string, profile: PatroniTimingProfile, field = 'timing'): void {
  for (const [name, value] of [
    ['ttl', profile.ttlSeconds], ['loopWait', profile.loopWaitSeconds], ['retryTimeout', profile.retryTimeoutSeconds],
  ] as const) {
    check(Number.isInteger(value) && value >= 1, {
      path, field: `${field}.${name}`, value, problem: 'must be a whole number of seconds, at least 1', fix: 'Patroni reads integer seconds',
    });
  }
  const needed = profile.loopWaitSeconds + 2 * profile.retryTimeoutSeconds;
  check(needed <= profile.ttlSeconds, {
    path,
    field: `${field}.ttl`,
    value: profile.ttlSeconds,
    problem: `must be at least loop_wait + 2 * retry_timeout = ${needed}`,
    fix: `raise ttl to ${needed} or lower loop_wait/retry_timeout`,
  });
  const hc = profile.haproxyCheck;
  for (const [name, value] of [['fall', hc.fall], ['rise', hc.rise]] as const) {
    check(Number.isInteger(value) && value >= 1, {
      path, field: `${field}.haproxyCheck.${name}`, value, problem: 'must be a whole number, at least 1', fix: 'use 1 to react to the first check',
    });
  }
  for (const [name, value] of [
    ['interMs', hc.interMs], ['fastInterMs', hc.fastInterMs], ['downInterMs', hc.downInterMs], ['timeoutMs', hc.timeoutMs],
  ] as const) {
    check(Number.isInteger(value) && value >= 100, {
      path, field: `${field}.haproxyCheck.${name}`, value, problem: 'must be whole milliseconds, at least 100', fix: 'checks faster than 100 ms only load the REST API',
    });
  }
}

/** Seconds from the crash of the primary until writes flow again, as a range. */
export interface FailoverEstimate {
  /** The key was renewed a full loop before the crash, so it expires `ttl - loop_wait` after it. */
  readonly minSeconds: number;
  /** The key was renewed at the crash, replicas notice a loop late, promotion and checks take their longest. */
  readonly maxSeconds: number;
}

/** Time a replica needs to promote itself once it holds the leader key (measured ~1 s; allowance doubled). */
export const PROMOTION_ALLOWANCE_SECONDS = 2;

/**
 * Range of the outage after a crash of the primary, from the timings alone.
 *
 * The leader renews its key once per loop, so at the crash the key has between
 * `ttl - loop_wait` and `ttl` left. Replicas watching the DCS react when it expires (with the
 * Kubernetes DCS up to one loop later), promote, and HAProxy admits the new primary after
 * `rise` checks `downinter` apart.
 *
 * @example
 * // default profile: ttl 30, loop_wait 10, downinter 1 s, rise 2
 * // min = 30 - 10 + 1 * 2 = 22 s; max = 30 + 10 + 2 + 1 * 2 + 2 (check timeout) = 46 s
 * estimateFailover(PatroniTiming.default()); // { minSeconds: 22, maxSeconds: 46 }
 */
export function estimateFailover(profile: PatroniTimingProfile): FailoverEstimate {
  const hc = profile.haproxyCheck;
  const admitNewPrimary = (hc.downInterMs * hc.rise) / 1000;
  return {
    minSeconds: profile.ttlSeconds - profile.loopWaitSeconds + admitNewPrimary,
    maxSeconds: profile.ttlSeconds + profile.loopWaitSeconds + PROMOTION_ALLOWANCE_SECONDS + admitNewPrimary + hc.timeoutMs / 1000,
  };
}

/**
 * True when this Patroni version raises the profile's timings to {@link PATRONI_TIMING_FLOORS},
 * so the profile's measured failover would not hold.
 */
export function patroniRaisesTiming(profile: PatroniTimingProfile, patroniVersion: string): boolean {
  if (compareVersions(patroniVersion, PATRONI_TIMING_FLOORS.sinceVersion) < 0) return false;
  return profile.ttlSeconds < PATRONI_TIMING_FLOORS.ttlSeconds
    || profile.loopWaitSeconds < PATRONI_TIMING_FLOORS.loopWaitSeconds
    || profile.retryTimeoutSeconds < PATRONI_TIMING_FLOORS.retryTimeoutSeconds;
}

/** Compares dotted versions numerically (`3.10.0` > `3.2.0`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function wholeSeconds(path: string, field: string, value: DurationLike): number {
  check(isDurationLike(value), {
    path, field, value, problem: 'must be a duration', fix: 'use Duration.seconds(n)',
  });
  const ms = value.toMilliseconds();
  check(ms % 1000 === 0 && ms > 0, {
    path, field, value, problem: 'must be a positive whole number of seconds', fix: 'Patroni reads integer seconds; round to a whole second',
  });
  return ms / 1000;
}

function wholeSecondsOrZero(value: DurationLike): number {
  return isDurationLike(value) ? value.toMilliseconds() / 1000 : 0;
}
