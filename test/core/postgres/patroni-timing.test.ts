import { Duration } from 'cdk8s';
import { compareVersions, patroniRaisesTiming, validatePatroniTiming } from '../../../lib/core/postgres/patroni-timing';
import { PatroniTiming, PatroniTimingProfile } from 'hadr-constructs';
import { estimateFailover } from 'hadr-constructs/core';

const profiles: PatroniTimingProfile[] = [PatroniTiming.default(), PatroniTiming.fast()];

describe('PatroniTiming.default', () => {
  it('is Patroni\'s own 30/10/10', () => {
    expect(PatroniTiming.default()).toMatchObject({ name: 'default', ttlSeconds: 30, loopWaitSeconds: 10, retryTimeoutSeconds: 10 });
  });

  it('needs three missed checks before HAProxy drops the primary, tolerating one slow answer', () => {
    expect(PatroniTiming.default().haproxyCheck).toMatchObject({ fall: 3, rise: 2 });
  });
});

describe('PatroniTiming.fast', () => {
  const fast = PatroniTiming.fast();

  it('fails over in about 10 s: ttl 10, loop_wait 2, retry_timeout 3', () => {
    expect(fast).toMatchObject({ name: 'fast', ttlSeconds: 10, loopWaitSeconds: 2, retryTimeoutSeconds: 3 });
  });

  it('reacts to the first failed or passed check, so HAProxy adds at most half a second', () => {
    expect(fast.haproxyCheck).toMatchObject({ interMs: 500, fastInterMs: 250, downInterMs: 500, fall: 1, rise: 1 });
  });

  it('reached the issue\'s target in the drill: a median of 10 s or less from the kill to the next write', () => {
    expect(fast.measured!.rtoMedianSeconds).toBeLessThanOrEqual(10);
  });
});

describe.each(profiles.map((p) => [p.name, p] as const))('the %s profile', (_name, profile) => {
  it('satisfies Patroni\'s rule loop_wait + 2 * retry_timeout <= ttl', () => {
    expect(() => validatePatroniTiming('test', profile)).not.toThrow();
  });

  it('carries drill figures: zero acknowledged writes lost, at least 3 trials', () => {
    expect(profile.measured).toBeDefined();
    expect(profile.measured!.ackedWritesLost).toBe(0);
    expect(profile.measured!.trials).toBeGreaterThanOrEqual(3);
    expect(profile.measured!.rtoMedianSeconds).toBeGreaterThan(0);
    expect(profile.measured!.rtoMedianSeconds).toBeLessThanOrEqual(profile.measured!.rtoMaxSeconds);
    expect(profile.measured!.switchoverGapMedianSeconds).toBeGreaterThan(0);
  });

  it('measured an outage inside the range its timings predict', () => {
    const { minSeconds, maxSeconds } = estimateFailover(profile);
    const measured = profile.measured!;
    // Replies in flight land after the kill, so the measured gap may start a little before it.
    expect(measured.rtoMedianSeconds).toBeGreaterThanOrEqual(minSeconds - 1);
    expect(measured.rtoMaxSeconds).toBeLessThanOrEqual(maxSeconds);
    expect(measured.viaPgbouncerRtoMedianSeconds).toBeLessThanOrEqual(maxSeconds);
  });
});

describe('PatroniTiming.custom', () => {
  it('accepts cdk8s Durations in whole seconds', () => {
    expect(PatroniTiming.custom({ ttl: Duration.seconds(20), loopWait: Duration.seconds(2), retryTimeout: Duration.seconds(3) }))
      .toMatchObject({ name: 'custom', ttlSeconds: 20, loopWaitSeconds: 2, retryTimeoutSeconds: 3 });
  });

  it('rejects timings that break loop_wait + 2 * retry_timeout <= ttl, naming the ttl needed', () => {
    expect(() => PatroniTiming.custom({ ttl: Duration.seconds(20), loopWait: Duration.seconds(10), retryTimeout: Duration.seconds(10) })).toThrow(
      'PatroniTiming.custom: timing.ttl must be at least loop_wait + 2 * retry_timeout = 30 (got 20); raise ttl to 30 or lower loop_wait/retry_timeout');
  });

  it('rejects fractions of a second, which Patroni cannot read', () => {
    expect(() => PatroniTiming.custom({ ttl: Duration.seconds(10), loopWait: Duration.millis(1500), retryTimeout: Duration.seconds(3) })).toThrow(
      'PatroniTiming.custom: loopWait must be a positive whole number of seconds (got 1 second 500 millis); Patroni reads integer seconds; round to a whole second');
  });

  it('picks quick HAProxy checks for a short ttl and steady ones for a long ttl', () => {
    const short = PatroniTiming.custom({ ttl: Duration.seconds(12), loopWait: Duration.seconds(2), retryTimeout: Duration.seconds(3) });
    const long = PatroniTiming.custom({ ttl: Duration.seconds(45), loopWait: Duration.seconds(10), retryTimeout: Duration.seconds(10) });
    expect(short.haproxyCheck.fall).toBe(1);
    expect(long.haproxyCheck.fall).toBe(3);
  });
});

describe('estimateFailover', () => {
  it('gives the worked example of the default profile: 22 to 46 seconds', () => {
    expect(estimateFailover(PatroniTiming.default())).toEqual({ minSeconds: 22, maxSeconds: 46 });
  });

  it('gives 8.5 to 15.5 seconds for the fast profile', () => {
    expect(estimateFailover(PatroniTiming.fast())).toEqual({ minSeconds: 8.5, maxSeconds: 15.5 });
  });
});

describe('patroniRaisesTiming', () => {
  it('is true for the fast profile on Patroni 3.2 and later, which raise ttl to 20', () => {
    expect(patroniRaisesTiming(PatroniTiming.fast(), '3.2.0')).toBe(true);
    expect(patroniRaisesTiming(PatroniTiming.fast(), '4.0.4')).toBe(true);
  });

  it('is false on Patroni 3.0.2 and for the default profile anywhere', () => {
    expect(patroniRaisesTiming(PatroniTiming.fast(), '3.0.2')).toBe(false);
    expect(patroniRaisesTiming(PatroniTiming.default(), '4.0.4')).toBe(false);
  });

  it('compares versions numerically, not as text', () => {
    expect(compareVersions('3.10.0', '3.2.0')).toBe(1);
    expect(compareVersions('3.2', '3.2.0')).toBe(0);
    expect(compareVersions('3.0.2', '3.2.0')).toBe(-1);
  });
});
